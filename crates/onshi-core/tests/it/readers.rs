//! Reader modes with ETags (D7), the 目視確認 flow, the passcode (D2, seed 004), and the training
//! group's patient at the reader (D3): methods, PIN lock, consents into history.

use onshi_core::{
    client::{self, HistorySearch},
    contract::groups::Reader,
    contract::groups::{
        EventsPage, HistoryPage, IssuedPasscode, PinCheck, ReaderList, ReaderVisit, StaffMode,
        TrainingPeople, VisitResult, VisualCheck,
    },
    contract::{ReaderMode, VisitMethod, groups::ConsentChoices},
};

use crate::harness::{Harness, problem};

fn readers(h: &mut Harness, token: &str) -> ReaderList {
    h.json(&client::readers(token), 200)
}

fn visit(
    person: &str,
    method: VisitMethod,
    pin: Option<&str>,
    consents: ConsentChoices,
) -> ReaderVisit {
    ReaderVisit {
        reader_id: "reader-1".to_owned(),
        person_id: person.to_owned(),
        method: Some(method),
        pin: pin.map(str::to_owned),
        consents,
    }
}

#[test]
fn the_seeds_readers_with_their_labels_and_modes() {
    let mut h = Harness::training();
    let token = h.token("002");
    let list = readers(&mut h, &token);
    let rows: Vec<(&str, &str, ReaderMode)> = list
        .readers
        .iter()
        .map(|r| (r.device_name.as_str(), r.label.as_str(), r.mode))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "Identiv CLOUD 3701 F Contactless Reader 0",
                "外科受付用",
                ReaderMode::Unattended
            ),
            (
                "Sony FeliCa Port/PaSoRi 3.0 0",
                "内科受付用",
                ReaderMode::Unattended
            ),
        ]
    );
    let labels: Vec<&str> = list.readers[0]
        .modes
        .iter()
        .map(|m| m.label.as_str())
        .collect();
    assert_eq!(labels, ["無人運転", "暗証番号認証固定", "目視確認"]);
}

#[test]
fn switching_needs_the_current_etag() {
    let mut h = Harness::training();
    let token = h.token("002");
    let other = h.token("admin01");
    let etag = readers(&mut h, &token).readers[0].etag.clone();
    assert_eq!(etag, "\"v1\"");
    let switched: Reader = h.json(&client::set_mode(&token, "reader-1", &etag, "visual"), 200);
    assert_eq!(switched.mode, ReaderMode::Visual);
    assert_eq!(switched.etag, "\"v2\"");
    // Another terminal still holding the old ETag is refused, and told the current one.
    let stale = h.send(&client::set_mode(&other, "reader-1", &etag, "unattended"));
    assert_eq!(problem(&stale, 412).code, "precondition_failed");
    assert_eq!(stale.headers.get("etag"), Some("\"v2\""));
    let mut bare = client::set_mode(&token, "reader-1", &etag, "unattended");
    bare.headers = onshi_core::contract::Headers::new();
    bare.headers.set("Authorization", format!("Bearer {token}"));
    bare.headers.set("Content-Type", "application/json");
    assert_eq!(problem(&h.send(&bare), 428).code, "precondition_required");
    assert_eq!(
        problem(
            &h.send(&client::set_mode(&token, "reader-1", "\"v2\"", "sleep")),
            422
        )
        .errors[0]
            .field,
        "mode"
    );
    assert_eq!(
        problem(
            &h.send(&client::set_mode(&token, "reader-9", "\"v1\"", "visual")),
            404
        )
        .code,
        "not_found"
    );
    // The same mode again changes nothing.
    let same: Reader = h.json(
        &client::set_mode(&token, "reader-1", "\"v2\"", "visual"),
        200,
    );
    assert_eq!(same.etag, "\"v2\"");
    let events: EventsPage = h.json(&client::events(&token, 0), 200);
    assert_eq!(events.events.len(), 1);
    assert_eq!(events.events[0].data["mode"], "visual");
}

#[test]
fn the_case3_flow_switch_check_visit_complete_and_switch_back() {
    let mut h = Harness::training();
    let token = h.token("admin01");
    let refused = h.send(&client::start_visual_check(
        &token,
        "reader-1",
        "2026-11-22",
    ));
    assert_eq!(problem(&refused, 409).code, "reader_not_in_visual_mode");
    h.send(&client::set_mode(&token, "reader-1", "\"v1\"", "visual"));
    let check: VisualCheck = h.json(
        &client::start_visual_check(&token, "reader-1", "令和8年11月22日"),
        201,
    );
    assert_eq!(check.state, "pending");
    assert_eq!(check.user_id, "admin01");
    assert_eq!(
        problem(
            &h.send(&client::start_visual_check(
                &token,
                "reader-1",
                "2026-11-22"
            )),
            409
        )
        .code,
        "visual_check_pending"
    );
    let other = h.send(&client::start_visual_check(
        &token,
        "reader-2",
        "2026-11-22",
    ));
    assert_eq!(problem(&other, 409).code, "reader_not_in_visual_mode");
    let future = h.send(&client::start_visual_check(
        &token,
        "reader-1",
        "2026-11-23",
    ));
    assert_eq!(
        problem(&future, 422).errors[0].message,
        "資格確認日に未来の日付は入力できません。"
    );
    // Face and PIN are not what the reader offers in 目視確認.
    let face = h.send(&client::reader_visit(
        &token,
        &visit(
            "shinbashi-taro",
            VisitMethod::Face,
            None,
            ConsentChoices::default(),
        ),
    ));
    assert_eq!(problem(&face, 409).code, "reader_mode_conflict");
    let consents = ConsentChoices {
        medical: true,
        checkups: true,
        limit: false,
    };
    let done: VisitResult = h.json(
        &client::reader_visit(
            &token,
            &visit("shinbashi-taro", VisitMethod::Visual, None, consents),
        ),
        201,
    );
    assert_eq!(done.validity.label, "有効");
    let finished: VisualCheck = h.json(&client::visual_check(&token, "reader-1", &check.id), 200);
    assert_eq!(
        (finished.state.as_str(), finished.history_id),
        ("completed", Some(done.history_id))
    );
    // The reader stays in 目視確認 until staff switch it back (seed 000 ⑪).
    // Terminals see the finished check, so they prompt staff to switch back.
    let reader = readers(&mut h, &token).readers[0].clone();
    assert_eq!(reader.mode, ReaderMode::Visual);
    assert!(reader.pending_visual_check.is_none());
    assert_eq!(
        reader.completed_visual_check.map(|c| (c.id, c.state)),
        Some((check.id.clone(), "completed".to_owned()))
    );
    let back: Reader = h.json(
        &client::set_mode(&token, "reader-1", &reader.etag, "unattended"),
        200,
    );
    assert_eq!(back.mode, ReaderMode::Unattended);
    assert!(
        back.completed_visual_check.is_none(),
        "any switch answers it"
    );
    // The result is in history as a マイナンバーカード check by the user who started it.
    let page: HistoryPage = h.json(&client::history(&token, &HistorySearch::default()), 200);
    let row = &page.items[0];
    assert_eq!(row.classification.label, "マイナンバーカード");
    assert_eq!(
        (row.login_id.as_str(), row.reader_id.as_deref()),
        ("admin01", Some("reader-1"))
    );
    let kinds: Vec<String> = h
        .json::<EventsPage>(&client::events(&token, 0), 200)
        .events
        .iter()
        .map(|e| serde_json::to_string(&e.kind).unwrap_or_default())
        .collect();
    // Every change of the reader's ETag has its event: visual mode, the check opened, the result,
    // the check completed and the reader free again, unattended.
    assert_eq!(
        kinds,
        [
            "\"reader\"",
            "\"reader\"",
            "\"qualification\"",
            "\"visual_check\"",
            "\"reader\"",
            "\"reader\""
        ]
    );
}

#[test]
fn leaving_visual_mode_cancels_a_pending_check() {
    let mut h = Harness::training();
    let token = h.token("002");
    h.send(&client::set_mode(&token, "reader-1", "\"v1\"", "visual"));
    let check: VisualCheck = h.json(
        &client::start_visual_check(&token, "reader-1", "2026-11-22"),
        201,
    );
    let etag = readers(&mut h, &token).readers[0].etag.clone();
    h.send(&client::set_mode(&token, "reader-1", &etag, "pin_only"));
    let cancelled: VisualCheck = h.json(&client::visual_check(&token, "reader-1", &check.id), 200);
    assert_eq!(cancelled.state, "cancelled");
    // In 暗証番号認証固定 the face is not offered; a PIN is.
    let face = h.send(&client::reader_visit(
        &token,
        &visit(
            "shinbashi-taro",
            VisitMethod::Face,
            None,
            ConsentChoices::default(),
        ),
    ));
    assert_eq!(problem(&face, 409).code, "reader_mode_conflict");
    let pin = h.send(&client::reader_visit(
        &token,
        &visit(
            "shinbashi-taro",
            VisitMethod::Pin,
            Some("1234"),
            ConsentChoices::default(),
        ),
    ));
    assert_eq!(pin.status, 201);
}

#[test]
fn three_wrong_pins_lock_the_card_until_visual_check() {
    let mut h = Harness::training();
    let token = h.token("002");
    let wrong = |h: &mut Harness| {
        h.send(&client::reader_visit(
            &token,
            &visit(
                "shinbashi-hanako",
                VisitMethod::Pin,
                Some("9999"),
                ConsentChoices::default(),
            ),
        ))
    };
    for left in [2, 1] {
        let p = problem(&wrong(&mut h), 422);
        assert_eq!(p.code, "pin_wrong");
        assert_eq!(p.tries_left, Some(left));
        assert_eq!(p.title, "暗証番号が正しくありません。");
    }
    let locked = problem(&wrong(&mut h), 423);
    assert_eq!(locked.code, "pin_locked");
    assert_eq!(
        locked.title,
        "暗証番号がロックされています。目視確認モードで本人確認を行ってください。"
    );
    let right = h.send(&client::reader_visit(
        &token,
        &visit(
            "shinbashi-hanako",
            VisitMethod::Pin,
            Some("1234"),
            ConsentChoices::default(),
        ),
    ));
    assert_eq!(
        problem(&right, 423).code,
        "pin_locked",
        "locked means locked"
    );
    let people: TrainingPeople = h.json(&client::training_people(&token), 200);
    assert!(
        people
            .items
            .iter()
            .any(|p| p.id == "shinbashi-hanako" && p.pin_locked)
    );
    let malformed = h.send(&client::reader_visit(
        &token,
        &visit(
            "shinbashi-taro",
            VisitMethod::Pin,
            Some("12a4"),
            ConsentChoices::default(),
        ),
    ));
    assert_eq!(problem(&malformed, 422).errors[0].field, "pin");
    // A right PIN resets the count.
    h.send(&client::reader_visit(
        &token,
        &visit(
            "shinbashi-taro",
            VisitMethod::Pin,
            Some("0000"),
            ConsentChoices::default(),
        ),
    ));
    h.send(&client::reader_visit(
        &token,
        &visit(
            "shinbashi-taro",
            VisitMethod::Pin,
            Some("1234"),
            ConsentChoices::default(),
        ),
    ));
    let p = problem(
        &h.send(&client::reader_visit(
            &token,
            &visit(
                "shinbashi-taro",
                VisitMethod::Pin,
                Some("0000"),
                ConsentChoices::default(),
            ),
        )),
        422,
    );
    assert_eq!(p.tries_left, Some(2));
}

/// A terminal follows the readers from the events alone, without reading them again (which would
/// count as the user's activity and keep an idle session alive): every `reader` event carries the
/// reader exactly as `GET /readers` shows it at that moment, checks included.
#[test]
fn each_reader_event_carries_the_reader_as_listed() {
    let mut h = Harness::training();
    let token = h.token("002");
    let last_reader_event = |h: &mut Harness| -> Reader {
        let page: EventsPage = h.json(&client::events(&token, 0), 200);
        let event = page
            .events
            .iter()
            .rev()
            .find(|e| serde_json::to_string(&e.kind).unwrap_or_default() == "\"reader\"")
            .expect("a reader event")
            .clone();
        serde_json::from_value(event.data["reader"].clone()).expect("the event's reader")
    };
    let listed = |h: &mut Harness| readers(h, &token).readers[0].clone();
    h.send(&client::set_mode(&token, "reader-1", "\"v1\"", "visual"));
    assert_eq!(last_reader_event(&mut h), listed(&mut h));
    h.json::<VisualCheck>(
        &client::start_visual_check(&token, "reader-1", "2026-11-22"),
        201,
    );
    let opened = last_reader_event(&mut h);
    assert!(opened.pending_visual_check.is_some());
    assert_eq!(opened, listed(&mut h));
    h.json::<VisitResult>(
        &client::reader_visit(
            &token,
            &visit(
                "shinbashi-taro",
                VisitMethod::Visual,
                None,
                ConsentChoices::default(),
            ),
        ),
        201,
    );
    let completed = last_reader_event(&mut h);
    assert!(completed.completed_visual_check.is_some());
    assert_eq!(completed, listed(&mut h));
    let etag = completed.etag.clone();
    h.send(&client::set_mode(&token, "reader-1", &etag, "unattended"));
    assert_eq!(last_reader_event(&mut h), listed(&mut h));
}

/// The reader panel checks the PIN before the consent screens, with the visit's own count.
#[test]
fn a_pin_check_counts_like_a_pin_visit_and_a_right_pin_resets_it() {
    let mut h = Harness::training();
    let token = h.token("002");
    let check = |h: &mut Harness, pin: &str| {
        h.send(&client::pin_check(
            &token,
            &PinCheck {
                person_id: "shinbashi-hanako".to_owned(),
                pin: pin.to_owned(),
            },
        ))
    };
    assert_eq!(check(&mut h, "1234").status, 204);
    assert_eq!(problem(&check(&mut h, "9999"), 422).tries_left, Some(2));
    assert_eq!(check(&mut h, "1234").status, 204);
    assert_eq!(problem(&check(&mut h, "9999"), 422).tries_left, Some(2));
    assert_eq!(problem(&check(&mut h, "12"), 422).errors[0].field, "pin");
    // A wrong PIN at a visit counts towards the same lock.
    let wrong_visit = h.send(&client::reader_visit(
        &token,
        &visit(
            "shinbashi-hanako",
            VisitMethod::Pin,
            Some("9999"),
            ConsentChoices::default(),
        ),
    ));
    assert_eq!(problem(&wrong_visit, 422).tries_left, Some(1));
    assert_eq!(problem(&check(&mut h, "9999"), 423).code, "pin_locked");
    assert_eq!(problem(&check(&mut h, "1234"), 423).code, "pin_locked");
    let nobody = h.send(&client::pin_check(
        &token,
        &PinCheck {
            person_id: "nobody".to_owned(),
            pin: "1234".to_owned(),
        },
    ));
    assert_eq!(problem(&nobody, 404).code, "not_found");
}

#[test]
fn the_passcode_is_per_user_and_reissue_invalidates_the_old_one() {
    let mut h = Harness::training();
    let token = h.token("002");
    let first: IssuedPasscode = h.json(&client::issue_passcode(&token), 201);
    assert_eq!(first.user_id, "002");
    assert_eq!(first.passcode.len(), 4);
    assert!(first.passcode.bytes().all(|b| b.is_ascii_digit()));
    let second: IssuedPasscode = h.json(&client::issue_passcode(&token), 201);
    let staff = |code: &str| StaffMode {
        user_id: "002".to_owned(),
        passcode: code.to_owned(),
    };
    if first.passcode != second.passcode {
        let old = h.send(&client::staff_mode(
            &token,
            "reader-2",
            &staff(&first.passcode),
        ));
        assert_eq!(
            problem(&old, 403).code,
            "passcode_invalid",
            "a re-issued code is refused"
        );
    }
    let wrong_user = StaffMode {
        user_id: "003".to_owned(),
        passcode: second.passcode.clone(),
    };
    assert_eq!(
        problem(
            &h.send(&client::staff_mode(&token, "reader-2", &wrong_user)),
            403
        )
        .code,
        "passcode_invalid"
    );
    // The 職員用ボタン: 目視確認 with a check open for today, by the passcode's user.
    let reader: Reader = h.json(
        &client::staff_mode(&token, "reader-2", &staff(&second.passcode)),
        200,
    );
    assert_eq!(reader.mode, ReaderMode::Visual);
    let pending = reader.pending_visual_check.expect("a check is open");
    assert_eq!(pending.qualification_date.to_string(), "2026-11-22");
    let consents = ConsentChoices::default();
    let mut v = visit("nakahara-sakura", VisitMethod::Visual, None, consents);
    v.reader_id = "reader-2".to_owned();
    let done: VisitResult = h.json(&client::reader_visit(&token, &v), 201);
    assert!(done.history_id > 0);
    // 「中止」 returns the reader to 無人運転.
    let cancelled: Reader = h.json(&client::cancel_reader(&token, "reader-2"), 200);
    assert_eq!(cancelled.mode, ReaderMode::Unattended);
}

#[test]
fn the_training_people_list_shows_every_outcome() {
    let mut h = Harness::training();
    let token = h.token("002");
    let people: TrainingPeople = h.json(&client::training_people(&token), 200);
    let outcomes: Vec<(&str, &str)> = people
        .items
        .iter()
        .map(|p| (p.name.as_str(), p.outcome.label.as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("新橋　太郎", "有効"),
            ("新橋　花子", "無効"),
            ("新橋　一郎", "無効（新しい資格あり）"),
            ("新橋　太郎", "有効"),
            ("品川　次郎", "複数該当"),
            ("目黒　三郎", "該当資格なし"),
            ("渡●　美咲", "有効"),
            ("大田　和子", "有効"),
            ("港　ハル", "有効"),
            ("川崎　健一", "有効"),
            ("横浜　透", "有効"),
            ("中原　さくら", "有効"),
        ]
    );
    let taro = &people.items[0];
    assert_eq!(
        (
            taro.card.insurer_number.as_str(),
            taro.card.symbol.as_deref(),
            taro.card.number.as_str(),
            taro.card.branch.as_deref()
        ),
        ("06139000", Some("9000"), "10001", Some("01"))
    );
    assert_eq!(taro.birthdate.to_string(), "1954-03-26");
    assert_eq!(people.items[3].card.insurer_number, "31130842");
    assert_eq!(people.items[3].birthdate.to_string(), "2011-01-01");
}

#[test]
fn training_resources_do_not_exist_outside_training() {
    let mut h = Harness::training();
    h.dispatcher = onshi_core::dispatch::Dispatcher::new(onshi_core::dispatch::Config {
        password_cost: onshi_core::password::HashCost::CHEAP,
        ..onshi_core::dispatch::Config::standard()
    });
    let token = h.token("002");
    assert_eq!(
        problem(&h.send(&client::training_people(&token)), 404).code,
        "not_found"
    );
    let caps: onshi_core::contract::Capabilities = h.json(&client::capabilities(), 200);
    assert!(!caps.training);
    assert!(!caps.groups.contains(&"training".to_owned()));
}
