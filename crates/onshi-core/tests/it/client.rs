//! The caller's side of the contract, pure: the Japanese words for every failure the contract names
//! (`client::message`), the outbox's policy (`client::outbox`) and whether an endpoint's contract
//! version fits ours (`client::version`). The app's browser tests check only that its errors reach
//! these words.

use onshi_core::{
    card::flow::Notice,
    catalogue,
    client::{
        self, ClientError, Delivery,
        message::{self, CallFailure, NoAnswer},
        outbox::{self, Attempt, Policy, Verdict},
        version::{self, Fit},
    },
    contract::{self, Method, Problem, ProblemCode, Request, Response, header},
    exchange::Unreadable,
    time::{Rfc3339, Timestamp},
};

/// A bare problem of every code reads as the catalogue's title for it.
#[test]
fn every_problem_code_has_its_catalogue_text() {
    let table: [(ProblemCode, &str); 42] = [
        (
            ProblemCode::InvalidCredentials,
            catalogue::PROBLEM_INVALID_CREDENTIALS,
        ),
        (
            ProblemCode::AccountLocked,
            catalogue::PROBLEM_ACCOUNT_LOCKED,
        ),
        (ProblemCode::SessionInUse, catalogue::PROBLEM_SESSION_IN_USE),
        (
            ProblemCode::SystemAccountNotInteractive,
            catalogue::PROBLEM_SYSTEM_ACCOUNT,
        ),
        (
            ProblemCode::Unauthenticated,
            catalogue::PROBLEM_UNAUTHENTICATED,
        ),
        (
            ProblemCode::SessionExpired,
            catalogue::PROBLEM_SESSION_EXPIRED,
        ),
        (
            ProblemCode::SessionRevoked,
            catalogue::PROBLEM_SESSION_REVOKED,
        ),
        (ProblemCode::Forbidden, catalogue::PROBLEM_FORBIDDEN),
        (ProblemCode::NotFound, catalogue::PROBLEM_NOT_FOUND),
        (
            ProblemCode::MethodNotAllowed,
            catalogue::PROBLEM_METHOD_NOT_ALLOWED,
        ),
        (
            ProblemCode::MalformedBody,
            catalogue::PROBLEM_MALFORMED_BODY,
        ),
        (
            ProblemCode::InvalidRequest,
            catalogue::PROBLEM_INVALID_REQUEST,
        ),
        (
            ProblemCode::PayloadTooLarge,
            catalogue::PROBLEM_PAYLOAD_TOO_LARGE,
        ),
        (
            ProblemCode::UnsupportedMediaType,
            catalogue::PROBLEM_UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            ProblemCode::IdempotencyKeyReused,
            catalogue::PROBLEM_IDEMPOTENCY_KEY_REUSED,
        ),
        (
            ProblemCode::PasswordChangeRequired,
            catalogue::PROBLEM_PASSWORD_CHANGE_REQUIRED,
        ),
        (
            ProblemCode::PreconditionRequired,
            catalogue::PROBLEM_PRECONDITION_REQUIRED,
        ),
        (
            ProblemCode::PreconditionFailed,
            catalogue::PROBLEM_PRECONDITION_FAILED,
        ),
        (
            ProblemCode::ReaderNotInVisualMode,
            catalogue::PROBLEM_READER_NOT_IN_VISUAL_MODE,
        ),
        (
            ProblemCode::VisualCheckPending,
            catalogue::PROBLEM_VISUAL_CHECK_PENDING,
        ),
        (
            ProblemCode::NoPendingVisualCheck,
            catalogue::PROBLEM_NO_PENDING_VISUAL_CHECK,
        ),
        (
            ProblemCode::ReaderModeConflict,
            catalogue::PROBLEM_READER_MODE_CONFLICT,
        ),
        (ProblemCode::PinWrong, catalogue::PROBLEM_PIN_WRONG),
        (ProblemCode::PinLocked, catalogue::PROBLEM_PIN_LOCKED),
        (
            ProblemCode::PasscodeInvalid,
            catalogue::PROBLEM_PASSCODE_INVALID,
        ),
        (
            ProblemCode::DisasterClosed,
            catalogue::PROBLEM_DISASTER_CLOSED,
        ),
        (
            ProblemCode::AccountExists,
            catalogue::PROBLEM_ACCOUNT_EXISTS,
        ),
        (ProblemCode::OwnAccount, catalogue::PROBLEM_OWN_ACCOUNT),
        (
            ProblemCode::ChallengeUnknown,
            catalogue::PROBLEM_CHALLENGE_UNKNOWN,
        ),
        (
            ProblemCode::ChallengeExpired,
            catalogue::PROBLEM_CHALLENGE_EXPIRED,
        ),
        (
            ProblemCode::SignatureInvalid,
            catalogue::PROBLEM_SIGNATURE_INVALID,
        ),
        (
            ProblemCode::CertificateUnknown,
            catalogue::PROBLEM_CERTIFICATE_UNKNOWN,
        ),
        (
            ProblemCode::NationalError,
            catalogue::PROBLEM_NATIONAL_ERROR,
        ),
        (
            ProblemCode::NationalTimeout,
            catalogue::PROBLEM_NATIONAL_TIMEOUT,
        ),
        (
            ProblemCode::NationalAnswerRefused,
            catalogue::PROBLEM_NATIONAL_ANSWER_REFUSED,
        ),
        (
            ProblemCode::IdempotencyInProgress,
            catalogue::PROBLEM_IDEMPOTENCY_IN_PROGRESS,
        ),
        (
            ProblemCode::ShareUnavailable,
            catalogue::PROBLEM_SHARE_UNAVAILABLE,
        ),
        (ProblemCode::SignInBusy, catalogue::PROBLEM_SIGN_IN_BUSY),
        (
            ProblemCode::TooManySignIns,
            catalogue::PROBLEM_TOO_MANY_SIGN_INS,
        ),
        (
            ProblemCode::MisdirectedRequest,
            catalogue::PROBLEM_MISDIRECTED_REQUEST,
        ),
        (
            ProblemCode::TrainingDataUnreadable,
            catalogue::PROBLEM_TRAINING_DATA_UNREADABLE,
        ),
        (ProblemCode::Internal, catalogue::PROBLEM_INTERNAL),
    ];
    let check = |code: ProblemCode, expected: &str| {
        assert_eq!(message::refusal(&Problem::new(code)), expected, "{code:?}");
        assert_eq!(
            message::call_failure(CallFailure::Refused(&Problem::new(code))),
            expected,
            "{code:?}"
        );
        assert_eq!(
            message::client_error(&ClientError::Problem(Box::new(Problem::new(code)))),
            expected,
            "{code:?}"
        );
    };
    for code in ProblemCode::ALL {
        let Some((_, expected)) = table.iter().find(|(c, _)| *c == code) else {
            panic!("{code:?} has no row in the table");
        };
        check(code, expected);
    }
}

/// What a refusal adds to its title: attempts and PIN tries left, and when a lock ends (in Tokyo
/// time, between why and what else can be done); a code from a newer contract keeps its own title.
#[test]
fn refusals_carry_what_their_problem_adds() {
    let check = |problem: Problem, expected: &str| {
        assert_eq!(message::refusal(&problem), expected, "{}", problem.code);
    };
    let mut p = Problem::new(ProblemCode::InvalidCredentials);
    p.remaining_attempts = Some(2);
    check(
        p,
        "ユーザIDまたはパスワードが正しくありません。あと2回間違えると、30分間ログインできなくなります。",
    );
    let mut p = Problem::new(ProblemCode::AccountLocked);
    p.locked_until = Some(Rfc3339(
        Timestamp::parse_rfc3339("2026-11-22T00:30:00Z").expect("time"),
    ));
    check(
        p,
        "パスワードを5回間違えたため、ログインができなくなりました。30分お待ちいただき、再度ログインをお願い致します。09:30以降に再度ログインしてください。お急ぎの場合は、管理者にパスワードの初期化を依頼してください。",
    );
    check(
        Problem::new(ProblemCode::AccountLocked),
        "パスワードを5回間違えたため、ログインができなくなりました。30分お待ちいただき、再度ログインをお願い致します。お急ぎの場合は、管理者にパスワードの初期化を依頼してください。",
    );
    let mut p = Problem::new(ProblemCode::PinWrong);
    p.tries_left = Some(1);
    check(
        p,
        "暗証番号が正しくありません。あと1回間違えると暗証番号がロックされます。",
    );
    let mut p = Problem::new(ProblemCode::Forbidden);
    p.code = "reader_busy".to_owned();
    p.title = "カードリーダーが使用中です。".to_owned();
    check(p, "カードリーダーが使用中です。");
}

/// Every other failure of a call: no answer (by kind), an answer the contract does not allow, no
/// session, a request that could not be written.
#[test]
fn failures_without_a_refusal_have_their_own_words() {
    let check = |failure: CallFailure<'_>, expected: &str| {
        assert_eq!(message::call_failure(failure), expected, "{failure:?}");
    };
    check(
        CallFailure::NoAnswer(NoAnswer::Timeout),
        "接続先から一定時間内に応答がありませんでした。しばらくしてから再度お試しください。",
    );
    check(
        CallFailure::NoAnswer(NoAnswer::Network),
        "通信エラーが発生しました。ネットワークの接続を確認してから再度お試しください。",
    );
    check(
        CallFailure::NoAnswer(NoAnswer::TrainingStorage),
        "研修データの読み書きに失敗しました。ブラウザの設定でサイトデータの保存が許可されているか確認してください。",
    );
    check(
        CallFailure::Unexpected,
        "予期しない応答を受け取りました。しばらくしてから再度お試しください。",
    );
    check(CallFailure::NotSignedIn, "ログインしてください。");
    check(
        CallFailure::Unencodable,
        "送信する電文を作成できませんでした。",
    );
    let check = |error: ClientError, expected: &str| {
        assert_eq!(message::client_error(&error), expected, "{error:?}");
    };
    check(
        ClientError::UnexpectedStatus { status: 502 },
        catalogue::UNEXPECTED_RESPONSE,
    );
    check(
        ClientError::Decode {
            status: 200,
            message: "eof".to_owned(),
        },
        catalogue::UNEXPECTED_RESPONSE,
    );
}

#[test]
fn why_a_session_ended() {
    let check = |code: Option<ProblemCode>, expected: &str| {
        assert_eq!(message::session_end_notice(code), expected, "{code:?}");
    };
    check(
        Some(ProblemCode::SessionExpired),
        "30分間操作が行われなかったため、セキュリティ管理の為にログアウトしました。",
    );
    check(
        Some(ProblemCode::SessionRevoked),
        "同じユーザIDで別の場所からログインされたため、ログアウトしました。",
    );
    check(Some(ProblemCode::Unauthenticated), "ログインしてください。");
    check(None, "ログインしてください。");
}

#[test]
fn the_general_readers_notices_and_unreadable_face_files_are_worded() {
    let check = |notice: Notice, expected: String| {
        assert_eq!(message::card_notice(&notice), expected, "{notice:?}");
    };
    check(Notice::CardRemoved, catalogue::CARD_REMOVED.to_owned());
    check(
        Notice::NotMyNumberCard,
        catalogue::CARD_NOT_MY_NUMBER.to_owned(),
    );
    check(
        Notice::PinWrong { tries_left: 2 },
        catalogue::card_pin_wrong(2),
    );
    check(Notice::PinBlocked, catalogue::CARD_PIN_BLOCKED.to_owned());
    check(Notice::CardFailed, catalogue::CARD_FAILED.to_owned());
    check(
        Notice::ReaderFailed,
        catalogue::CARD_READER_FAILED.to_owned(),
    );
    check(
        Notice::Unplugged,
        catalogue::CARD_READER_UNPLUGGED.to_owned(),
    );
    let check = |reason: Option<Unreadable>, expected: &str| {
        assert_eq!(
            message::face_unreadable_reason(reason),
            expected,
            "{reason:?}"
        );
    };
    check(
        Some(Unreadable::Encrypted),
        catalogue::RECEPTION_FACE_UNREADABLE_ENCRYPTED,
    );
    check(
        Some(Unreadable::Encoding),
        catalogue::RECEPTION_FACE_UNREADABLE_ENCODING,
    );
    check(
        Some(Unreadable::Broken),
        catalogue::RECEPTION_FACE_UNREADABLE_BROKEN,
    );
    check(
        Some(Unreadable::NotAMessage),
        catalogue::RECEPTION_FACE_UNREADABLE_NOT_A_MESSAGE,
    );
    check(
        Some(Unreadable::TooLarge),
        catalogue::RECEPTION_FACE_UNREADABLE_TOO_LARGE,
    );
    check(None, catalogue::RECEPTION_FACE_UNREADABLE_OTHER);
}

/// Only the major version decides; a version whose major part is no plain number fits nothing.
#[test]
fn an_endpoints_contract_version_fits_by_its_major_version() {
    let check = |theirs: &str, ours: &str, expected: Fit| {
        assert_eq!(
            version::fit(theirs, ours),
            expected,
            "{theirs} against {ours}"
        );
    };
    check("1.2.0", "1.2.0", Fit::Compatible);
    check("1.0.0", "1.2.0", Fit::Compatible);
    check("1.9.3", "1.2.0", Fit::Compatible);
    check("1", "1.2.0", Fit::Compatible);
    check("0.9.0", "1.2.0", Fit::TooOld);
    check("2.0.0", "1.2.0", Fit::TooNew);
    check("10.0.0", "2.0.0", Fit::TooNew);
    check("", "1.2.0", Fit::Malformed);
    check("v1.2.0", "1.2.0", Fit::Malformed);
    check("01.2.0", "1.2.0", Fit::Malformed);
    check("1a.0", "1.2.0", Fit::Malformed);
    check("１.2.0", "1.2.0", Fit::Malformed);
    // This build's own version is well formed and fits itself.
    check(contract::VERSION, contract::VERSION, Fit::Compatible);
    assert_eq!(
        message::incompatible("2.0.0", "1.2.0"),
        "接続先の契約バージョンがこのアプリと互換性がないため、利用できません。（接続先：2.0.0、このアプリ：1.2.0）"
    );
}

fn status(status: u16) -> Response {
    Response {
        status,
        headers: Default::default(),
        body: Vec::new(),
    }
}

fn registration_accepted() -> Response {
    Response {
        status: 200,
        headers: Default::default(),
        body: b"<?xml version=\"1.0\"?><XmlMsg><MessageBody><ProcessingResultStatus>1</ProcessingResultStatus></MessageBody></XmlMsg>".to_vec(),
    }
}

fn in_progress() -> Response {
    let mut response = Problem::new(ProblemCode::IdempotencyInProgress).into_response();
    response.headers.set(header::RETRY_AFTER, "10");
    response
}

/// What the outbox does with each kind of answer (decisions.md D4 and its exceptions).
#[test]
fn what_an_answer_to_a_queued_write_means() {
    let registration = client::register_reference("t", b"<XmlMsg/>".to_vec());
    let revocation = Request::new(Method::Delete, "/consents").with_bearer("t");
    let accepted = registration_accepted();
    let later = |retry_after_s, in_progress| Delivery::Later {
        retry_after_s,
        in_progress,
    };
    let check = |request: &Request, response: &Response, expected: Delivery| {
        assert_eq!(
            client::delivery(request, response),
            expected,
            "{}",
            response.status
        );
    };
    let problem = |code| Problem::new(code).into_response();
    check(&registration, &accepted, Delivery::Answered);
    check(&registration, &status(200), later(None, false));
    check(&revocation, &status(204), Delivery::Answered);
    check(
        &revocation,
        &problem(ProblemCode::NotFound),
        Delivery::Answered,
    );
    check(
        &registration,
        &problem(ProblemCode::InvalidRequest),
        Delivery::Answered,
    );
    check(&registration, &in_progress(), later(Some(10), true));
    check(
        &registration,
        &problem(ProblemCode::PasswordChangeRequired),
        later(None, false),
    );
    check(
        &registration,
        &problem(ProblemCode::Forbidden),
        Delivery::Answered,
    );
    check(
        &registration,
        &problem(ProblemCode::SessionInUse),
        Delivery::Answered,
    );
    check(
        &registration,
        &problem(ProblemCode::NationalAnswerRefused),
        Delivery::Answered,
    );
    check(
        &registration,
        &problem(ProblemCode::NationalError),
        later(None, false),
    );
    check(
        &registration,
        &problem(ProblemCode::NationalTimeout),
        later(None, false),
    );
    check(
        &registration,
        &problem(ProblemCode::ShareUnavailable),
        later(None, false),
    );
    check(
        &registration,
        &problem(ProblemCode::MisdirectedRequest),
        later(None, false),
    );
    check(&registration, &status(502), later(None, false));
    check(&registration, &status(408), later(None, false));
    let mut garbled = in_progress();
    garbled.body.truncate(garbled.body.len() / 2);
    check(&registration, &garbled, later(Some(10), false));
    let upload = client::bulk_submit("t", "reference-numbers", b"<XmlMsg/>".to_vec());
    check(&upload, &status(200), later(None, false));
    check(&upload, &accepted, Delivery::Answered);
    check(&registration, &status(429), later(None, false));
}

/// What one attempt comes to: done with its outcome in staff's words, 回答待ち, kept with why, or
/// kept for the next signed-in user.
#[test]
fn what_an_attempt_to_send_a_queued_write_comes_to() {
    let registration = client::register_reference("t", b"<XmlMsg/>".to_vec());
    let revocation = Request::new(Method::Delete, "/consents").with_bearer("t");
    let check = |request: &Request, attempt: Attempt<'_>, expected: Verdict| {
        assert_eq!(
            Policy::OUTBOX.judge(request, attempt),
            expected,
            "{attempt:?}"
        );
    };
    let answered = |outcome: &str| Verdict::Answered {
        outcome: outcome.to_owned(),
    };
    let retry = |reason: &str, retry_after_s| Verdict::Retry {
        reason: reason.to_owned(),
        retry_after_s,
    };
    check(
        &registration,
        Attempt::Answer(&registration_accepted()),
        answered("照会番号を登録しました。"),
    );
    check(
        &registration,
        Attempt::Answer(&Problem::new(ProblemCode::InvalidRequest).into_response()),
        answered(&format!(
            "照会番号を登録できませんでした。{}",
            catalogue::PROBLEM_INVALID_REQUEST
        )),
    );
    check(
        &registration,
        Attempt::Answer(&Problem::new(ProblemCode::NationalAnswerRefused).into_response()),
        answered(catalogue::PROBLEM_NATIONAL_ANSWER_REFUSED),
    );
    check(
        &revocation,
        Attempt::Answer(&status(204)),
        answered("送信済み"),
    );
    check(
        &revocation,
        Attempt::Answer(&Problem::new(ProblemCode::NotFound).into_response()),
        answered("指定された情報が見つかりません。"),
    );
    check(
        &revocation,
        Attempt::Answer(&status(404)),
        answered(catalogue::UNEXPECTED_RESPONSE),
    );
    check(
        &registration,
        Attempt::Answer(&in_progress()),
        Verdict::AwaitingAnswer {
            retry_after_s: Some(10),
        },
    );
    check(
        &registration,
        Attempt::Answer(&Problem::new(ProblemCode::ShareUnavailable).into_response()),
        retry(
            "資格確認端末の共有フォルダに要求を書き込めませんでした。資格確認端末の電源とネットワーク接続を確認してください。要求は送信されていません。",
            None,
        ),
    );
    check(
        &registration,
        Attempt::Answer(&status(503)),
        retry("HTTP 503", None),
    );
    check(
        &registration,
        Attempt::Answer(&status(200)),
        retry("HTTP 200", None),
    );
    check(
        &registration,
        Attempt::Failed(CallFailure::NoAnswer(NoAnswer::Timeout)),
        retry(catalogue::TRANSPORT_TIMEOUT, None),
    );
    check(
        &registration,
        Attempt::Failed(CallFailure::NoAnswer(NoAnswer::Network)),
        retry(catalogue::TRANSPORT_FAILED, None),
    );
    check(
        &registration,
        Attempt::Failed(CallFailure::Unexpected),
        retry(catalogue::UNEXPECTED_RESPONSE, None),
    );
    check(
        &registration,
        Attempt::Failed(CallFailure::NotSignedIn),
        Verdict::WaitForSession,
    );
    check(
        &registration,
        Attempt::Failed(CallFailure::Refused(&Problem::new(
            ProblemCode::SessionExpired,
        ))),
        Verdict::WaitForSession,
    );
}

/// An entry is sent again by itself for six days, to the millisecond, and not after.
#[test]
fn an_entry_older_than_six_days_is_not_sent_again_by_itself() {
    let created = Timestamp::from_millis(1_795_000_000_000);
    let six_days = 6 * 24 * 60 * 60 * 1000;
    let check = |age_ms: i64, expected: bool| {
        assert_eq!(
            Policy::OUTBOX.expired(created, Timestamp::from_millis(created.millis() + age_ms)),
            expected,
            "{age_ms} ms"
        );
    };
    check(0, false);
    check(-1, false);
    check(six_days - 1, false);
    check(six_days, false);
    check(six_days + 1, true);
    check(7 * 24 * 60 * 60 * 1000, true);
}

#[test]
fn a_queued_write_is_described_for_the_outbox_list() {
    let other = Request::new(Method::Delete, "/consents").with_bearer("t");
    assert_eq!(outbox::describe(&other), "登録");
    // A registration whose body does not read is still listed, as a write.
    let garbled = client::register_reference("t", b"<XmlMsg".to_vec());
    assert_eq!(outbox::describe(&garbled), "登録");
}

/// The app's Japanese boundary (`src/error.rs`) is for the pages and components: nothing below them
/// names it, so the errors they pass around stay plain types and their words stay in one place.
#[test]
fn nothing_below_the_pages_depends_on_the_japanese_boundary() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut pending: Vec<_> = ["src/state", "src/transport", "src/platform"]
        .iter()
        .map(|dir| root.join(dir))
        .collect();
    let mut checked = 0;
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("an app directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("an app source file");
            // `crate::error::…` on one line, or `error::…` inside a `use crate::{…}` block.
            let uses = text
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .find(|line| {
                    line.contains("crate::error") || line.trim_start().starts_with("error::")
                });
            assert_eq!(uses, None, "{} names the boundary", path.display());
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} files were read");
}

/// A stream's place in the event backlog (`client::backlog`, shared by the reference endpoint's and
/// the training world's streams): where it resumes, what it asks, what an answer means.
#[test]
fn an_event_stream_resumes_reads_page_after_page_and_ends_on_a_refusal() {
    use onshi_core::{client::backlog::Backlog, contract::Headers};
    let check = |last_event_id: Option<&str>, query: Option<&str>, expected: &str| {
        let mut headers = Headers::new();
        headers.set("Authorization", "Bearer t");
        headers.set("Accept", "text/event-stream");
        if let Some(id) = last_event_id {
            headers.set(header::LAST_EVENT_ID, id);
        }
        let request = Backlog::resuming(&headers, query).request();
        assert_eq!(request.method, Method::Get);
        assert_eq!(request.target, format!("{}{expected}", contract::PREFIX));
        assert_eq!(request.headers.get("Authorization"), Some("Bearer t"));
        assert_eq!(request.headers.get("Accept"), None, "the backlog is JSON");
        assert_eq!(request.headers.get(header::LAST_EVENT_ID), None);
    };
    check(None, None, "/events?after=0");
    check(None, Some("after=7"), "/events?after=7");
    check(Some("12"), Some("after=7"), "/events?after=12");
    check(Some(" 12 "), None, "/events?after=12");
    check(Some("twelve"), Some("after=7"), "/events?after=0");

    let event = |id: u64| serde_json::json!({"id": id, "at": "2026-11-22T09:00:00+09:00", "kind": "qualification", "data": {}});
    let page = |events: Vec<serde_json::Value>, last_id: u64, newest_id: u64| {
        Response::json(
            200,
            &serde_json::json!({"events": events, "last_id": last_id, "newest_id": newest_id}),
        )
    };
    let mut backlog = Backlog::resuming(&contract::Headers::new(), None);
    backlog
        .take(&page(vec![event(1), event(2)], 2, 5))
        .expect("a page");
    assert!(backlog.more(), "events 3 to 5 are still to read");
    assert_eq!(
        backlog.request().target,
        format!("{}/events?after=2", contract::PREFIX)
    );
    assert_eq!(backlog.next_event().map(|e| e.id), Some(1));
    assert_eq!(backlog.next_event().map(|e| e.id), Some(2));
    assert_eq!(backlog.next_event(), None);
    backlog.take(&page(vec![event(3)], 3, 3)).expect("a page");
    assert!(!backlog.more(), "the backlog's end");
    backlog.read_on();
    assert!(backlog.more());

    let refusal = Problem::new(ProblemCode::Unauthenticated).into_response();
    assert_eq!(backlog.take(&refusal), Err(refusal.clone()));
    let garbled = Response::json(200, &serde_json::json!({"events": "no"}));
    let ended = backlog.take(&garbled).expect_err("not a page");
    assert_eq!(ended.status, 500);
    assert_eq!(
        backlog.request().target,
        format!("{}/events?after=3", contract::PREFIX),
        "a refusal moves nothing"
    );
}
