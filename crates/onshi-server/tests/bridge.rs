//! The folder bridge against a fake national side (decisions.md D3, D8): request files written
//! exclusively under names and identifiers of their own, every answer its own request's, exactly
//! one request file per write whatever arrives meanwhile, nothing unchecked in the share, and face
//! files that cannot be read told to staff. The fake (`share`) answers from hand-written templates,
//! never with our own encoder.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use onshi_core::{
    contract::{
        Problem,
        groups::{EventsPage, HistoryPage},
        session::SignedIn,
    },
    password::HashCost,
};
use onshi_server::{
    bridge::Timing,
    start::{self, Mode, Options, StartError},
};
use serde_json::json;
use share::{Ledger, Plan, Share, fixture, national, national_side};

mod share;
mod support;

/// The national timeout of these tests: short, so that waiting it out is cheap.
const NATIONAL_TIMEOUT: Duration = Duration::from_millis(1500);

fn timing() -> Timing {
    Timing {
        poll: Duration::from_millis(20),
        settle: Duration::from_millis(30),
        clean_every: Duration::from_millis(100),
    }
}

fn options_with(share: &Share, national_timeout: Duration, retention: Duration) -> Options {
    Options {
        database: Some(share.database()),
        institution: Some(("1234567897".to_owned(), "テスト医療機関".to_owned())),
        password_cost: HashCost::CHEAP,
        ..Options::new(Mode::Bridge {
            share: share.root.clone(),
            timing: timing(),
            national_timeout,
            retention,
        })
    }
}

fn options(share: &Share) -> Options {
    options_with(share, NATIONAL_TIMEOUT, Duration::from_secs(3600))
}

async fn send(app: &Router, request: Request<Body>) -> support::Answer {
    support::send(app, request).await
}

fn json_request(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: serde_json::Value,
) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::from(body.to_string())).expect("request")
}

fn get(path: &str, token: &str) -> Request<Body> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request")
}

fn xml(path: &str, token: &str, key: Option<&str>, body: Vec<u8>) -> Request<Body> {
    let mut request = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/xml");
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.body(Body::from(body)).expect("request")
}

/// `POST /qualifications` with `body`, as master.
async fn inquire(run: &Running, body: Vec<u8>) -> support::Answer {
    send(
        &run.app,
        xml("/onshi/v1/qualifications", &run.token, None, body),
    )
    .await
}

/// A running endpoint: its router, the endpoint itself (its share watcher runs) and master's token.
struct Running {
    app: Router,
    watcher: tokio::task::JoinHandle<()>,
    token: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.watcher.abort();
    }
}

/// Opens a first-run endpoint with its share watcher, and signs master in with a changed password.
async fn running(options: Options) -> Running {
    let opened = start::open(options).expect("opens");
    let initial = opened
        .master_password
        .expect("a first run shows the password");
    let endpoint = Arc::new(opened.endpoint);
    let watcher = tokio::spawn(Arc::clone(&endpoint).watch_share());
    let app = support::app(Some(Arc::clone(&endpoint)), &[]);
    let signed_in = send(
        &app,
        json_request(
            "POST",
            "/onshi/v1/session",
            None,
            json!({"user_id": "master", "password": initial}),
        ),
    )
    .await;
    assert_eq!(signed_in.status, StatusCode::CREATED);
    let signed_in: SignedIn = signed_in.json();
    assert!(signed_in.must_change_password);
    let changed = send(
        &app,
        json_request(
            "PUT",
            "/onshi/v1/session/password",
            Some(&signed_in.token),
            json!({"current": initial, "new": "Clinic*2026*ok"}),
        ),
    )
    .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
    Running {
        app,
        watcher,
        token: signed_in.token,
    }
}

/// The same database and share opened again (a restart), with master's session.
fn reopened(options: Options, token: &str) -> Running {
    let endpoint = Arc::new(start::open(options).expect("reopens").endpoint);
    let watcher = tokio::spawn(Arc::clone(&endpoint).watch_share());
    Running {
        app: support::app(Some(endpoint), &[]),
        watcher,
        token: token.to_owned(),
    }
}

fn planner(plan: impl Fn(&str, &[u8]) -> Plan + Send + Sync + 'static) -> share::Planner {
    Arc::new(plan)
}

fn always(plan: Plan) -> share::Planner {
    planner(move |_, _| plan.clone())
}

/// Today's request name prefix, as the bridge names files (Tokyo date).
fn today(prefix: &str) -> String {
    let now = onshi_server::endpoint::Clock::default().now();
    format!("{prefix}_{}", now.jst().format("%Y%m%d"))
}

async fn history(run: &Running) -> HistoryPage {
    send(
        &run.app,
        get("/onshi/v1/qualifications?per_page=100", &run.token),
    )
    .await
    .json()
}

fn taken(ledger: &Mutex<Ledger>) -> Vec<share::Taken> {
    ledger.lock().expect("the ledger").taken.clone()
}

/// An inquiry for a patient of its own: insurer 06139000, 番号 `number`, a birth date from it.
fn inquiry_for(number: u32) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg><MessageHeader>\
         <QualificationConfirmationDate>20261207</QualificationConfirmationDate>\
         <MedicalInstitutionCode>1234567897</MedicalInstitutionCode></MessageHeader><MessageBody>\
         <QualificationConfirmSearchInfo><InsurerNumber>06139000</InsurerNumber>\
         <InsuredIdentificationNumber>{number}</InsuredIdentificationNumber>\
         <InsuredBranchNumber>01</InsuredBranchNumber><Birthdate>1960{:02}{:02}</Birthdate>\
         <LimitApplicationCertificateRelatedConsFlg>0</LimitApplicationCertificateRelatedConsFlg>\
         </QualificationConfirmSearchInfo></MessageBody></XmlMsg>",
        number % 12 + 1,
        number % 28 + 1
    )
    .into_bytes()
}

/// A 照会番号 registration of `number` for card 06139000 / `card`.
fn registration(number: &str, card: u32) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg><MessageHeader>\
         <MedicalInstitutionCode>1234567897</MedicalInstitutionCode></MessageHeader><MessageBody>\
         <ReferenceNumberRegistrationInfo><ReferenceNumber>{number}</ReferenceNumber>\
         <InsurerNumber>06139000</InsurerNumber><InsuredIdentificationNumber>{card}</InsuredIdentificationNumber>\
         <InsuredBranchNumber>01</InsuredBranchNumber></ReferenceNumberRegistrationInfo></MessageBody></XmlMsg>"
    )
    .into_bytes()
}

/// The qualification template answering with a name made from the request's 番号.
fn answer_each_by_number(
    delay: impl Fn(&str) -> Duration + Send + Sync + 'static,
) -> share::Planner {
    planner(move |name, bytes| {
        let number = national::value_of(bytes, "InsuredIdentificationNumber").unwrap_or_default();
        Plan::answer("siquc01res.xml", &[("Name", &format!("試験　{number}"))]).after(delay(name))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inquiry_is_answered_from_its_own_result_file_once_it_is_whole() {
    let share = Share::new("answer");
    let ledger = national_side(
        &share.root,
        planner(|_, _| Plan::Answer {
            template: national::template("siquc01res.xml"),
            given: vec![("Name".to_owned(), "大田　一郎".to_owned())],
            delay: Duration::ZERO,
            torn: true,
            twice: true,
        }),
    );
    let run = running(options(&share)).await;
    let answer = inquire(&run, fixture("siquc01req-kokuho-sjis.xml")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let requests = taken(&ledger);
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].name,
        format!("{}0001.xml", today("OQSsiquc01req"))
    );
    // The request file carries an identifier of its own, and the answer is its whole file.
    let identifier =
        national::value_of(&requests[0].bytes, "ArbitraryFileIdentifier").expect("identified");
    assert_ne!(identifier, "kokuho-0001");
    assert_eq!(
        national::value_of(&answer.body, "ArbitraryFileIdentifier").as_deref(),
        Some(identifier.as_str())
    );
    assert!(String::from_utf8_lossy(&answer.body).contains("大田　一郎"));
    let page = history(&run).await;
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].login_id, "master");
    // The answer written a second time, for another patient, is never taken: once it is there, a
    // later inquiry answered through the same watcher is the sign it has been looked past.
    let first_answer = share
        .dir("res")
        .join(format!("{}0001.xml", today("OQSsiquc01res")));
    for _ in 0..200 {
        let rewritten = std::fs::read(&first_answer).unwrap_or_default();
        if String::from_utf8_lossy(&rewritten).contains("<Birthdate>1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        String::from_utf8_lossy(&std::fs::read(&first_answer).expect("the answer"))
            .contains("<Birthdate>1"),
        "the national side wrote its second answer"
    );
    assert_eq!(
        inquire(&run, fixture("siquc01req-taro.xml")).await.status,
        StatusCode::OK
    );
    let page = history(&run).await;
    assert_eq!(
        page.total, 2,
        "the second answer to the first request was not taken"
    );
    assert!(
        share.files("req").iter().all(|f| !f.contains(".onshi-")),
        "no temporary file is left: {:?}",
        share.files("req")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_another_writer_used_are_skipped_and_its_files_never_touched() {
    let share = Share::new("names");
    let theirs_request = format!("{}0001.xml", today("OQSsiquc01req"));
    let theirs_answer = format!("{}0002.xml", today("OQSsiquc01res"));
    std::fs::write(
        share.dir("req").join(&theirs_request),
        b"<XmlMsg>theirs</XmlMsg>",
    )
    .expect("another system's request");
    std::fs::write(
        share.dir("res").join(&theirs_answer),
        b"<XmlMsg>theirs</XmlMsg>",
    )
    .expect("another system's answer");
    let ledger = national_side(
        &share.root,
        planner(move |name, bytes| {
            let silent = national::value_of(bytes, "InsuredIdentificationNumber").as_deref()
                == Some("30009");
            if name.ends_with("0001.xml") || silent {
                Plan::Ignore
            } else {
                Plan::answer("siquc01res.xml", &[("Name", "新橋　太郎")])
            }
        }),
    );
    let run = running(options(&share)).await;
    let answer = inquire(&run, fixture("siquc01req-taro.xml")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let ours: Vec<String> = taken(&ledger).into_iter().map(|t| t.name).collect();
    assert_eq!(ours, [format!("{}0003.xml", today("OQSsiquc01req"))]);
    // A request of ours that is never taken is withdrawn at its deadline (504): the watcher has
    // then gone through `req/` at a deadline, and the other writer's files stay as they were.
    let withdrawn = inquire(&run, inquiry_for(30009)).await;
    assert_eq!(withdrawn.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(share.files("req"), std::slice::from_ref(&theirs_request));
    assert_eq!(
        std::fs::read(share.dir("req").join(&theirs_request)).expect("still there"),
        b"<XmlMsg>theirs</XmlMsg>"
    );
    assert_eq!(
        std::fs::read(share.dir("res").join(&theirs_answer)).expect("still there"),
        b"<XmlMsg>theirs</XmlMsg>"
    );
}

/// Regression: 20 concurrent inquiries wrote 5 request files, failed 15, and gave one patient
/// another's result. Here 50 distinct patients at once, answered in random order with random
/// delays: every answer is its own patient's and nothing fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_issue_14_fifty_concurrent_inquiries_each_get_their_own_patient() {
    let share = Share::new("fifty");
    let ledger = national_side(
        &share.root,
        answer_each_by_number(|name| {
            // A spread of delays from the name's sequence, so answers come back out of order.
            let sequence: u64 = name
                .trim_end_matches(".xml")
                .rsplit('_')
                .next()
                .and_then(|s| s.get(8..))
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            Duration::from_millis((sequence * 7919) % 600)
        }),
    );
    let run = running(options_with(
        &share,
        Duration::from_secs(10),
        Duration::from_secs(3600),
    ))
    .await;
    let mut requests = Vec::new();
    for number in 1..=50u32 {
        let app = run.app.clone();
        let token = run.token.clone();
        requests.push(tokio::spawn(async move {
            let answer = send(
                &app,
                xml(
                    "/onshi/v1/qualifications",
                    &token,
                    None,
                    inquiry_for(number + 20000),
                ),
            )
            .await;
            (number + 20000, answer)
        }));
    }
    for request in requests {
        let (number, answer) = request.await.expect("the request ran");
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        let text = String::from_utf8_lossy(&answer.body);
        assert!(
            text.contains(&format!("試験　{number}")),
            "patient {number} got {text}"
        );
        assert_eq!(
            national::value_of(&answer.body, "InsuredIdentificationNumber"),
            Some(number.to_string())
        );
    }
    let files = taken(&ledger);
    assert_eq!(files.len(), 50, "one request file each");
    let names: std::collections::BTreeSet<&str> = files.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), 50);
    let identifiers: std::collections::BTreeSet<String> = files
        .iter()
        .filter_map(|t| national::value_of(&t.bytes, "ArbitraryFileIdentifier"))
        .collect();
    assert_eq!(identifiers.len(), 50, "an identifier each");
    let page = history(&run).await;
    assert_eq!(page.total, 50);
    for item in &page.items {
        let number = item.number.clone().unwrap_or_default();
        assert_eq!(
            item.name.as_deref(),
            Some(format!("試験　{number}").as_str())
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_file_silence_and_an_unwritable_share_are_told_apart() {
    let share = Share::new("failures");
    national_side(
        &share.root,
        planner(|_, bytes| {
            match national::value_of(bytes, "InsuredIdentificationNumber").as_deref() {
                Some("10001") => Plan::Error {
                    text: "EQ0001 資格確認端末でエラーが発生しました".to_owned(),
                    delay: Duration::ZERO,
                },
                _ => Plan::Ignore,
            }
        }),
    );
    let run = running(options(&share)).await;
    let error = inquire(&run, fixture("siquc01req-taro.xml")).await;
    assert_eq!(error.status, StatusCode::BAD_GATEWAY);
    let problem: Problem = error.problem();
    assert_eq!(problem.code, "national_error");
    assert_eq!(
        problem.detail.as_deref(),
        Some("EQ0001 資格確認端末でエラーが発生しました")
    );

    let started = std::time::Instant::now();
    let silence = inquire(&run, inquiry_for(30001)).await;
    assert_eq!(silence.status, StatusCode::GATEWAY_TIMEOUT);
    assert!(started.elapsed() >= NATIONAL_TIMEOUT);
    assert_eq!(silence.problem().code, "national_timeout");
    assert!(
        share.files("req").is_empty(),
        "the request file never taken is withdrawn: {:?}",
        share.files("req")
    );
    assert_eq!(history(&run).await.total, 0, "nothing recorded");

    // A share the endpoint cannot write into is the endpoint's own failure.
    std::fs::remove_dir_all(share.dir("req")).expect("req removed");
    let unwritable = inquire(&run, inquiry_for(30002)).await;
    assert_eq!(unwritable.status, StatusCode::SERVICE_UNAVAILABLE);
    let problem = unwritable.problem();
    assert_eq!(problem.code, "share_unavailable");
    assert!(problem.title.contains("共有フォルダ"), "{}", problem.title);
    assert!(!problem.title.contains("オンライン資格確認等システム"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_key_sent_again_while_the_national_side_works_writes_one_request_file() {
    let share = Share::new("same-key");
    let ledger = national_side(
        &share.root,
        always(Plan::answer("siimm01res.xml", &[]).after(Duration::from_millis(700))),
    );
    let run = running(options(&share)).await;
    let send_once = |app: Router, token: String| async move {
        send(
            &app,
            xml(
                "/onshi/v1/reference-numbers",
                &token,
                Some("outbox-a"),
                registration("K-1", 10001),
            ),
        )
        .await
    };
    let first = tokio::spawn(send_once(run.app.clone(), run.token.clone()));
    let second = tokio::spawn(send_once(run.app.clone(), run.token.clone()));
    let (first, second) = (first.await.expect("ran"), second.await.expect("ran"));
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(first.body, second.body, "the same answer, once");
    assert_eq!(taken(&ledger).len(), 1, "one request file for the key");
}

/// Regression: a resend after a 504 wrote a second request file. A request the national side took
/// but answered late is recorded once when the answer comes, and a retry under its key waits for it
/// (409 `idempotency_in_progress` while it has not come) instead of writing again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_issue_14_a_late_answer_is_recorded_once_and_a_retry_never_writes_again() {
    let share = Share::new("late");
    let release = Arc::new(tokio::sync::Notify::new());
    let ledger = national_side(
        &share.root,
        always(Plan::answer("siimm01res.xml", &[]).held(&release)),
    );
    let run = running(options(&share)).await;
    let request = || {
        xml(
            "/onshi/v1/reference-numbers",
            &run.token,
            Some("outbox-late"),
            registration("K-2", 10002),
        )
    };
    let first = send(&run.app, request()).await;
    assert_eq!(first.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(first.problem().code, "national_timeout");
    // Sent again at once: it waits the national timeout for the first, then is told to come back.
    let second = send(&run.app, request()).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert_eq!(second.problem().code, "idempotency_in_progress");
    assert!(second.headers.contains_key(header::RETRY_AFTER));
    // Once the late answer has come, the key replays it; until then the outbox is told to wait.
    release.notify_one();
    let mut third = send(&run.app, request()).await;
    for _ in 0..10 {
        if third.status != StatusCode::CONFLICT {
            break;
        }
        third = send(&run.app, request()).await;
    }
    assert_eq!(
        third.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&third.body)
    );
    let replay = send(&run.app, request()).await;
    assert_eq!(replay.headers["Idempotent-Replayed"], "true");
    assert_eq!(replay.body, third.body);
    assert_eq!(taken(&ledger).len(), 1, "one request file for the key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_file_never_taken_is_withdrawn_and_a_retry_writes_a_new_one() {
    let share = Share::new("withdrawn");
    let seen = Arc::new(Mutex::new(0));
    let count = Arc::clone(&seen);
    let ledger = national_side(
        &share.root,
        planner(move |_, _| {
            let mut n = count.lock().expect("count");
            *n += 1;
            // The first file is left alone; the next is answered.
            if *n == 1 {
                Plan::Ignore
            } else {
                Plan::answer("siimm01res.xml", &[])
            }
        }),
    );
    let run = running(options(&share)).await;
    let request = || {
        xml(
            "/onshi/v1/reference-numbers",
            &run.token,
            Some("outbox-w"),
            registration("K-3", 10003),
        )
    };
    let first = send(&run.app, request()).await;
    assert_eq!(first.status, StatusCode::GATEWAY_TIMEOUT);
    assert!(
        share.files("req").is_empty(),
        "withdrawn: {:?}",
        share.files("req")
    );
    let retry = send(&run.app, request()).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(
        taken(&ledger).len(),
        1,
        "the withdrawn file was never taken"
    );
}

/// A restart in the middle of an exchange: the endpoint is gone while the national side works on
/// its request; the endpoint that opens the same database and share records the answer once, and a
/// retry under the write's key replays it without a second request file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_the_middle_of_an_exchange_records_the_answer_once() {
    let share = Share::new("restart-exchange");
    let release = Arc::new(tokio::sync::Notify::new());
    let ledger = national_side(
        &share.root,
        planner({
            let release = Arc::clone(&release);
            move |_, bytes| {
                // The exchange caught in the restart is answered when the test says; later ones at once.
                let plan = Plan::answer("siimm01res.xml", &[]);
                match national::value_of(bytes, "ReferenceNumber").as_deref() {
                    Some("K-4") => plan.held(&release),
                    _ => plan,
                }
            }
        }),
    );
    let run = running(options(&share)).await;
    let token = run.token.clone();
    let app = run.app.clone();
    let request = move |token: &str| {
        xml(
            "/onshi/v1/reference-numbers",
            token,
            Some("outbox-r"),
            registration("K-4", 10004),
        )
    };
    let in_flight = tokio::spawn({
        let token = token.clone();
        async move { send(&app, request(&token)).await }
    });
    // Once the national side has taken the file, the endpoint stops: its request, its watcher and
    // its store go.
    for _ in 0..200 {
        if !taken(&ledger).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(taken(&ledger).len(), 1);
    in_flight.abort();
    drop(run);
    let run = reopened(options(&share), &token);
    // The answer comes to the new endpoint, which records it; the retry replays it.
    release.notify_one();
    let mut retry = send(&run.app, request(&token)).await;
    for _ in 0..10 {
        if retry.status != StatusCode::CONFLICT {
            break;
        }
        retry = send(&run.app, request(&token)).await;
    }
    assert_eq!(
        retry.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&retry.body)
    );
    assert_eq!(
        national::value_of(&retry.body, "ReferenceNumber").as_deref(),
        Some("K-4")
    );
    assert_eq!(taken(&ledger).len(), 1, "no second request file");
    // The request numbers go on from where they were, across the restart.
    let next = send(
        &run.app,
        xml(
            "/onshi/v1/reference-numbers",
            &token,
            None,
            registration("K-5", 10005),
        ),
    )
    .await;
    assert_eq!(next.status, StatusCode::OK);
    let names: Vec<String> = taken(&ledger).into_iter().map(|t| t.name).collect();
    assert_eq!(
        names,
        [
            format!("{}0001.xml", today("OQSsiimm01req")),
            format!("{}0002.xml", today("OQSsiimm01req"))
        ]
    );
}

/// Regression: a DOCTYPE body sent as text/plain or without a content type was written into the
/// share before it was read, and refused only after the national timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_issue_14_a_bad_bulk_upload_is_refused_at_once_and_never_reaches_the_share() {
    let share = Share::new("bulk-refused");
    let ledger = national_side(&share.root, always(Plan::Silent));
    let run = running(options(&share)).await;
    let upload = |content_type: Option<&str>| {
        let mut request = Request::post("/onshi/v1/bulk/qualifications")
            .header(header::AUTHORIZATION, format!("Bearer {}", run.token));
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        request
            .body(Body::from(fixture("doctype.xml")))
            .expect("request")
    };
    let started = std::time::Instant::now();
    for (content_type, status) in [
        (Some("text/plain"), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (None, StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (Some("application/xml"), StatusCode::BAD_REQUEST),
    ] {
        let answer = send(&run.app, upload(content_type)).await;
        assert_eq!(answer.status, status, "{content_type:?}");
    }
    assert!(started.elapsed() < NATIONAL_TIMEOUT, "refused at once");
    assert!(taken(&ledger).is_empty());
    assert!(share.files("req").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_for_another_patient_is_refused_and_recorded_nowhere() {
    let share = Share::new("mismatch");
    // Every answer is about 番号 99999, whatever was asked.
    national_side(
        &share.root,
        planner(|_, bytes| {
            let other = String::from_utf8_lossy(bytes).replace(
                "<InsuredIdentificationNumber>10001</InsuredIdentificationNumber>",
                "<InsuredIdentificationNumber>99999</InsuredIdentificationNumber>",
            );
            Plan::Answer {
                template: String::from_utf8(national::answer(
                    &national::template("siquc01res.xml"),
                    other.as_bytes(),
                    &[("Name", "他人　花子")],
                ))
                .expect("utf-8"),
                given: Vec::new(),
                delay: Duration::ZERO,
                torn: false,
                twice: false,
            }
        }),
    );
    let run = running(options(&share)).await;
    let answer = inquire(&run, fixture("siquc01req-taro.xml")).await;
    assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
    let problem = answer.problem();
    assert_eq!(problem.code, "national_answer_refused");
    assert!(!String::from_utf8_lossy(&answer.body).contains("他人"));
    assert_eq!(history(&run).await.total, 0);
}

async fn events(run: &Running, query: &str) -> EventsPage {
    send(
        &run.app,
        get(&format!("/onshi/v1/events?{query}"), &run.token),
    )
    .await
    .json()
}

/// Waits until `ready` holds of the backlog (the watcher works on its own time).
async fn events_until(
    run: &Running,
    query: &str,
    ready: impl Fn(&EventsPage) -> bool,
) -> EventsPage {
    for _ in 0..300 {
        let page = events(run, query).await;
        if ready(&page) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "the backlog never became ready: {:?}",
        events(run, query).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn face_files_become_events_once_and_unreadable_ones_are_kept_aside_and_told() {
    let share = Share::new("face");
    let run = running(options(&share)).await;
    let readable = "OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20261207090000.xml";
    let sjis = "OQSsiquc01res_face_a1_20261207090100.xml";
    let encrypted = "OQSsiquc01res_face_a2_20261207090200.xml";
    let large = "OQSsiquc01res_face_a3_20261207090300.xml";
    std::fs::write(
        share.dir("face").join(readable),
        fixture("face-synthetic-capture.xml"),
    )
    .expect("a face file");
    std::fs::write(
        share.dir("face").join(sjis),
        fixture("face-sjis-declared-utf8.xml"),
    )
    .expect("a face file");
    std::fs::write(
        share.dir("face").join(encrypted),
        fixture("face-encrypted.bin"),
    )
    .expect("a face file");
    let mut big = b"<?xml version=\"1.0\"?><XmlMsg>".to_vec();
    big.resize(onshi_core::wire::MESSAGE_LIMIT + 10, b' ');
    std::fs::write(share.dir("face").join(large), &big).expect("a face file");
    let page = events_until(&run, "after=0", |p| p.events.len() >= 4).await;
    let kinds: Vec<(&str, String)> = page
        .events
        .iter()
        .map(|e| {
            (
                e.kind.as_str(),
                e.data["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("qualification", String::new()),
            ("face_unreadable", "encoding".to_owned()),
            ("face_unreadable", "encrypted".to_owned()),
            ("face_unreadable", "too_large".to_owned()),
        ]
    );
    assert_eq!(page.events[1].data["file"], sjis);
    // Left in place, unchanged; copied beside the database.
    let kept = start::kept_beside(&share.database());
    for name in [sjis, encrypted, large] {
        assert!(
            share.dir("face").join(name).is_file(),
            "{name} stays in face/"
        );
        assert!(
            kept.join(name).is_file(),
            "{name} is copied to {}",
            kept.display()
        );
    }
    assert_eq!(
        std::fs::read(kept.join(sjis)).expect("the copy"),
        fixture("face-sjis-declared-utf8.xml")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(kept.join(sjis))
            .expect("the copy")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the copy is the endpoint's alone: {mode:o}"
        );
    }
    // A restart reads the folder again but records and announces nothing twice.
    let token = run.token.clone();
    drop(run);
    let run = reopened(options(&share), &token);
    // A new file after the restart is the signal that the folder has been read again.
    let later = "OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20261207091000.xml";
    std::fs::write(
        share.dir("face").join(later),
        fixture("face-refno-synthetic.xml"),
    )
    .expect("a face file");
    let page = events_until(&run, "after=0", |p| p.events.len() >= 5).await;
    assert_eq!(page.events.len(), 5, "{:?}", page.events);
    assert_eq!(page.events[4].kind.as_str(), "qualification");
    let unreadable = events(&run, "after=0&kind=face_unreadable").await;
    assert_eq!(unreadable.events.len(), 3);
    assert_eq!(share.files("face").len(), 5, "face/ is never cleaned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_files_of_exchanges_are_removed_after_the_retention_and_no_others() {
    let share = Share::new("retention");
    national_side(&share.root, always(Plan::answer("siimm01res.xml", &[])));
    let theirs = format!("{}0900.xml", today("OQSsiimm01res"));
    std::fs::write(share.dir("res").join(&theirs), b"<XmlMsg/>").expect("another's answer");
    std::fs::write(
        share.dir("face").join("OQSsiquc01res_face_x.xml"),
        fixture("face-synthetic-capture.xml"),
    )
    .expect("a face file");
    let run = running(options_with(
        &share,
        NATIONAL_TIMEOUT,
        Duration::from_millis(300),
    ))
    .await;
    let answer = send(
        &run.app,
        xml(
            "/onshi/v1/reference-numbers",
            &run.token,
            Some("k"),
            registration("K-6", 10006),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let ours = format!("{}0001.xml", today("OQSsiimm01res"));
    assert!(share.files("res").contains(&ours));
    for _ in 0..200 {
        if !share.files("res").contains(&ours) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(share.files("res"), [theirs], "only ours is removed");
    assert_eq!(share.files("face").len(), 1);
    // The answer stays under the write's key after its files are gone.
    let replay = send(
        &run.app,
        xml(
            "/onshi/v1/reference-numbers",
            &run.token,
            Some("k"),
            registration("K-6", 10006),
        ),
    )
    .await;
    assert_eq!(replay.headers["Idempotent-Replayed"], "true");
    assert_eq!(replay.body, answer.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_loses_nothing_and_databases_stay_apart() {
    let share = Share::new("restart");
    let run = running(options(&share)).await;
    let token = run.token.clone();
    drop(run);
    // The same database opens again with its accounts and session, and no first run.
    let reopened = start::open(options(&share)).expect("reopens");
    assert!(reopened.master_password.is_none());
    let app = support::app(Some(Arc::new(reopened.endpoint)), &[]);
    let answer = send(&app, get("/onshi/v1/qualifications", &token)).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "the session survived the restart"
    );

    // A new database needs its institution; training and real data never share one.
    let fresh = Share::new("fresh");
    let mut no_institution = options(&fresh);
    no_institution.institution = None;
    assert!(matches!(
        start::open(no_institution),
        Err(StartError::NoInstitution { .. })
    ));
    let training = Share::new("training");
    let mut as_training = options(&training);
    as_training.mode = Mode::Training;
    start::open(as_training).expect("a training database");
    assert!(matches!(
        start::open(options(&training)),
        Err(StartError::TrainingDatabase { .. })
    ));
    let mut training_on_real = options(&share);
    training_on_real.mode = Mode::Training;
    assert!(matches!(
        start::open(training_on_real),
        Err(StartError::RealDatabase { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_capabilities_say_how_long_the_national_side_is_waited_for() {
    let share = Share::new("capabilities");
    let run = running(options(&share)).await;
    let capabilities: serde_json::Value = send(
        &run.app,
        Request::get("/onshi/v1/capabilities")
            .body(Body::empty())
            .expect("request"),
    )
    .await
    .json();
    assert_eq!(capabilities["national_timeout_s"], 2, "1.5 s rounded up");
}

/// A restart of an endpoint that stopped while writing request files: the markers it left say how
/// far each got. A published file goes on and its answer is recorded; one never published ends as
/// withdrawn, and the outbox's next attempt under the same key writes it anew — one request file per
/// write either way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_after_stopping_while_writing_resumes_each_write_by_its_markers() {
    use onshi_core::{
        client,
        contract::session::PasswordChange,
        dispatch::{Config, Dispatched, Dispatcher, Env},
    };
    use onshi_server::{endpoint::OsRandom, sqlite::SqliteStore};
    let share = Share::new("half-written");
    // A first run, then the dispatcher alone on its database: three writes begin their exchanges,
    // as the endpoint that stopped had begun them.
    let initial = start::open(options(&share))
        .expect("opens")
        .master_password
        .expect("a first run");
    let mut store = SqliteStore::open(&share.database()).expect("opens");
    let dispatcher = Dispatcher::new(Config {
        password_cost: HashCost::CHEAP,
        ..Config::standard()
    })
    .with_files();
    let mut random = OsRandom;
    let mut dispatch = |request: &onshi_core::contract::Request| {
        let mut env = Env {
            now: onshi_server::endpoint::Clock::default().now(),
            random: &mut random,
        };
        match dispatcher.dispatch_with(&mut store, &mut env, request) {
            // Sign-in's password is checked between its two phases, as the endpoint does.
            Dispatched::Verify(check) => {
                dispatcher.finish_sign_in(&mut store, &mut env, request, check.verify())
            }
            dispatched => dispatched,
        }
    };
    let Dispatched::Answered(signed_in) = dispatch(&client::sign_in("master", &initial, true))
    else {
        panic!("sign-in answers");
    };
    let token = client::expect_json::<SignedIn>(&signed_in, 201)
        .expect("signed in")
        .token;
    let Dispatched::Answered(changed) = dispatch(
        &onshi_core::contract::Request::new(onshi_core::contract::Method::Put, "/session/password")
            .with_bearer(&token)
            .with_json(&PasswordChange {
                current: initial,
                new: "Clinic*2026*ok".to_owned(),
            }),
    ) else {
        panic!("a password change answers");
    };
    assert_eq!(changed.status, 204);
    let write = |n: u32| {
        client::with_idempotency_key(
            client::register_reference(&token, registration(&format!("K-7{n}"), 10070 + n)),
            &format!("outbox-half-{n}"),
        )
    };
    let mut begun = Vec::new();
    for n in 1..=4 {
        match dispatch(&write(n)) {
            Dispatched::Exchange(exchange) => begun.push(exchange),
            other => panic!("expected an exchange, got {other:?}"),
        }
    }
    drop(store);
    // The first was published (renamed into place: its file and the marker made before it are
    // there), the second stopped just before the rename (both markers, no file), the third never got
    // as far as the publishing marker, the fourth never began.
    let req = share.dir("req");
    let marker =
        |n: usize, stage: &str| req.join(format!(".onshi-exchange-{}.{stage}", begun[n].id));
    std::fs::write(
        req.join(format!("{}.xml", begun[0].name)),
        &begun[0].message,
    )
    .expect("file");
    std::fs::write(marker(0, "publishing"), b"").expect("marker");
    std::fs::write(marker(1, "writing"), &begun[1].message).expect("marker");
    std::fs::write(marker(1, "publishing"), b"").expect("marker");
    std::fs::write(marker(2, "writing"), &begun[2].message).expect("marker");
    let ledger = national_side(&share.root, always(Plan::answer("siimm01res.xml", &[])));
    let run = reopened(options(&share), &token);
    for n in 1..=4u32 {
        let request = || {
            xml(
                "/onshi/v1/reference-numbers",
                &token,
                Some(&format!("outbox-half-{n}")),
                registration(&format!("K-7{n}"), 10070 + n),
            )
        };
        let mut answer = send(&run.app, request()).await;
        for _ in 0..10 {
            if answer.status != StatusCode::CONFLICT {
                break;
            }
            answer = send(&run.app, request()).await;
        }
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "write {n}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        assert_eq!(
            national::value_of(&answer.body, "ReferenceNumber"),
            Some(format!("K-7{n}"))
        );
    }
    let counts = share::taken_by(&ledger, "ReferenceNumber");
    assert_eq!(
        counts.values().copied().collect::<Vec<_>>(),
        [1, 1, 1, 1],
        "one request file per write: {counts:?}"
    );
    assert!(
        share
            .files("req")
            .iter()
            .all(|f| !f.starts_with(".onshi-exchange-")),
        "the markers are gone: {:?}",
        share.files("req")
    );
}

/// However the share publishes a request file — a hard link, or where it cannot link an exclusive
/// create — a name is written once: of many writers of one name at once exactly one succeeds, its
/// bytes are the file's, the others are told the name is taken and leave nothing behind, and a name
/// whose answer another writer's request already has is not taken either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_name_is_written_once_however_many_write_it_at_once() {
    use onshi_server::bridge::{Bridge, Publish, WriteError};
    for publish in [Publish::Rename, Publish::Link, Publish::CreateNew] {
        let share = Share::new("publish");
        let bridge = Arc::new(
            Bridge::open(&share.root, timing(), &share.root.join("kept"))
                .expect("a share")
                .publishing(publish),
        );
        let name = "OQSsiquc01req_202612070001";
        let mut writers = Vec::new();
        for id in 1..=20u64 {
            let bridge = Arc::clone(&bridge);
            writers.push(tokio::spawn(async move {
                let bytes = format!("<XmlMsg>{id}</XmlMsg>").into_bytes();
                (id, bridge.write_request(id, name, &bytes).await)
            }));
        }
        let mut winners = Vec::new();
        for writer in writers {
            let (id, written) = writer.await.expect("ran");
            match written {
                Ok(()) => winners.push(id),
                Err(WriteError::Taken { .. }) => {
                    assert!(!bridge.may_be_published(id).await.expect("markers"));
                }
                Err(other) => panic!("{publish:?}: {other}"),
            }
        }
        assert_eq!(winners.len(), 1, "{publish:?}: {winners:?}");
        let winner = winners[0];
        assert_eq!(
            std::fs::read(share.dir("req").join(format!("{name}.xml"))).expect("the file"),
            format!("<XmlMsg>{winner}</XmlMsg>").into_bytes()
        );
        assert!(bridge.may_be_published(winner).await.expect("markers"));
        bridge.forget_marker(winner).await;
        assert_eq!(share.files("req"), [format!("{name}.xml")], "{publish:?}");
        // Another writer's answer under the next name: that name is not taken.
        std::fs::write(
            share.dir("res").join("OQSsiquc01res_202612070002.err"),
            b"theirs",
        )
        .expect("an answer");
        assert!(matches!(
            bridge
                .write_request(30, "OQSsiquc01req_202612070002", b"<XmlMsg/>")
                .await,
            Err(WriteError::Taken { .. })
        ));
        assert_eq!(share.files("req"), [format!("{name}.xml")]);
    }
}

/// A share whose files of a prefix the terminal encrypts is recognised by the stated rule (a file
/// that does not start with `<` and is not text): every file of the prefix must look so, so one
/// readable result clears the prefix, and other prefixes are judged apart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_share_whose_files_are_encrypted_is_recognised_by_prefix() {
    use onshi_server::bridge::Bridge;
    let share = Share::new("encrypted");
    let bridge = Bridge::open(&share.root, timing(), &share.root.join("kept")).expect("a share");
    let face = share.dir("face");
    std::fs::write(
        face.join("OQSsiquc01res_face_a_20261207090000.xml"),
        fixture("face-encrypted.bin"),
    )
    .expect("a face file");
    std::fs::write(
        face.join("OQSsiquc01res_face_b_20261207090100.xml"),
        fixture("face-encrypted.bin"),
    )
    .expect("a face file");
    assert_eq!(
        bridge.encrypted_prefixes("face").await.expect("read"),
        ["OQSsiquc01res_face"]
    );
    // One file that reads (or is only another encoding) is enough to say the prefix is not encrypted.
    std::fs::write(
        face.join("OQSsiquc01res_face_c_20261207090200.xml"),
        fixture("face-sjis-declared-utf8.xml"),
    )
    .expect("a face file");
    assert!(
        bridge
            .encrypted_prefixes("face")
            .await
            .expect("read")
            .is_empty()
    );
    let res = share.dir("res");
    std::fs::write(
        res.join("YZKsiquc01res_202612070001.xml"),
        fixture("face-encrypted.bin"),
    )
    .expect("an answer");
    std::fs::write(
        res.join("OQSsiquc01res_202612070001.xml"),
        fixture("siquc01res-taro.xml"),
    )
    .expect("an answer");
    assert_eq!(
        bridge.encrypted_prefixes("res").await.expect("read"),
        ["YZKsiquc01res"]
    );
}
