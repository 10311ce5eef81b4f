//! The folder bridge against a test double of the national side (issue 4 item 3; decisions.md D3):
//! the double watches a temporary share's `req/` and answers from hand-written fixture files (never
//! our own encoders), slowly, with an error file, or not at all.

use std::{
    path::{Path, PathBuf},
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
    endpoint::Endpoint,
    start::{self, Mode, Options, StartError},
};
use serde_json::json;

/// A temporary 資格確認端末 share with req, res and face, removed afterwards.
mod support;

struct Share {
    root: PathBuf,
}

impl Share {
    fn new(name: &str) -> Share {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_nanos();
        let root = std::env::temp_dir().join(format!(
            "onshi-bridge-{name}-{}-{nanos}",
            std::process::id()
        ));
        for dir in ["req", "res", "face"] {
            std::fs::create_dir_all(root.join(dir)).expect("a temporary folder");
        }
        Share { root }
    }

    fn database(&self) -> PathBuf {
        self.root.join("onshi.db")
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../onshi-core/tests/fixtures/wire")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// How the double answers each request it finds.
#[derive(Clone)]
enum Behaviour {
    /// Writes the result file in two steps, the second a little later (so a reader that does not
    /// wait for two agreeing reads would take half a file).
    Answer(Vec<u8>),
    /// Writes an error file (Shift_JIS, as the terminal does).
    Error(&'static str),
    /// Never answers.
    Silent,
}

/// The requests the double saw, by file name.
type Seen = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// Plays the national side on `root` until the test ends.
fn national_side(root: &Path, behaviour: Behaviour) -> Seen {
    let seen: Seen = Arc::default();
    let root = root.to_owned();
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        loop {
            if let Ok(mut entries) = tokio::fs::read_dir(root.join("req")).await {
                while let Ok(Some(entry)) = entries.next_entry().await {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    let known = log
                        .lock()
                        .expect("the log")
                        .iter()
                        .any(|(seen, _)| *seen == name);
                    if name.starts_with('.') || !name.ends_with(".xml") || known {
                        continue;
                    }
                    let bytes = tokio::fs::read(entry.path()).await.unwrap_or_default();
                    log.lock().expect("the log").push((name.clone(), bytes));
                    let stem = name.trim_end_matches(".xml").replacen("req", "res", 1);
                    match &behaviour {
                        Behaviour::Answer(answer) => {
                            let path = root.join("res").join(format!("{stem}.xml"));
                            let half = answer.len() / 2;
                            let _ = tokio::fs::write(&path, &answer[..half]).await;
                            tokio::time::sleep(Duration::from_millis(300)).await;
                            let _ = tokio::fs::write(&path, answer).await;
                        }
                        Behaviour::Error(text) => {
                            let bytes = encoding_rs::SHIFT_JIS.encode(text).0.into_owned();
                            let path = root.join("res").join(format!("{stem}.err"));
                            let _ = tokio::fs::write(&path, bytes).await;
                        }
                        Behaviour::Silent => {}
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    seen
}

fn timing() -> Timing {
    Timing {
        answer_within: Duration::from_secs(2),
        poll: Duration::from_millis(50),
        settle: Duration::from_millis(100),
    }
}

fn options(share: &Share) -> Options {
    Options {
        database: Some(share.database()),
        institution: Some(("1234567897".to_owned(), "テスト医療機関".to_owned())),
        password_cost: HashCost::CHEAP,
        ..Options::new(Mode::Bridge {
            share: share.root.clone(),
            timing: timing(),
        })
    }
}

fn app(endpoint: Arc<Endpoint>) -> Router {
    support::app(Some(endpoint), &[])
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let answer = support::send(app, request).await;
    (answer.status, answer.body)
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

/// Opens a first-run endpoint and signs its master account in with a changed password.
async fn signed_in(share: &Share) -> (Router, Arc<Endpoint>, String) {
    let opened = start::open(options(share)).expect("opens");
    let initial = opened
        .master_password
        .expect("a first run shows the password");
    let endpoint = Arc::new(opened.endpoint);
    let app = app(Arc::clone(&endpoint));
    let (status, body) = send(
        &app,
        json_request(
            "POST",
            "/onshi/v1/session",
            None,
            json!({"user_id": "master", "password": initial}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let signed_in: SignedIn = serde_json::from_slice(&body).expect("signed in");
    assert!(signed_in.must_change_password);
    let (status, _) = send(
        &app,
        json_request(
            "PUT",
            "/onshi/v1/session/password",
            Some(&signed_in.token),
            json!({"current": initial, "new": "Clinic*2026*ok"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    (app, endpoint, signed_in.token)
}

fn inquiry(token: &str) -> Request<Body> {
    Request::post("/onshi/v1/qualifications")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/xml")
        .body(Body::from(fixture("siquc01req-kokuho-sjis.xml")))
        .expect("request")
}

/// Today's request name prefix, as the bridge names files (Tokyo date).
fn today_prefix(prefix: &str) -> String {
    let now = onshi_server::endpoint::Clock::default().now();
    format!("{prefix}_{}", now.jst().format("%Y%m%d"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inquiry_is_answered_from_the_result_file_once_it_is_whole() {
    let share = Share::new("answer");
    let answer = fixture("siquc01res-face-sjis.xml");
    let seen = national_side(&share.root, Behaviour::Answer(answer.clone()));
    let (app, _, token) = signed_in(&share).await;

    let (status, body) = send(&app, inquiry(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, answer, "the whole file, passed on byte for byte");
    let requests = seen.lock().expect("the log").clone();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].0,
        format!("{}0001.xml", today_prefix("OQSsiquc01req"))
    );
    assert_eq!(requests[0].1, fixture("siquc01req-kokuho-sjis.xml"));

    let (_, history) = send(&app, get("/onshi/v1/qualifications", &token)).await;
    let history: HistoryPage = serde_json::from_slice(&history).expect("history");
    assert_eq!(history.total, 1);
    assert_eq!(history.items[0].login_id, "master");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_another_system_took_is_not_reused() {
    let share = Share::new("names");
    let taken = format!("{}0001", today_prefix("OQSsiquc01req"));
    std::fs::write(
        share.root.join("req").join(format!("{taken}.xml")),
        b"<XmlMsg/>",
    )
    .expect("another system's request");
    let seen = national_side(
        &share.root,
        Behaviour::Answer(fixture("siquc01res-taro.xml")),
    );
    let (app, _, token) = signed_in(&share).await;
    assert_eq!(send(&app, inquiry(&token)).await.0, StatusCode::OK);
    let ours: Vec<String> = seen
        .lock()
        .expect("the log")
        .iter()
        .map(|(name, _)| name.clone())
        .filter(|name| name != &format!("{taken}.xml"))
        .collect();
    assert_eq!(ours, [format!("{}0002.xml", today_prefix("OQSsiquc01req"))]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_file_is_a_national_error_and_silence_a_timeout() {
    let share = Share::new("error");
    national_side(
        &share.root,
        Behaviour::Error("EQ0001 資格確認端末でエラーが発生しました"),
    );
    let (app, _, token) = signed_in(&share).await;
    let (status, body) = send(&app, inquiry(&token)).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    let problem: Problem = serde_json::from_slice(&body).expect("a problem");
    assert_eq!(problem.code, "national_error");
    assert_eq!(
        problem.detail.as_deref(),
        Some("EQ0001 資格確認端末でエラーが発生しました")
    );

    let quiet = Share::new("silent");
    national_side(&quiet.root, Behaviour::Silent);
    let (app, _, token) = signed_in(&quiet).await;
    let started = std::time::Instant::now();
    let (status, body) = send(&app, inquiry(&token)).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert!(started.elapsed() >= Duration::from_secs(2));
    let problem: Problem = serde_json::from_slice(&body).expect("a problem");
    assert_eq!(problem.code, "national_timeout");
    let (_, history) = send(&app, get("/onshi/v1/qualifications", &token)).await;
    let history: HistoryPage = serde_json::from_slice(&history).expect("history");
    assert_eq!(history.total, 0, "nothing recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_face_file_becomes_a_qualification_event_once() {
    let share = Share::new("face");
    let (app, endpoint, token) = signed_in(&share).await;
    tokio::spawn(Arc::clone(&endpoint).watch_faces());
    let name = "OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20261122090000.xml";
    std::fs::write(
        share.root.join("face").join(name),
        fixture("face-synthetic-capture.xml"),
    )
    .expect("a face file");
    let mut events = EventsPage {
        events: Vec::new(),
        last_id: 0,
    };
    for _ in 0..50 {
        let (_, body) = send(&app, get("/onshi/v1/events?after=0", &token)).await;
        events = serde_json::from_slice(&body).expect("events");
        if !events.events.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        events.events.len(),
        1,
        "the face result arrived as an event"
    );
    assert_eq!(events.events[0].data["history_id"], 1);
    // A restart reads the folder again but records nothing twice.
    drop(app);
    drop(endpoint);
    let reopened = Arc::new(start::open(options(&share)).expect("reopens").endpoint);
    tokio::spawn(Arc::clone(&reopened).watch_faces());
    tokio::time::sleep(Duration::from_millis(600)).await;
    let app = self::app(reopened);
    let (_, body) = send(&app, get("/onshi/v1/events?after=0", &token)).await;
    let events: EventsPage = serde_json::from_slice(&body).expect("events");
    assert_eq!(events.events.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_loses_nothing_and_databases_stay_apart() {
    let share = Share::new("restart");
    let (app, endpoint, token) = signed_in(&share).await;
    drop(app);
    drop(endpoint);
    // The same database opens again with its accounts and session, and no first run.
    let reopened = start::open(options(&share)).expect("reopens");
    assert!(reopened.master_password.is_none());
    let app = self::app(Arc::new(reopened.endpoint));
    let (status, _) = send(&app, get("/onshi/v1/qualifications", &token)).await;
    assert_eq!(status, StatusCode::OK, "the session survived the restart");

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
