//! The `training` group (decisions.md D3): the trainer plays the patient at a reader, and the reader's
//! own 職員用ボタン and 「中止」. Advertised only in training mode.

use crate::contract::header;
use base64::{Engine, engine::general_purpose::STANDARD};
use serde_json::json;

use crate::{
    account::Action,
    canned::people::Person,
    codes::QualificationValidity,
    contract::{
        Problem, ProblemCode, Request, Response, VisitMethod,
        groups::{
            CardFields, PinCheck, ReaderVisit, StaffMode, TrainingAccounts, TrainingClock,
            TrainingPeople, TrainingPerson, VisitResult,
        },
    },
    dispatch::{
        Activity, Cx, Fail, Handled, authenticate, caller, coded, invalid, json_body,
        qualification, readers,
    },
    password,
    store::{
        Change, EventKind, PinRecord, ReaderMode, ReaderRecord, TrainingClockRecord,
        VisualCheckRecord, VisualCheckState,
    },
    time::Timestamp,
    validate::Finding,
};

/// Wrong PINs a card takes before it locks (MHLW material quoted in docs/domain.md §2: 3).
const PIN_TRIES: u32 = 3;

/// `GET /training/accounts`: the canned accounts with their training passwords, for the sign-in
/// page's list. Anonymous, like the sign-in it helps with; the route exists only where the training
/// group is advertised, so a real endpoint answers 404.
pub(super) fn accounts(_cx: &mut Cx<'_>, _request: &Request) -> Handled {
    Ok(Response::json(200, &TrainingAccounts::of_training_data()))
}

pub(super) fn people(cx: &mut Cx<'_>, request: &Request) -> Handled {
    caller(cx, request, Action::ReaderModes)?;
    let mut items = Vec::new();
    for p in cx.national.people() {
        let pin_locked = cx.read.pin(&p.id)?.is_some_and(|r| r.locked);
        items.push(TrainingPerson {
            id: p.id.to_owned(),
            name: p.name.to_owned(),
            kana: p.kana.to_owned(),
            birthdate: p.birthdate,
            sex: coded(&p.sex),
            card: CardFields {
                insurer_number: p
                    .card
                    .insurer_number
                    .as_ref()
                    .map(|n| n.digits().to_owned())
                    .unwrap_or_default(),
                symbol: p.card.symbol.clone(),
                number: p.card.number.clone().unwrap_or_default(),
                branch: p.card.branch.clone(),
            },
            outcome: coded(&p.outcome),
            note: p.note.to_owned(),
            pin_locked,
        });
    }
    Ok(Response::json(200, &TrainingPeople { items }))
}

/// `POST /training/reader-visits`: a patient places their card, proves who they are (face, PIN, or
/// staff's 目視確認) and answers the consent screens; the result goes to history and the live feed.
pub(super) fn visit(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = caller(cx, request, Action::ReaderModes)?;
    let body: ReaderVisit = json_body(request)?;
    let Some(method) = body.method else {
        return Err(invalid(vec![Finding::new(
            "method",
            crate::catalogue::VISIT_METHOD,
        )]));
    };
    let reader = readers::find(cx, &body.reader_id)?;
    let person = person(cx, &body.person_id)?;

    // The reader only offers what its mode allows.
    let pending = match (method, reader.mode) {
        (VisitMethod::Visual, ReaderMode::Visual) => Some(pending_check(cx, &reader)?),
        (VisitMethod::Visual, _) => return Err(ProblemCode::NoPendingVisualCheck.into()),
        (_, ReaderMode::Visual) | (VisitMethod::Face, ReaderMode::PinOnly) => {
            return Err(ProblemCode::ReaderModeConflict.into());
        }
        (VisitMethod::Face | VisitMethod::Pin, _) => None,
    };
    if method == VisitMethod::Pin {
        check_pin(cx, &person.id, &person.pin, body.pin.as_deref())?;
    }

    let qualification_date = pending
        .as_ref()
        .map_or(cx.now.jst_date(), |c| c.qualification_date);
    let mut file_id = [0u8; 12];
    cx.random.fill(&mut file_id);
    let institution = cx.institution()?;
    let reference = cx
        .read
        .reference(&crate::store::CardKey::of(&person.card))?
        .map(|r| r.reference_number);
    let context = cx.answer_context(&institution.code, reference);
    let result = cx.national.answer_visit(
        &person,
        body.consents.into(),
        qualification_date,
        STANDARD.encode(file_id),
        &context,
    );
    let login_id = pending
        .as_ref()
        .map_or(caller.account.user_id.clone(), |c| c.user_id.clone());
    let history_id = qualification::record(cx, &result, &login_id, Some(&reader.id))?;
    if let Some(check) = pending {
        complete_check(cx, reader, check, history_id)?;
    }
    Ok(Response::json(
        201,
        &VisitResult {
            history_id,
            validity: coded(
                &result
                    .answer
                    .validity
                    .unwrap_or(QualificationValidity::NoQualification),
            ),
        },
    ))
}

/// `POST /training/pin-checks`: the reader checks the card's PIN as soon as the patient enters it,
/// before the consent screens, so a wrong PIN is told at once. The visit then sends the PIN again;
/// a right one only resets the count.
pub(super) fn pin_check(cx: &mut Cx<'_>, request: &Request) -> Handled {
    caller(cx, request, Action::ReaderModes)?;
    let body: PinCheck = json_body(request)?;
    let person = person(cx, &body.person_id)?;
    check_pin(cx, &person.id, &person.pin, Some(&body.pin))?;
    Ok(Response::no_content())
}

/// A canned person, or 404.
fn person(cx: &Cx<'_>, id: &str) -> Result<Person, Fail> {
    cx.national.person(id).cloned().ok_or_else(|| {
        Problem::new(ProblemCode::NotFound)
            .with_detail(format!("no person {id:?}"))
            .into()
    })
}

fn pending_check(cx: &Cx<'_>, reader: &ReaderRecord) -> Result<VisualCheckRecord, Fail> {
    match &reader.pending_check {
        Some(id) => cx
            .read
            .visual_check(id)?
            .filter(|c| c.state == VisualCheckState::Pending)
            .ok_or_else(|| ProblemCode::NoPendingVisualCheck.into()),
        None => Err(ProblemCode::NoPendingVisualCheck.into()),
    }
}

/// Three wrong PINs lock the card; the count resets only on a right PIN.
fn check_pin(
    cx: &mut Cx<'_>,
    person_id: &str,
    pin: &str,
    entered: Option<&str>,
) -> Result<(), Fail> {
    let record = cx.read.pin(person_id)?.unwrap_or(PinRecord {
        person_id: person_id.to_owned(),
        failures: 0,
        locked: false,
    });
    if record.locked {
        return Err(ProblemCode::PinLocked.into());
    }
    // The reader panel's own rule, so the form and the wire refuse the same PINs.
    let entered = entered.unwrap_or_default();
    if let Some(finding) = crate::validate::reader::pin(entered) {
        return Err(invalid(vec![finding]));
    }
    if entered == pin {
        if record.failures > 0 {
            cx.change(Change::PutPin(PinRecord {
                failures: 0,
                ..record
            }));
        }
        return Ok(());
    }
    let failures = record.failures + 1;
    let locked = failures >= PIN_TRIES;
    cx.change(Change::PutPin(PinRecord {
        failures,
        locked,
        ..record
    }));
    if locked {
        Err(ProblemCode::PinLocked.into())
    } else {
        let mut problem = Problem::new(ProblemCode::PinWrong);
        problem.tries_left = Some(PIN_TRIES - failures);
        Err(problem.into())
    }
}

fn complete_check(
    cx: &mut Cx<'_>,
    reader: ReaderRecord,
    check: VisualCheckRecord,
    history_id: u64,
) -> Result<(), Fail> {
    cx.event(
        EventKind::VisualCheck,
        json!({"reader_id": reader.id, "check_id": check.id, "state": "completed", "history_id": history_id}),
    )?;
    let completed = VisualCheckRecord {
        state: VisualCheckState::Completed,
        history_id: Some(history_id),
        ..check
    };
    cx.change(Change::PutVisualCheck(completed.clone()));
    // The reader stays in 目視確認 until staff switch it back (seed 000 ⑪); only the check is done.
    readers::put(
        cx,
        ReaderRecord {
            pending_check: None,
            completed_check: Some(completed.id.clone()),
            ..reader
        },
        &[&completed],
    )?;
    Ok(())
}

/// `POST /training/readers/{id}/staff-mode`: the 職員用ボタン asks for the user's passcode and puts the
/// reader into 目視確認 with a check open for today, as `POST /readers/{id}/visual-checks` does.
pub(super) fn staff_mode(cx: &mut Cx<'_>, request: &Request, id: &str) -> Handled {
    caller(cx, request, Action::ReaderModes)?;
    let body: StaffMode = json_body(request)?;
    let reader = readers::find(cx, id)?;
    let user_id = body.user_id.trim();
    // The passcode belongs to an account that may still use one (an account deleted or changed to a
    // kind without passcodes leaves its code unusable).
    let may_use = cx
        .read
        .account(user_id)?
        .is_some_and(|a| a.kind.is_interactive() && a.kind.may(Action::OwnPasscode));
    let passcode = cx.read.passcode(user_id)?;
    if !may_use || !passcode.is_some_and(|p| password::verify(&body.passcode, &p.passcode_hash)) {
        return Err(ProblemCode::PasscodeInvalid.into());
    }
    let reader = readers::switch(cx, reader, ReaderMode::Visual)?;
    let today = cx.now.jst_date();
    let (reader, check) = readers::open_check(cx, reader, today, user_id)?;
    let mut response = Response::json(200, &readers::view_with(&reader, Some(&check), None));
    response.headers.set(header::ETAG, readers::etag(&reader));
    Ok(response)
}

/// `POST /training/readers/{id}/cancel`: the reader's 「中止」 returns it to 無人運転.
pub(super) fn cancel(cx: &mut Cx<'_>, request: &Request, id: &str) -> Handled {
    caller(cx, request, Action::ReaderModes)?;
    let reader = readers::find(cx, id)?;
    let reader = readers::switch(cx, reader, ReaderMode::Unattended)?;
    let mut response = Response::json(200, &readers::view(cx, &reader)?);
    response.headers.set(header::ETAG, readers::etag(&reader));
    Ok(response)
}

/// `PUT /training/clock {now}` (decisions.md D1): the training endpoint's time from now on, for
/// end-to-end tests that need a day and an hour of their own. It moves idle, lockout and idempotency
/// time for everyone, so only a signed-in session may move it. The clock runs on from the time set;
/// it is kept with the training data, so it survives a restart of a training endpoint.
pub(super) fn set_clock(cx: &mut Cx<'_>, request: &Request) -> Handled {
    authenticate(cx, request, Activity::Counts)?;
    let body: TrainingClock = json_body(request)?;
    let target = Timestamp::parse_rfc3339(&body.now).map_err(|e| {
        Fail::from(Problem::new(ProblemCode::MalformedBody).with_detail(e.to_string()))
    })?;
    // `cx.now` is the running clock moved by the current offset; the new offset moves it to `target`.
    let current = cx.read.training_clock()?.map_or(0, |c| c.offset_ms);
    let offset_ms = current.saturating_add(target.since(cx.now).num_milliseconds());
    cx.change(Change::PutTrainingClock(TrainingClockRecord { offset_ms }));
    Ok(Response::no_content())
}

/// `GET /training/requests` (decisions.md D3): the requests this endpoint was handed since it started
/// counting, this one included. Anonymous like `GET /training/accounts`: it tells how many requests
/// of each operation came, nothing of what they carried.
pub(super) fn requests(cx: &mut Cx<'_>) -> Response {
    Response::json(200, &cx.requests.snapshot(cx.now))
}
