//! 顔認証付きカードリーダー操作 (S7) and 目視確認用パスコード発行 (S8): reader modes with ETags
//! (decisions.md D7), visual checks, and the per-user passcode (D2).

use crate::contract::header;
use serde_json::json;

use crate::{
    account::Action,
    catalogue,
    contract::{
        self, Problem, ProblemCode, Request, Response,
        groups::{
            IssuedPasscode, ModeChange, ModeOption, Reader, ReaderList, VisualCheck,
            VisualCheckRequest,
        },
    },
    dispatch::{Cx, Fail, Handled, caller, internal, invalid, json_body},
    password, random,
    store::{
        Change, EventKind, PasscodeRecord, ReaderMode, ReaderRecord, VisualCheckRecord,
        VisualCheckState,
    },
    time::Rfc3339,
    validate::{Finding, insurance},
};

/// The label of a mode as the guides print it.
pub(super) fn mode_label(mode: contract::ReaderMode) -> &'static str {
    match mode {
        contract::ReaderMode::Unattended => catalogue::MODE_UNATTENDED,
        contract::ReaderMode::PinOnly => catalogue::MODE_PIN_ONLY,
        contract::ReaderMode::Visual => catalogue::MODE_VISUAL,
    }
}

/// The ETag of a reader's current state.
pub(super) fn etag(reader: &ReaderRecord) -> String {
    format!("\"v{}\"", reader.version)
}

fn check_view(check: &VisualCheckRecord) -> VisualCheck {
    VisualCheck {
        id: check.id.clone(),
        reader_id: check.reader_id.clone(),
        qualification_date: check.qualification_date,
        user_id: check.user_id.clone(),
        state: match check.state {
            VisualCheckState::Pending => "pending",
            VisualCheckState::Completed => "completed",
            VisualCheckState::Cancelled => "cancelled",
        }
        .to_owned(),
        history_id: check.history_id,
    }
}

/// A reader as the contract shows it, with its checks as stored.
pub(super) fn view(cx: &Cx<'_>, reader: &ReaderRecord) -> Result<Reader, Fail> {
    let pending = match &reader.pending_check {
        Some(id) => cx.read.visual_check(id)?,
        None => None,
    };
    let completed = match &reader.completed_check {
        Some(id) => cx.read.visual_check(id)?,
        None => None,
    };
    Ok(view_with(reader, pending.as_ref(), completed.as_ref()))
}

/// A reader as the contract shows it, with `pending` and `completed` as its checks (a check this
/// dispatch just opened or completed is not in the store's view yet).
pub(super) fn view_with(
    reader: &ReaderRecord,
    pending: Option<&VisualCheckRecord>,
    completed: Option<&VisualCheckRecord>,
) -> Reader {
    let pending = pending
        .filter(|c| c.state == VisualCheckState::Pending)
        .map(check_view);
    // Only a reader still in 目視確認 asks to be switched back.
    let completed = completed
        .filter(|c| c.state == VisualCheckState::Completed && reader.mode == ReaderMode::Visual)
        .map(check_view);
    Reader {
        id: reader.id.clone(),
        device_name: reader.device_name.clone(),
        label: reader.label.clone(),
        mode: reader.mode.into(),
        modes: contract::ReaderMode::ALL
            .iter()
            .map(|&mode| ModeOption {
                mode,
                label: mode_label(mode).to_owned(),
            })
            .collect(),
        etag: etag(reader),
        pending_visual_check: pending,
        completed_visual_check: completed,
    }
}

fn reader_response(cx: &Cx<'_>, reader: &ReaderRecord, status: u16) -> Handled {
    let mut response = Response::json(status, &view(cx, reader)?);
    response.headers.set(header::ETAG, etag(reader));
    Ok(response)
}

/// The reader, or 404.
pub(super) fn find(cx: &Cx<'_>, id: &str) -> Result<ReaderRecord, Fail> {
    cx.read.reader(id)?.ok_or_else(|| {
        Problem::new(ProblemCode::NotFound)
            .with_detail(format!("no reader {id:?}"))
            .into()
    })
}

pub(super) fn list(cx: &mut Cx<'_>, request: &Request) -> Handled {
    caller(cx, request, Action::ReaderModes)?;
    let readers = cx.read.readers()?;
    let readers = readers
        .iter()
        .map(|r| view(cx, r))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Response::json(200, &ReaderList { readers }))
}

/// `PUT /readers/{id}/mode` with `If-Match`: a stale ETag means another terminal changed the reader.
pub(super) fn set_mode(cx: &mut Cx<'_>, request: &Request, id: &str) -> Handled {
    caller(cx, request, Action::ReaderModes)?;
    let reader = find(cx, id)?;
    let if_match = request
        .headers
        .get(header::IF_MATCH)
        .map(str::trim)
        .ok_or(ProblemCode::PreconditionRequired)?;
    // Only the exact ETag will do: `*` would let a terminal overwrite a change it never saw.
    if if_match != etag(&reader) {
        let mut response = Problem::new(ProblemCode::PreconditionFailed)
            .with_detail(format!("the reader is at {}", etag(&reader)))
            .into_response();
        response.headers.set(header::ETAG, etag(&reader));
        return Ok(response);
    }
    let body: ModeChange = json_body(request)?;
    let mode = contract::ReaderMode::parse(body.mode.trim())
        .ok_or_else(|| invalid(vec![Finding::new("mode", catalogue::READER_MODE_UNKNOWN)]))?;
    let changed = switch(cx, reader, mode.into())?;
    reader_response(cx, &changed, 200)
}

/// Puts a reader into `mode`. Leaving 目視確認 cancels its pending check. Switching to the mode it is
/// already in changes nothing (so two terminals pressing the same button agree).
pub(super) fn switch(
    cx: &mut Cx<'_>,
    reader: ReaderRecord,
    mode: ReaderMode,
) -> Result<ReaderRecord, Fail> {
    if reader.mode == mode {
        return Ok(reader);
    }
    let mut pending = reader.pending_check.clone();
    if mode != ReaderMode::Visual
        && let Some(check_id) = pending.take()
        && let Some(check) = cx.read.visual_check(&check_id)?
    {
        cancel_check(cx, check)?;
    }
    // A finished check only asks for the way back out of 目視確認; any switch answers it.
    let changed = ReaderRecord {
        mode,
        pending_check: pending,
        completed_check: None,
        ..reader
    };
    put(cx, changed, &[])
}

/// Stores a changed reader under its next version and tells every terminal: each change of version
/// has its `reader` event, carrying the new ETag and the reader as `GET /readers` shows it, so a
/// terminal that follows the events holds the current state without asking (asking would count as
/// the user's activity, D5) and never a stale ETag without knowing it (D7). `fresh` are the visual
/// checks this dispatch changed, which the store's view does not show yet.
pub(super) fn put(
    cx: &mut Cx<'_>,
    reader: ReaderRecord,
    fresh: &[&VisualCheckRecord],
) -> Result<ReaderRecord, Fail> {
    let changed = ReaderRecord {
        version: reader.version + 1,
        ..reader
    };
    let check = |id: &Option<String>| -> Result<Option<VisualCheckRecord>, Fail> {
        let Some(id) = id else { return Ok(None) };
        match fresh.iter().find(|c| c.id == *id) {
            Some(c) => Ok(Some((*c).clone())),
            None => Ok(cx.read.visual_check(id)?),
        }
    };
    let pending = check(&changed.pending_check)?;
    let completed = check(&changed.completed_check)?;
    let shown = view_with(&changed, pending.as_ref(), completed.as_ref());
    cx.change(Change::PutReader(changed.clone()));
    cx.event(
        EventKind::Reader,
        json!({
            "reader_id": changed.id,
            "mode": changed.mode.as_str(),
            "etag": etag(&changed),
            "reader": shown,
        }),
    )?;
    Ok(changed)
}

fn cancel_check(cx: &mut Cx<'_>, check: VisualCheckRecord) -> Result<(), Fail> {
    cx.event(
        EventKind::VisualCheck,
        json!({"reader_id": check.reader_id, "check_id": check.id, "state": "cancelled"}),
    )?;
    cx.change(Change::PutVisualCheck(VisualCheckRecord {
        state: VisualCheckState::Cancelled,
        ..check
    }));
    Ok(())
}

/// Opens a pending visual check on a reader in 目視確認 (from the terminal, or its 職員用ボタン).
pub(super) fn open_check(
    cx: &mut Cx<'_>,
    reader: ReaderRecord,
    qualification_date: chrono::NaiveDate,
    user: &str,
) -> Result<(ReaderRecord, VisualCheckRecord), Fail> {
    if reader.mode != ReaderMode::Visual {
        return Err(ProblemCode::ReaderNotInVisualMode.into());
    }
    if let Some(pending) = &reader.pending_check
        && cx
            .read
            .visual_check(pending)?
            .is_some_and(|c| c.state == VisualCheckState::Pending)
    {
        return Err(ProblemCode::VisualCheckPending.into());
    }
    let check = VisualCheckRecord {
        id: format!("vc-{}", &random::token(cx.random)[..12]),
        reader_id: reader.id.clone(),
        qualification_date,
        user_id: user.to_owned(),
        created_at: cx.now,
        state: VisualCheckState::Pending,
        history_id: None,
    };
    cx.change(Change::PutVisualCheck(check.clone()));
    let reader = put(
        cx,
        ReaderRecord {
            pending_check: Some(check.id.clone()),
            completed_check: None,
            ..reader
        },
        &[&check],
    )?;
    Ok((reader, check))
}

/// `POST /readers/{id}/visual-checks`: 目視確認実行 for the selected reader.
pub(super) fn start_visual_check(cx: &mut Cx<'_>, request: &Request, id: &str) -> Handled {
    let caller = caller(cx, request, Action::ReaderModes)?;
    let reader = find(cx, id)?;
    let body: VisualCheckRequest = json_body(request)?;
    let date = insurance::date(
        "qualification_date",
        "資格確認日",
        &body.qualification_date,
        cx.now.jst_date(),
    )
    .map_err(|f| invalid(vec![f]))?;
    let (_, check) = open_check(cx, reader, date, &caller.account.user_id)?;
    Ok(Response::json(201, &check_view(&check)))
}

/// `GET /readers/{id}/visual-checks/{check}`.
pub(super) fn visual_check(cx: &mut Cx<'_>, request: &Request, reader: &str, id: &str) -> Handled {
    caller(cx, request, Action::ReaderModes)?;
    let check = cx
        .read
        .visual_check(id)?
        .filter(|c| c.reader_id == reader)
        .ok_or_else(|| {
            Fail::from(
                Problem::new(ProblemCode::NotFound).with_detail(format!("no visual check {id:?}")),
            )
        })?;
    Ok(Response::json(200, &check_view(&check)))
}

/// `POST /visual-check-passcode`: a new 4-digit code for the caller, shown once; it replaces any
/// earlier one (seed 004).
pub(super) fn issue_passcode(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = caller(cx, request, Action::OwnPasscode)?;
    let passcode = random::digits(cx.random, 4);
    let passcode_hash =
        password::hash(&passcode, cx.config.password_cost, cx.random).map_err(internal)?;
    cx.change(Change::PutPasscode(PasscodeRecord {
        user_id: caller.account.user_id.clone(),
        passcode_hash,
        issued_at: cx.now,
    }));
    Ok(Response::json(
        201,
        &IssuedPasscode {
            user_id: caller.account.user_id,
            passcode,
            issued_at: Rfc3339(cx.now),
        },
    ))
}
