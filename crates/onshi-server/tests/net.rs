//! The network side of serving: the Host allow-list (421 `misdirected_request` on every route,
//! through the router and through the real serving loop), the header-read timeout, the connection
//! limit, graceful shutdown, and HTTPS with a certificate made at test time.
//!
//! Every wait here is for an explicit signal (an answer, a closed connection, the loop's load);
//! an outer timeout only turns a hang into a failure.

use std::{
    future::Future,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    path::{Path, PathBuf},
    process::Command,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
    routing::get,
};
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use onshi_core::contract::Problem;
use onshi_server::{
    ServeConfig,
    host::AllowedHosts,
    router,
    serve::{Limits, Load, Server},
    tls::{self, TlsError},
};
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::{oneshot, watch},
};
use tokio_rustls::{
    TlsConnector,
    rustls::{self, ClientConfig, RootCertStore, pki_types::ServerName},
};
use tower::ServiceExt;

mod support;

use support::training_endpoint;

/// How long any one wait may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(20);

async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, future)
        .await
        .unwrap_or_else(|_| panic!("{what}: no signal within {PATIENCE:?}"))
}

fn fixture_app_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app")
}

/// The hosts of a clinic's terminal: listening on 192.168.1.10, known as onshi-terminal.local.
fn clinic_hosts() -> AllowedHosts {
    AllowedHosts::new(
        IpAddr::V4(Ipv4Addr::new(192, 168, 1, 10)),
        &["onshi-terminal.local".to_owned()],
    )
    .expect("valid names")
}

/// The whole surface, the contract included, answering for `hosts`.
fn app(hosts: AllowedHosts) -> Router {
    router(
        &ServeConfig {
            app_dir: fixture_app_dir(),
            connect_src: Vec::new(),
            app_origins: Vec::new(),
            hosts,
        },
        Some(training_endpoint()),
    )
}

/// Hosts the clinic's terminal answers for, in the forms a request may name them.
const ALLOWED: &[&str] = &[
    "localhost",
    "localhost:8080",
    "LocalHost",
    "localhost.",
    "localhost.:8080",
    "127.0.0.1",
    "127.0.0.1:8080",
    "127.0.0.2",
    "[::1]",
    "[::1]:8080",
    "[0:0:0:0:0:0:0:1]:8080",
    "onshi-terminal.local",
    "ONSHI-Terminal.Local:443",
    "onshi-terminal.local.",
    "192.168.1.10",
    "192.168.1.10:8080",
];

/// Hosts it refuses: other sites (DNS rebinding), look-alikes, and malformed values.
const REFUSED: &[&str] = &[
    "evil.example",
    "evil.example:8080",
    "localhost.evil.example",
    "onshi-terminal.local.evil.example",
    "evilonshi-terminal.local",
    "192.168.1.11",
    "0.0.0.0",
    "[::ffff:127.0.0.1]",
    "::1",
    "[::1",
    "[::1]x",
    "[fe80::1%25eth0]",
    "127.1",
    "localhost:99999",
    "localhost:80:80",
    "user@localhost",
    "localhost..",
    "",
];

/// One request through the router without a socket.
async fn through_router(app: &Router, request: Request<Body>) -> support::Answer {
    support::send(app, request).await
}

fn assert_misdirected(answer: &support::Answer, what: &str) {
    assert_eq!(answer.status, StatusCode::MISDIRECTED_REQUEST, "{what}");
    let problem: Problem = answer.problem();
    assert_eq!(problem.code, "misdirected_request", "{what}");
    assert_eq!(problem.status, 421, "{what}");
}

#[tokio::test]
async fn the_host_allow_list_through_the_router() {
    let app = app(clinic_hosts());
    let check = async |host: &str, expected: StatusCode| {
        // The contract, the sign-in included, and the app's files alike.
        let requests = [
            Request::get("/onshi/v1/capabilities"),
            Request::get("/"),
            Request::get("/loader.js"),
            Request::get("/menu"),
        ];
        for request in requests {
            let request = request
                .header(header::HOST, host)
                .body(Body::empty())
                .expect("request");
            let path = request.uri().path().to_owned();
            let answer = through_router(&app, request).await;
            if expected == StatusCode::MISDIRECTED_REQUEST {
                assert_misdirected(&answer, &format!("{host:?} {path}"));
            } else {
                assert_eq!(answer.status, expected, "{host:?} {path}");
            }
        }
        let sign_in = Request::post("/onshi/v1/session")
            .header(header::HOST, host)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                r#"{"user_id":"002","password":"Onshi*002*002","force":true}"#,
            ))
            .expect("request");
        let answer = through_router(&app, sign_in).await;
        if expected == StatusCode::MISDIRECTED_REQUEST {
            assert_misdirected(&answer, &format!("{host:?} sign-in"));
        } else {
            assert_ne!(
                answer.status,
                StatusCode::MISDIRECTED_REQUEST,
                "{host:?} sign-in"
            );
        }
    };
    for host in ALLOWED {
        check(host, StatusCode::OK).await;
    }
    for host in REFUSED {
        check(host, StatusCode::MISDIRECTED_REQUEST).await;
    }
}

#[tokio::test]
async fn every_host_a_request_names_must_be_allowed() {
    let clinic = app(clinic_hosts());
    // No Host at all (HTTP/1.0): no browser sends that, so it is answered.
    let answer = through_router(
        &clinic,
        Request::get("/onshi/v1/capabilities")
            .version(axum::http::Version::HTTP_10)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    // Two Host fields.
    let answer = through_router(
        &clinic,
        Request::get("/onshi/v1/capabilities")
            .header(header::HOST, "localhost")
            .header(header::HOST, "evil.example")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_misdirected(&answer, "two Host fields");
    // An absolute target (or HTTP/2's :authority) naming another host than an allowed Host.
    let answer = through_router(
        &clinic,
        Request::get("http://evil.example/onshi/v1/capabilities")
            .header(header::HOST, "localhost")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_misdirected(&answer, "absolute target");
    let answer = through_router(
        &clinic,
        Request::get("http://onshi-terminal.local:8080/onshi/v1/capabilities")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    // Bytes that are not visible ASCII.
    let answer = through_router(
        &clinic,
        Request::get("/")
            .header(
                header::HOST,
                header::HeaderValue::from_bytes(b"l\xf6calhost").expect("obs-text is allowed"),
            )
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_misdirected(&answer, "obs-text Host");
    // A server that listens everywhere answers no address but loopback unless it is given names.
    let everywhere = app(AllowedHosts::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), &[]).expect("none"));
    for (host, expected) in [
        ("0.0.0.0", StatusCode::MISDIRECTED_REQUEST),
        ("192.168.1.10", StatusCode::MISDIRECTED_REQUEST),
        ("localhost:8080", StatusCode::OK),
    ] {
        let answer = through_router(
            &everywhere,
            Request::get("/onshi/v1/capabilities")
                .header(header::HOST, host)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        assert_eq!(answer.status, expected, "{host}");
    }
    // The router without a socket is the same service the loop serves.
    let answer = clinic
        .oneshot(
            Request::get("/")
                .header(header::HOST, "evil.example")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(answer.status(), StatusCode::MISDIRECTED_REQUEST);
}

/// A server running on 127.0.0.1:0 in this process, stopped by `stop`.
struct Running {
    address: SocketAddr,
    load: watch::Receiver<Load>,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<()>,
}

impl Running {
    async fn start(app: Router, limits: Limits, tls: Option<Arc<rustls::ServerConfig>>) -> Running {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let mut server = Server::new(listener, app, limits);
        if let Some(config) = tls {
            server = server.with_tls(config);
        }
        let address = server.local_addr().expect("bound");
        let load = server.load();
        let (stop, stopped) = oneshot::channel::<()>();
        let done = tokio::spawn(server.run(async move {
            let _ = stopped.await;
        }));
        Running {
            address,
            load,
            stop: Some(stop),
            done,
        }
    }

    /// Sends the shutdown signal and waits for the loop to finish.
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        within("the loop ends", &mut self.done)
            .await
            .expect("the loop does not panic");
    }
}

/// Reads until the peer closes the connection (or resets it); returns what came.
async fn read_to_close(stream: &mut (impl AsyncRead + Unpin)) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return received,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
        }
    }
}

/// The status code of a raw HTTP/1 answer.
fn status_of(answer: &[u8]) -> u16 {
    let text = String::from_utf8_lossy(answer);
    text.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"))
}

/// One raw request with `Connection: close`, answered in full.
async fn raw_request(
    stream: &mut (impl AsyncRead + AsyncWrite + Unpin),
    head: &str,
) -> (u16, String) {
    stream.write_all(head.as_bytes()).await.expect("writes");
    let answer = read_to_close(stream).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    (status_of(&answer), text)
}

#[tokio::test]
async fn the_host_allow_list_through_the_serving_loop() {
    let server = Running::start(app(clinic_hosts()), Limits::default(), None).await;
    let check = async |host_line: &str, expected: u16| {
        for target in ["/onshi/v1/capabilities", "/"] {
            let mut stream = TcpStream::connect(server.address).await.expect("connects");
            let head = format!("GET {target} HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n");
            let (status, text) = within("an answer", raw_request(&mut stream, &head)).await;
            assert_eq!(status, expected, "{host_line:?} {target}: {text}");
            if expected == 421 {
                assert!(
                    text.contains("application/problem+json")
                        && text.contains(r#""code":"misdirected_request""#),
                    "{text}"
                );
            }
        }
    };
    for host in ALLOWED {
        check(&format!("Host: {host}\r\n"), 200).await;
    }
    for host in REFUSED {
        check(&format!("Host: {host}\r\n"), 421).await;
    }
    // HTTP/1.0 without Host is answered; an absolute target naming another host is not.
    let mut stream = TcpStream::connect(server.address).await.expect("connects");
    let (status, _) = within(
        "an answer",
        raw_request(&mut stream, "GET / HTTP/1.0\r\n\r\n"),
    )
    .await;
    assert_eq!(status, 200);
    check("", 200).await;
    let mut stream = TcpStream::connect(server.address).await.expect("connects");
    let (status, _) = within(
        "an answer",
        raw_request(
            &mut stream,
            "GET http://evil.example/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        ),
    )
    .await;
    assert_eq!(status, 421);
    server.stop().await;
}

/// Failed sign-ins are counted per client address, which the serving loop hands to each request.
/// After its minute's failures one address is refused (429); another is not.
#[tokio::test]
async fn failed_sign_ins_are_counted_per_client_address_through_the_serving_loop() {
    let endpoint = training_endpoint();
    // At the start of a minute, so that the test stays within it.
    endpoint.clock().set(
        onshi_core::time::Timestamp::parse_rfc3339("2026-11-22T09:00:00+09:00").expect("time"),
    );
    let app = router(
        &ServeConfig {
            app_dir: fixture_app_dir(),
            connect_src: Vec::new(),
            app_origins: Vec::new(),
            hosts: clinic_hosts(),
        },
        Some(endpoint),
    );
    let server = Running::start(app, Limits::default(), None).await;
    let sign_in_from = async |from: Ipv4Addr| {
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        socket
            .bind(SocketAddr::new(IpAddr::V4(from), 0))
            .expect("binds a loopback address");
        let mut stream = socket.connect(server.address).await.expect("connects");
        let body = r#"{"user_id":"nobody","password":"Wrong*pass*1"}"#;
        let head = format!(
            "POST /onshi/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        within("an answer", raw_request(&mut stream, &head)).await.0
    };
    let first = Ipv4Addr::new(127, 0, 0, 1);
    for n in 0..onshi_server::sign_in::FAILURES_PER_MINUTE {
        assert!(
            matches!(sign_in_from(first).await, 401 | 423),
            "failure {n} is counted"
        );
    }
    assert_eq!(sign_in_from(first).await, 429);
    assert_eq!(
        sign_in_from(Ipv4Addr::new(127, 0, 0, 2)).await,
        423,
        "another address is not refused for the first one's failures (the ID itself is locked)"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_client_that_does_not_finish_its_request_head_is_disconnected() {
    let timeout = Duration::from_millis(300);
    let server = Running::start(
        app(AllowedHosts::loopback()),
        Limits {
            header_read_timeout: timeout,
            ..Limits::default()
        },
        None,
    )
    .await;
    // Half a request line, then nothing.
    let started = Instant::now();
    let mut half = TcpStream::connect(server.address).await.expect("connects");
    half.write_all(b"GET / HT").await.expect("writes");
    let answer = within("the server closes", read_to_close(&mut half)).await;
    assert!(started.elapsed() >= timeout, "{:?}", started.elapsed());
    // hyper may say 408 before it closes; it never serves the request.
    assert!(
        answer.is_empty() || status_of(&answer) == 408,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // A connection that sends nothing at all, and one left idle after a request, go the same way.
    let mut silent = TcpStream::connect(server.address).await.expect("connects");
    within("the server closes", read_to_close(&mut silent)).await;
    let mut idle = TcpStream::connect(server.address).await.expect("connects");
    idle.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("writes");
    let answer = within("the answer, then the close", read_to_close(&mut idle)).await;
    assert_eq!(status_of(&answer), 200);
    // A request whose head came in time is served however long it then takes (the limit is on
    // the head, not on the answer): all three connections above were closed, so the load is back
    // to nothing.
    let mut load = server.load.clone();
    within("every connection is closed", load.wait_for(|l| l.open == 0))
        .await
        .expect("the loop is running");
    server.stop().await;
}

/// A connection with one request answered and kept alive afterwards (HTTP/1.1's default).
async fn kept_alive(address: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.expect("connects");
    stream
        .write_all(b"GET /loader.js HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("writes");
    // The answer's head and its body: read until the body's length has come.
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = within("an answer", stream.read(&mut buffer))
            .await
            .expect("reads");
        assert_ne!(n, 0, "closed before answering");
        received.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&received);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .and_then(|l| l.trim().parse().ok())
                .expect("a content-length");
            if body.len() >= length {
                assert_eq!(status_of(&received), 200);
                return stream;
            }
        }
    }
}

#[tokio::test]
async fn beyond_the_connection_limit_a_connection_waits_until_one_closes() {
    let server = Running::start(
        app(AllowedHosts::loopback()),
        Limits {
            max_connections: 2,
            header_read_timeout: Duration::from_secs(60),
            ..Limits::default()
        },
        None,
    )
    .await;
    let first = kept_alive(server.address).await;
    let _second = kept_alive(server.address).await;
    let mut load = server.load.clone();
    within("two connections open", load.wait_for(|l| l.open == 2))
        .await
        .expect("running");
    // The third is taken by the kernel's backlog, but the loop holds no free slot, so it cannot
    // accept it, let alone answer: nothing has come when we look.
    let mut third = TcpStream::connect(server.address).await.expect("connects");
    third
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("writes");
    let mut probe = [0u8; 1];
    assert!(
        matches!(third.try_read(&mut probe), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the third connection was answered beyond the limit"
    );
    assert_eq!(
        *load.borrow(),
        Load {
            open: 2,
            accepted: 2
        }
    );
    // One closes: the third is accepted and answered.
    drop(first);
    let answer = within("the third is answered", read_to_close(&mut third)).await;
    assert_eq!(status_of(&answer), 200);
    assert_eq!(load.borrow().accepted, 3);
    server.stop().await;
}

#[tokio::test]
async fn on_shutdown_requests_in_flight_finish_and_streams_are_cut_after_the_grace() {
    let (entered, handler_entered) = oneshot::channel::<()>();
    let (release, released) = oneshot::channel::<()>();
    let slow = Arc::new(std::sync::Mutex::new(Some((entered, released))));
    let app = Router::new()
        .route(
            "/slow",
            get(move || {
                let slow = Arc::clone(&slow);
                async move {
                    let taken = slow.lock().expect("not poisoned").take();
                    if let Some((entered, released)) = taken {
                        let _ = entered.send(());
                        let _ = released.await;
                    }
                    "finished"
                }
            }),
        )
        .route(
            "/stream",
            // A body that never ends, as an event stream does not.
            get(|| async {
                Body::from_stream(futures_util::stream::pending::<
                    Result<Vec<u8>, std::io::Error>,
                >())
            }),
        );
    let grace = Duration::from_millis(300);
    let server = Running::start(
        app,
        Limits {
            shutdown_grace: grace,
            ..Limits::default()
        },
        None,
    )
    .await;
    let address = server.address;
    let mut stream = TcpStream::connect(address).await.expect("connects");
    stream
        .write_all(b"GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("writes");
    let mut head = [0u8; 12];
    within("the stream's head", stream.read_exact(&mut head))
        .await
        .expect("reads");
    assert_eq!(&head, b"HTTP/1.1 200");
    let mut slow_request = TcpStream::connect(address).await.expect("connects");
    slow_request
        .write_all(b"GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("writes");
    within("the slow handler runs", handler_entered)
        .await
        .expect("entered");
    // The signal: no new connections from here on, the slow request still finishes.
    let Running { stop, mut done, .. } = server;
    stop.expect("not stopped yet")
        .send(())
        .expect("the loop listens");
    release.send(()).expect("the handler waits");
    let answer = within("the slow answer", read_to_close(&mut slow_request)).await;
    assert_eq!(status_of(&answer), 200);
    assert!(String::from_utf8_lossy(&answer).ends_with("finished"));
    // The stream is cut once the grace is over, and the loop ends.
    let cut_started = Instant::now();
    within("the stream is cut", read_to_close(&mut stream)).await;
    within("the loop ends", &mut done).await.expect("no panic");
    assert!(cut_started.elapsed() < PATIENCE);
    assert!(
        TcpStream::connect(address).await.is_err(),
        "the listener is closed"
    );
}

/// A test CA and a certificate for `onshi.test` and `localhost` it issued, as PEM files in `dir`;
/// returns (CA certificate DER, certificate path, key path).
fn make_certificates(dir: &Path) -> (Vec<u8>, PathBuf, PathBuf) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    std::fs::create_dir_all(dir).expect("a temporary directory");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("no names");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Onshi test CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate().expect("a key");
    let ca = ca_params.self_signed(&ca_key).expect("a CA certificate");
    let issuer = Issuer::new(ca_params, ca_key);
    let mut params = CertificateParams::new(vec!["onshi.test".to_owned(), "localhost".to_owned()])
        .expect("valid names");
    params
        .distinguished_name
        .push(DnType::CommonName, "onshi.test");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let key = KeyPair::generate().expect("a key");
    let certificate = params.signed_by(&key, &issuer).expect("a certificate");
    let certificate_path = dir.join("server.pem");
    let key_path = dir.join("server.key");
    std::fs::write(&certificate_path, certificate.pem()).expect("writes");
    std::fs::write(&key_path, key.serialize_pem()).expect("writes");
    (ca.der().to_vec(), certificate_path, key_path)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("onshi-net-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A TLS client trusting only `ca`.
fn client_trusting(ca: &[u8]) -> TlsConnector {
    let mut roots = RootCertStore::empty();
    roots
        .add(ca.to_vec().into())
        .expect("the test CA is a certificate");
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let config = ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .expect("ring offers the defaults")
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

/// One GET over HTTPS with hyper's client; the status and body.
async fn https_get(
    connector: &TlsConnector,
    address: SocketAddr,
    server_name: &str,
    host: &str,
    path: &str,
) -> (StatusCode, Vec<u8>) {
    let tcp = TcpStream::connect(address).await.expect("connects");
    let name = ServerName::try_from(server_name.to_owned()).expect("a DNS name");
    let tls = within("the handshake", connector.connect(name, tcp))
        .await
        .expect("the handshake succeeds with the test CA");
    assert_eq!(tls.get_ref().1.alpn_protocol(), None);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .expect("an HTTP/1 connection");
    tokio::spawn(connection);
    let response = within(
        "an answer",
        sender.send_request(
            Request::get(path)
                .header(header::HOST, host)
                .body(http_body_util::Empty::<axum::body::Bytes>::new())
                .expect("request"),
        ),
    )
    .await
    .expect("answered");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes()
        .to_vec();
    (status, body)
}

#[tokio::test]
async fn https_with_a_certificate_of_a_test_ca() {
    let dir = temp_dir("tls");
    let (ca, certificate, key) = make_certificates(&dir);
    let config = tls::server_config(&certificate, &key).expect("a usable certificate and key");
    let hosts = AllowedHosts::new(IpAddr::V4(Ipv4Addr::LOCALHOST), &["onshi.test".to_owned()])
        .expect("valid");
    let server = Running::start(app(hosts), Limits::default(), Some(config)).await;
    let connector = client_trusting(&ca);
    let port = server.address.port();
    let (status, body) = https_get(
        &connector,
        server.address,
        "onshi.test",
        &format!("onshi.test:{port}"),
        "/onshi/v1/capabilities",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let (status, body) = https_get(
        &connector,
        server.address,
        "onshi.test",
        &format!("onshi.test:{port}"),
        "/",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains("テスト"));
    // Over TLS as in the clear, a foreign Host is refused.
    let (status, body) = https_get(
        &connector,
        server.address,
        "onshi.test",
        "evil.example",
        "/",
    )
    .await;
    assert_eq!(status, StatusCode::MISDIRECTED_REQUEST);
    assert!(String::from_utf8_lossy(&body).contains("misdirected_request"));
    // A client that does not trust the CA fails its handshake; plain HTTP gets no HTTP answer.
    let stranger = client_trusting(&make_certificates(&dir.join("other")).0);
    let tcp = TcpStream::connect(server.address).await.expect("connects");
    let refused = stranger
        .connect(ServerName::try_from("onshi.test").expect("a DNS name"), tcp)
        .await;
    assert!(refused.is_err(), "a client must not trust another CA");
    let mut plain = TcpStream::connect(server.address).await.expect("connects");
    plain
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("writes");
    let answer = within("the server closes", read_to_close(&mut plain)).await;
    assert!(!answer.starts_with(b"HTTP/"), "plain HTTP was answered");
    server.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn unusable_certificates_and_keys_are_named_at_start() {
    let dir = temp_dir("bad-tls");
    let (_, certificate, key) = make_certificates(&dir);
    let (_, other_certificate, _) = make_certificates(&dir.join("other"));
    let garbage = dir.join("garbage.pem");
    std::fs::write(&garbage, "not a PEM file\n").expect("writes");
    let missing = dir.join("missing.pem");
    let path = |p: &PathBuf| p.display().to_string();

    let error = tls::server_config(&other_certificate, &key).expect_err("mismatched");
    assert!(matches!(error, TlsError::Mismatch { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains(&path(&key)) && message.contains(&path(&other_certificate)));
    let error = tls::server_config(&certificate, &garbage).expect_err("no key");
    assert!(
        matches!(&error, TlsError::Key { path: p, .. } if *p == garbage),
        "{error}"
    );
    let error = tls::server_config(&missing, &key).expect_err("no file");
    assert!(
        matches!(&error, TlsError::Certificate { path: p, .. } if *p == missing),
        "{error}"
    );
    let error = tls::server_config(&key, &key).expect_err("a key is no certificate");
    assert!(
        matches!(&error, TlsError::NoCertificate { path: p } if *p == key),
        "{error}"
    );

    // The binary says so on stderr and exits before it listens.
    let binary = env!("CARGO_BIN_EXE_onshi-server");
    let run = |args: &[&str]| {
        let output = Command::new(binary)
            .args(["--listen", "127.0.0.1:0", "--app-dir"])
            .arg(fixture_app_dir())
            .args(args)
            .output()
            .expect("runs");
        assert!(!output.status.success(), "{args:?} started");
        assert!(output.stdout.is_empty(), "{args:?} printed its address");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let stderr = run(&[
        "--tls-cert",
        &path(&other_certificate),
        "--tls-key",
        &path(&key),
    ]);
    assert!(
        stderr.contains("cannot be used with the certificate") && stderr.contains(&path(&key)),
        "{stderr}"
    );
    let stderr = run(&["--tls-cert", &path(&certificate)]);
    assert!(stderr.contains("--tls-key"), "{stderr}");
    let stderr = run(&["--host-name", "onshi.local:443"]);
    assert!(stderr.contains("without a port"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
