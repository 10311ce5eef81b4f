//! The fault-injection suite: a seeded mix of faults over every write the app queues — 照会番号
//! registrations, single and bulk (decisions.md D4) — and over keyed inquiries, which add to
//! history and so show any doubling. The real `onshi-server` runs in bridge mode on a temporary
//! share; the fake national side of `share` answers from hand-written templates.
//!
//! Faults, each counted by kind:
//! - on the way between the app and the endpoint: a client deadline that runs out (`timeout`), a
//!   connection dropped once the answer's head has come (`dropped`), a gateway's 503 in place of the
//!   answer (`gateway_5xx`), an answer garbled on the way (`malformed`);
//! - the endpoint killed (SIGKILL) and started again on the same database and share (`killed`);
//! - on the national side: an answer after the endpoint's national timeout (`late`), answers in
//!   another order than the requests (`out_of_order`), an answer written twice (`twice`), a request
//!   file never taken (`never`), an answer written in two parts (`torn`), an error file (`error`).
//!
//! Each write is sent the way the app's outbox sends it — kept, sent with its `Idempotency-Key`,
//! sent again under the same key until [`client::delivery`] says the endpoint answered (the same
//! function the outbox uses) — but without the outbox's pauses. Afterwards the suite counts, per
//! write, what the national side acted on, what the endpoint's database holds, and what the app was
//! told: lost writes, writes doubled in the store and request files doubled toward the national side
//! must all be 0.
//!
//! `ONSHI_FAULTS` sets how many faults to inject (default 200, the test command's bounded form);
//! `scripts/bench faults` runs 1,000. `ONSHI_FAULTS_SEED` sets the seed. The figures are printed
//! and written to `target/test-logs/faults.md`.

use std::{
    collections::BTreeMap,
    io::BufRead,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering},
        mpsc,
    },
    time::{Duration, Instant},
};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use onshi_core::{
    client::{self, Delivery},
    contract::{Headers, Request, Response, session::SignedIn},
    random::{SeededRandom, index},
};
use share::{Plan, Share, national};

mod share;

/// The endpoint's national timeout here, in seconds: short, so that late answers cost little.
const NATIONAL_TIMEOUT: f64 = 0.6;
/// How many writes are sent at once (the app's terminals and their outboxes).
const WORKERS: usize = 8;
/// After this many attempts a write counts as unresolved (never answered).
const MAX_ATTEMPTS: u32 = 400;

// ---------------------------------------------------------------------------------------------------
// The seeded choices and the counts.

/// The suite's seeded source, shared by the workers, the national side and the killer.
#[derive(Clone)]
struct Dice(Arc<Mutex<SeededRandom>>);

impl Dice {
    fn new(seed: u64) -> Dice {
        Dice(Arc::new(Mutex::new(SeededRandom::new(seed))))
    }

    /// A uniform number in `0..n`.
    fn below(&self, n: usize) -> usize {
        index(&mut *self.0.lock().expect("the dice"), n)
    }

    /// True with probability `percent` in 100.
    fn chance(&self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn millis(&self, from: u64, to: u64) -> Duration {
        let span = usize::try_from(to - from).unwrap_or(0);
        Duration::from_millis(from + self.below(span.max(1)) as u64)
    }
}

/// Faults injected so far, by kind, and whether injecting goes on.
#[derive(Clone)]
struct Faults {
    counts: Arc<Mutex<BTreeMap<&'static str, u64>>>,
    total: Arc<AtomicU64>,
    target: u64,
    active: Arc<AtomicBool>,
}

impl Faults {
    fn new(target: u64) -> Faults {
        Faults {
            counts: Arc::default(),
            total: Arc::default(),
            target,
            active: Arc::new(AtomicBool::new(true)),
        }
    }

    fn active(&self) -> bool {
        self.active.load(Ordering::SeqCst)
    }

    /// Counts one fault of `kind`; once the target is reached, injecting stops and the writes still
    /// on their way are drained without faults.
    fn count(&self, kind: &'static str) {
        *self
            .counts
            .lock()
            .expect("the counts")
            .entry(kind)
            .or_insert(0) += 1;
        if self.total.fetch_add(1, Ordering::SeqCst) + 1 >= self.target {
            self.active.store(false, Ordering::SeqCst);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// The endpoint, as a process that can be killed.

struct Server {
    child: Child,
    port: u16,
    args: Vec<String>,
    log: PathBuf,
}

impl Server {
    /// Starts the endpoint's first run; returns it and master's initial password.
    fn first_run(share: &Share) -> (Server, String) {
        let app_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app");
        let args = vec![
            "--app-dir".to_owned(),
            app_dir.display().to_string(),
            "--bridge".to_owned(),
            share.root.display().to_string(),
            "--database".to_owned(),
            share.database().display().to_string(),
            "--institution-code".to_owned(),
            "1234567897".to_owned(),
            "--institution-name".to_owned(),
            "障害試験医療機関".to_owned(),
            "--national-timeout".to_owned(),
            NATIONAL_TIMEOUT.to_string(),
            "--share-poll-ms".to_owned(),
            "20".to_owned(),
        ];
        let log = share.root.join("server.log");
        let (child, port, password) = spawn(&args, 0, &log);
        let server = Server {
            child,
            port,
            args,
            log,
        };
        (
            server,
            password.expect("a first run prints master's password"),
        )
    }

    /// Kills the endpoint (no shutdown: SIGKILL) and starts it again on the same port.
    fn kill_and_restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (child, port, _) = spawn(&self.args, self.port, &self.log);
        assert_eq!(port, self.port);
        self.child = child;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `onshi-server` and waits for the line with its address; returns the process, its port and
/// the initial password a first run prints.
fn spawn(args: &[String], port: u16, log: &PathBuf) -> (Child, u16, Option<String>) {
    let stderr = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("the server's log");
    // Waited for when it is killed (`Server::kill_and_restart`, `Drop`).
    #[allow(clippy::zombie_processes)]
    let mut child = Command::new(env!("CARGO_BIN_EXE_onshi-server"))
        .args(args)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("onshi-server starts");
    let stdout = child.stdout.take().expect("stdout");
    let (lines, read) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if lines.send(line).is_err() {
                // Nobody listens any more: keep draining so the server never blocks on its pipe.
                continue;
            }
        }
    });
    let mut password = None;
    loop {
        let line = read
            .recv_timeout(Duration::from_secs(20))
            .expect("onshi-server prints its address");
        if let Some(rest) = line.split("initial password ").nth(1) {
            password = rest.split(' ').next().map(str::to_owned);
        }
        if let Some(address) = line.split("on http://127.0.0.1:").nth(1) {
            let port = address.trim().parse().expect("a port");
            return (child, port, password);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// One attempt over HTTP, with a fault on the way.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HttpFault {
    None,
    Timeout(Duration),
    Dropped,
    Gateway5xx,
    Malformed,
}

/// Sends `request` on a connection of its own; `None` when no answer came back.
async fn attempt(port: u16, request: &Request, fault: HttpFault) -> Option<Response> {
    let deadline = match fault {
        HttpFault::Timeout(after) => after,
        _ => Duration::from_secs(10),
    };
    let sent = tokio::time::timeout(deadline, async {
        let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .ok()?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .ok()?;
        let driver = tokio::spawn(connection);
        let mut builder = hyper::Request::builder()
            .method(request.method.as_str())
            .uri(&request.target)
            .header("host", format!("127.0.0.1:{port}"));
        for (name, value) in request.headers.iter() {
            builder = builder.header(name, value);
        }
        let http = builder
            .body(Full::new(Bytes::from(request.body.clone())))
            .ok()?;
        let answer = sender.send_request(http).await.ok();
        let Some(answer) = answer else {
            driver.abort();
            return None;
        };
        if fault == HttpFault::Dropped {
            // The answer's head came; the connection goes before its body is read.
            driver.abort();
            return None;
        }
        let status = answer.status().as_u16();
        let mut headers = Headers::new();
        for (name, value) in answer.headers() {
            if let Ok(value) = value.to_str() {
                headers.append(name.as_str(), value);
            }
        }
        let body = answer.into_body().collect().await.ok()?.to_bytes().to_vec();
        driver.abort();
        Some(Response {
            status,
            headers,
            body,
        })
    })
    .await
    .ok()
    .flatten()?;
    Some(match fault {
        HttpFault::Gateway5xx => Response {
            status: 503,
            headers: Headers::new(),
            body: b"<html>Service Unavailable</html>".to_vec(),
        },
        HttpFault::Malformed => Response {
            body: sent.body[..sent.body.len() / 2].to_vec(),
            ..sent
        },
        _ => sent,
    })
}

// ---------------------------------------------------------------------------------------------------
// The writes, and the outbox that sends them.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WriteKind {
    Registration,
    BulkRegistration,
    Inquiry,
}

/// One write: its kind, its key, its request, and the value that marks it in request files.
struct Write {
    kind: WriteKind,
    key: String,
    request: Request,
    marker: String,
}

fn write(n: u32, token: &str) -> Write {
    let kind = match n % 3 {
        0 => WriteKind::Registration,
        1 => WriteKind::BulkRegistration,
        _ => WriteKind::Inquiry,
    };
    let card = 50000 + n;
    // A single registration and a bulk one of one unit carry the same body.
    let registration = |marker: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg><MessageHeader>\
             <MedicalInstitutionCode>1234567897</MedicalInstitutionCode></MessageHeader><MessageBody>\
             <ReferenceNumberRegistrationInfo><ReferenceNumber>{marker}</ReferenceNumber>\
             <InsurerNumber>06139000</InsurerNumber><InsuredIdentificationNumber>{card}</InsuredIdentificationNumber>\
             <InsuredBranchNumber>01</InsuredBranchNumber></ReferenceNumberRegistrationInfo></MessageBody></XmlMsg>"
        )
        .into_bytes()
    };
    let (request, marker) = match kind {
        WriteKind::Registration => {
            let marker = format!("F-{n:05}");
            (
                client::register_reference(token, registration(&marker)),
                marker,
            )
        }
        WriteKind::BulkRegistration => {
            let marker = format!("B-{n:05}");
            let upload = client::bulk_submit(token, "reference-numbers", registration(&marker));
            (upload, marker)
        }
        WriteKind::Inquiry => {
            let marker = card.to_string();
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg><MessageHeader>\
                 <QualificationConfirmationDate>20261207</QualificationConfirmationDate>\
                 <MedicalInstitutionCode>1234567897</MedicalInstitutionCode></MessageHeader><MessageBody>\
                 <QualificationConfirmSearchInfo><InsurerNumber>06139000</InsurerNumber>\
                 <InsuredIdentificationNumber>{card}</InsuredIdentificationNumber>\
                 <InsuredBranchNumber>01</InsuredBranchNumber><Birthdate>19600101</Birthdate>\
                 <LimitApplicationCertificateRelatedConsFlg>0</LimitApplicationCertificateRelatedConsFlg>\
                 </QualificationConfirmSearchInfo></MessageBody></XmlMsg>"
            );
            (client::inquire(token, body.into_bytes()), marker)
        }
    };
    let key = format!("fault-{n:05}");
    let mut request = client::with_idempotency_key(request, &key);
    request.headers.set("Onshi-Original-User", "master");
    Write {
        kind,
        key,
        request,
        marker,
    }
}

/// What became of a write: its final answer (none if it never came) and how many attempts it took.
struct Outcome {
    kind: WriteKind,
    key: String,
    marker: String,
    answer: Option<Response>,
    attempts: u32,
    /// The last status seen, for a write never answered.
    last: Option<u16>,
}

/// Sends a write as the outbox does until the endpoint answers it.
async fn deliver(port: u16, write: Write, dice: &Dice, faults: &Faults) -> Outcome {
    let mut attempts = 0;
    let mut last = None;
    let answer = loop {
        attempts += 1;
        if attempts > MAX_ATTEMPTS {
            break None;
        }
        let fault = if faults.active() && dice.chance(30) {
            match dice.below(4) {
                0 => {
                    faults.count("timeout");
                    HttpFault::Timeout(dice.millis(5, 400))
                }
                1 => {
                    faults.count("dropped");
                    HttpFault::Dropped
                }
                2 => {
                    faults.count("gateway_5xx");
                    HttpFault::Gateway5xx
                }
                _ => {
                    faults.count("malformed");
                    HttpFault::Malformed
                }
            }
        } else {
            HttpFault::None
        };
        if let Some(response) = attempt(port, &write.request, fault).await {
            last = Some(response.status);
            if client::delivery(&write.request, &response) == Delivery::Answered {
                break Some(response);
            }
        }
        // Sent again under the same key; the app's outbox waits longer between attempts.
        tokio::time::sleep(dice.millis(20, 120)).await;
    };
    Outcome {
        kind: write.kind,
        key: write.key,
        marker: write.marker,
        answer,
        attempts,
        last,
    }
}

// ---------------------------------------------------------------------------------------------------
// The national side's plan, with its faults.

/// What the fake national side did with the files of each write (by its marker): taken files, and
/// those of them it answered with an error file (which the national side never acted on).
#[derive(Default)]
struct NationalLedger {
    taken: BTreeMap<String, u32>,
    refused: BTreeMap<String, u32>,
    /// The reception numbers it gave each bulk upload.
    receptions: BTreeMap<String, Vec<String>>,
}

fn planner(dice: Dice, faults: Faults, ledger: Arc<Mutex<NationalLedger>>) -> share::Planner {
    let receptions = Arc::new(AtomicU32::new(0));
    Arc::new(move |name: &str, bytes: &[u8]| {
        let (template, marker_element) = if name.starts_with("OQSsiimm01req") {
            ("siimm01res.xml", "ReferenceNumber")
        } else if name.starts_with("OQSmuimm01req") {
            ("mu01res.xml", "ReferenceNumber")
        } else {
            ("siquc01res.xml", "InsuredIdentificationNumber")
        };
        let marker = national::value_of(bytes, marker_element).unwrap_or_default();
        let mut given: Vec<(String, String)> = Vec::new();
        if template == "mu01res.xml" {
            let number = format!(
                "20261207{:06}",
                receptions.fetch_add(1, Ordering::SeqCst) + 1
            );
            let mut ledger = ledger.lock().expect("the ledger");
            ledger
                .receptions
                .entry(marker.clone())
                .or_default()
                .push(number.clone());
            given.push(("ReceptionNumber".to_owned(), number));
        }
        given.push(("Name".to_owned(), format!("障害　{marker}")));
        let answer = |delay: Duration, torn: bool, twice: bool| Plan::Answer {
            template: national::template(template),
            given: given.clone(),
            delay,
            torn,
            twice,
        };
        let timeout = Duration::from_secs_f64(NATIONAL_TIMEOUT);
        let plan = if faults.active() && dice.chance(35) {
            match dice.below(6) {
                0 => {
                    faults.count("late");
                    answer(timeout + dice.millis(100, 1200), false, false)
                }
                1 => {
                    faults.count("out_of_order");
                    answer(dice.millis(0, 500), false, false)
                }
                2 => {
                    faults.count("twice");
                    answer(Duration::ZERO, false, true)
                }
                3 => {
                    faults.count("never");
                    Plan::Ignore
                }
                4 => {
                    faults.count("torn");
                    answer(Duration::ZERO, true, false)
                }
                _ => {
                    faults.count("error");
                    Plan::Error {
                        text: "EQ9999 資格確認端末で処理できませんでした".to_owned(),
                        delay: Duration::ZERO,
                    }
                }
            }
        } else {
            answer(Duration::ZERO, false, false)
        };
        if !matches!(plan, Plan::Ignore) {
            let mut ledger = ledger.lock().expect("the ledger");
            *ledger.taken.entry(marker.clone()).or_insert(0) += 1;
            if matches!(plan, Plan::Error { .. }) {
                *ledger.refused.entry(marker).or_insert(0) += 1;
            }
        }
        plan
    })
}

// ---------------------------------------------------------------------------------------------------
// The run and its figures.

/// The run's figures.
struct Figures {
    faults: BTreeMap<&'static str, u64>,
    writes: usize,
    attempts: u64,
    unresolved: usize,
    lost: usize,
    doubled_in_store: usize,
    doubled_to_national: usize,
    elapsed: Duration,
    seed: u64,
}

impl Figures {
    fn markdown(&self) -> String {
        let mut text = format!(
            "Fault-injection run (seed {}): {} faults over {} writes ({} attempts) in {:.1} s\n\n\
             | fault | count |\n|---|---:|\n",
            self.seed,
            self.faults.values().sum::<u64>(),
            self.writes,
            self.attempts,
            self.elapsed.as_secs_f64()
        );
        for (kind, count) in &self.faults {
            text.push_str(&format!("| {kind} | {count} |\n"));
        }
        text.push_str(&format!(
            "\n| outcome | count |\n|---|---:|\n| writes never answered | {} |\n| lost writes | {} |\n\
             | writes doubled in the store | {} |\n| request files doubled toward the national side | {} |\n",
            self.unresolved, self.lost, self.doubled_in_store, self.doubled_to_national
        ));
        text
    }
}

async fn answered(port: u16, request: &Request) -> Response {
    attempt(port, request, HttpFault::None)
        .await
        .expect("the endpoint answers")
}

async fn run(target: u64, seed: u64) -> Figures {
    let started = Instant::now();
    let share = Share::new("faults");
    let (server, initial) = Server::first_run(&share);
    let port = server.port;
    let signed_in = answered(port, &client::sign_in("master", &initial, true)).await;
    let token = client::expect_json::<SignedIn>(&signed_in, 201)
        .expect("signed in")
        .token;
    let changed = answered(
        port,
        &client::change_password(&token, &initial, "Faults*2026*ok"),
    )
    .await;
    assert_eq!(changed.status, 204);

    let dice = Dice::new(seed);
    let faults = Faults::new(target);
    let ledger: Arc<Mutex<NationalLedger>> = Arc::default();
    share::national_side(
        &share.root,
        planner(dice.clone(), faults.clone(), Arc::clone(&ledger)),
    );

    // The killer: the endpoint killed and started again now and then while faults are injected.
    let server = Arc::new(Mutex::new(server));
    let killer = {
        let (dice, faults, server) = (dice.clone(), faults.clone(), Arc::clone(&server));
        tokio::spawn(async move {
            while faults.active() {
                tokio::time::sleep(dice.millis(300, 1500)).await;
                if !faults.active() {
                    break;
                }
                let server = Arc::clone(&server);
                tokio::task::spawn_blocking(move || {
                    server.lock().expect("the server").kill_and_restart();
                })
                .await
                .expect("restarted");
                faults.count("killed");
            }
        })
    };

    // The terminals: each sends one write after another while faults are injected.
    let next = Arc::new(AtomicU32::new(0));
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (dice, faults, next, token) = (
            dice.clone(),
            faults.clone(),
            Arc::clone(&next),
            token.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            while faults.active() {
                let n = next.fetch_add(1, Ordering::SeqCst) + 1;
                outcomes.push(deliver(port, write(n, &token), &dice, &faults).await);
            }
            outcomes
        }));
    }
    let mut outcomes = Vec::new();
    for worker in workers {
        outcomes.extend(worker.await.expect("the worker ran"));
    }
    killer.await.expect("the killer stopped");
    let elapsed = started.elapsed();

    // Late answers may still be on their way for writes already told; none is waited for, since
    // every write above ended only once its answer was recorded and replayed.
    drop(server);
    let database = rusqlite::Connection::open_with_flags(
        share.database(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("the database opens");
    let ledger = ledger.lock().expect("the ledger");
    let mut figures = Figures {
        faults: faults.counts.lock().expect("the counts").clone(),
        writes: outcomes.len(),
        attempts: outcomes.iter().map(|o| u64::from(o.attempts)).sum(),
        unresolved: 0,
        lost: 0,
        doubled_in_store: 0,
        doubled_to_national: 0,
        elapsed,
        seed,
    };
    for outcome in &outcomes {
        let taken = ledger.taken.get(&outcome.marker).copied().unwrap_or(0);
        let refused = ledger.refused.get(&outcome.marker).copied().unwrap_or(0);
        // The request files the national side acted on (an error file means it did not).
        let acted = taken - refused;
        if acted > 1 {
            figures.doubled_to_national += 1;
        }
        let stored = stored(&database, outcome, &ledger);
        if stored > 1 {
            figures.doubled_in_store += 1;
        }
        let Some(answer) = &outcome.answer else {
            figures.unresolved += 1;
            let exchanges: Vec<String> = database
                .prepare(
                    "SELECT record FROM exchanges WHERE json_extract(record, '$.idempotency_key') = ?1",
                )
                .and_then(|mut statement| {
                    statement
                        .query_map([&outcome.key], |row| row.get::<_, String>(0))?
                        .collect()
                })
                .unwrap_or_default();
            eprintln!(
                "never answered: {:?} {} (last: {:?}); its exchanges: {exchanges:?}",
                outcome.kind, outcome.marker, outcome.last
            );
            continue;
        };
        // Told it was done, the endpoint must hold it and the national side have acted on it; told
        // to check (a refused answer), staff know. Anything else is a lost write.
        let told_done = answer.status == 200;
        let told_to_check = answer.status == 502;
        let kept = stored == 1 && acted == 1;
        if !(told_done && kept || told_to_check) {
            eprintln!(
                "lost: {:?} {} answered {} (acted on {acted}, stored {stored})",
                outcome.kind, outcome.marker, answer.status
            );
            figures.lost += 1;
        }
    }
    figures
}

/// How many times the endpoint's database holds a write: its registration, its bulk job, or its
/// history entry — or, where more than one, the answers it recorded under the write's key.
fn stored(database: &rusqlite::Connection, outcome: &Outcome, ledger: &NationalLedger) -> usize {
    let count = |sql: &str, value: &str| -> usize {
        database
            .query_row(sql, [value], |row| row.get::<_, i64>(0))
            .map_or(0, |n| usize::try_from(n).unwrap_or(0))
    };
    let answers = count(
        "SELECT COUNT(*) FROM exchanges WHERE json_extract(record, '$.idempotency_key') = ?1 \
         AND json_extract(record, '$.state.outcome') = 'answered'",
        &outcome.key,
    );
    let rows = match outcome.kind {
        WriteKind::Registration => count(
            "SELECT COUNT(*) FROM card_references WHERE json_extract(record, '$.reference_number') = ?1",
            &outcome.marker,
        ),
        WriteKind::BulkRegistration => {
            ledger.receptions.get(&outcome.marker).map_or(0, |numbers| {
                numbers
                    .iter()
                    .map(|n| {
                        count(
                            "SELECT COUNT(*) FROM bulk_jobs WHERE reception_number = ?1",
                            n,
                        )
                    })
                    .sum()
            })
        }
        WriteKind::Inquiry => count(
            "SELECT COUNT(*) FROM history WHERE json_extract(record, '$.number') = ?1",
            &outcome.marker,
        ),
    };
    rows.max(answers)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn regression_issue_14_under_a_seeded_mix_of_faults_no_write_is_lost_or_doubled() {
    let target: u64 = std::env::var("ONSHI_FAULTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let seed: u64 = std::env::var("ONSHI_FAULTS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(14);
    let figures = run(target, seed).await;
    let report = figures.markdown();
    println!("{report}");
    let logs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-logs");
    if std::fs::create_dir_all(&logs).is_ok() {
        let _ = std::fs::write(logs.join("faults.md"), &report);
    }
    assert!(figures.faults.values().sum::<u64>() >= target, "{report}");
    for kind in [
        "timeout",
        "dropped",
        "gateway_5xx",
        "malformed",
        "killed",
        "late",
        "out_of_order",
        "twice",
        "never",
        "torn",
        "error",
    ] {
        assert!(
            figures.faults.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} fault was injected: {report}"
        );
    }
    assert_eq!(figures.unresolved, 0, "{report}");
    assert_eq!(figures.lost, 0, "{report}");
    assert_eq!(figures.doubled_in_store, 0, "{report}");
    assert_eq!(figures.doubled_to_national, 0, "{report}");
}
