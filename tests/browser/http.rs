//! The HTTP transport against a fake `fetch`: what goes out, what comes back, the
//! deadline, and failures that are no answer at all; and the Server-Sent Events framing.

use std::time::Duration;

use onshi::{
    error::ApiError,
    state::capabilities::discover,
    transport::{
        Endpoint, EndpointUrl, HttpOptions, HttpTransport, TransportError, http,
        sse::{SseFrame, SseParser},
    },
};
use onshi_core::{
    client,
    contract::{Method, ProblemCode, Request, session::SignedIn},
};
use serde_json::json;
use std::rc::Rc;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::fake_fetch::{FakeFetch, network_failure, problem, silence};

const BASE: &str = "https://onshi.example.jp";

fn endpoint(options: HttpOptions) -> Endpoint {
    let base = EndpointUrl::parse(BASE).expect("a valid origin");
    Endpoint::Http(Rc::new(HttpTransport::new(base, options)))
}

#[wasm_bindgen_test]
async fn the_request_goes_out_as_the_contract_built_it_and_the_answer_comes_back_unchanged() {
    let signed_in = json!({
        "token": "t0k3n",
        "account": { "id": "a1", "name": "スタッフ002", "kind": "general" },
        "institution": { "code": "1234567897", "name": "サンプル医療機関" },
        "idle_timeout_s": 1800,
    });
    let fake = FakeFetch::install(vec![json!({
        "status": 201,
        "headers": { "Content-Type": "application/json", "ETag": "\"v7\"", "Cache-Control": "no-store" },
        "body": signed_in.to_string(),
    })]);
    let answer = endpoint(HttpOptions::default())
        .send(client::sign_in("002", "Onshi*002*002", false))
        .await
        .expect("an answer");

    let calls = fake.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].url, "https://onshi.example.jp/onshi/v1/session");
    assert_eq!(calls[0].method, "POST");
    assert_eq!(calls[0].header("Content-Type"), Some("application/json"));
    let sent: serde_json::Value = serde_json::from_str(&calls[0].body).expect("a JSON body");
    assert_eq!(
        sent,
        json!({ "user_id": "002", "password": "Onshi*002*002", "force": false })
    );

    assert_eq!(answer.status, 201);
    assert_eq!(answer.headers.get("etag"), Some("\"v7\""));
    assert_eq!(answer.headers.get("Cache-Control"), Some("no-store"));
    assert_eq!(answer.body, signed_in.to_string().into_bytes());
    let read: SignedIn = client::expect_json(&answer, 201).expect("the client reads it");
    assert_eq!(read.account.name, "スタッフ002");
}

#[wasm_bindgen_test]
async fn a_bearer_token_goes_in_the_header_and_never_in_the_address() {
    let fake = FakeFetch::install(vec![json!({ "status": 204 })]);
    let answer = endpoint(HttpOptions::default())
        .send(client::sign_out("s3cr3t"))
        .await
        .expect("an answer");
    assert_eq!(answer.status, 204);
    assert!(answer.body.is_empty());
    let call = &fake.calls()[0];
    assert_eq!(call.method, "DELETE");
    assert_eq!(call.header("Authorization"), Some("Bearer s3cr3t"));
    assert!(!call.url.contains("s3cr3t"));
}

#[wasm_bindgen_test]
async fn a_problem_answer_becomes_a_typed_refusal_with_its_japanese_title() {
    let _fake = FakeFetch::install(vec![problem(
        401,
        "invalid_credentials",
        "ユーザIDまたはパスワードが正しくありません。",
    )]);
    let answer = endpoint(HttpOptions::default())
        .send(client::sign_in("002", "wrong", false))
        .await
        .expect("an answer");
    let error = ApiError::from(client::expect_json::<SignedIn>(&answer, 201).expect_err("refused"));
    assert_eq!(error.code(), Some(ProblemCode::InvalidCredentials));
    assert_eq!(
        error.message(),
        "ユーザIDまたはパスワードが正しくありません。"
    );
}

#[wasm_bindgen_test]
async fn a_silent_endpoint_times_out_and_the_request_is_aborted() {
    let fake = FakeFetch::install(vec![silence()]);
    let options = HttpOptions {
        timeout: Duration::from_millis(50),
        bulk_timeout: Duration::from_millis(50),
    };
    let error = endpoint(options)
        .send(client::capabilities())
        .await
        .expect_err("no answer");
    assert_eq!(
        error,
        TransportError::Timeout {
            url: "https://onshi.example.jp/onshi/v1/capabilities".to_owned(),
            after: Duration::from_millis(50),
        }
    );
    assert!(fake.calls()[0].aborted, "the request does not live on");
    assert_eq!(
        ApiError::from(error).message(),
        "接続先から一定時間内に応答がありませんでした。しばらくしてから再度お試しください。"
    );
}

#[wasm_bindgen_test]
fn bulk_uploads_get_the_longer_deadline() {
    let transport = HttpTransport::new(
        EndpointUrl::parse(BASE).expect("origin"),
        HttpOptions::default(),
    );
    let upload = client::bulk_submit("t", "qualifications", b"<XmlMsg/>".to_vec());
    assert_eq!(transport.timeout_of(&upload), Duration::from_secs(300));
    let poll = client::bulk_result("t", "qualifications", "R1");
    assert_eq!(transport.timeout_of(&poll), Duration::from_secs(30));
    assert_eq!(
        transport.timeout_of(&client::capabilities()),
        Duration::from_secs(30)
    );
}

#[wasm_bindgen_test]
fn relayed_requests_get_longer_than_the_national_timeout_and_others_do_not() {
    // A request the endpoint relays to the national side waits for the endpoint's own
    // national timeout plus a margin, so that the endpoint's answer comes before the app gives up.
    let options = HttpOptions::default();
    let secs = Duration::from_secs;
    let relayed = [
        client::inquire("t", b"<XmlMsg/>".to_vec()),
        client::register_reference("t", b"<XmlMsg/>".to_vec()),
        client::bulk_result("t", "qualifications", "R1"),
        client::medical_drugs("t", b"<XmlMsg/>".to_vec()),
        client::medical_checkups("t", b"<XmlMsg/>".to_vec()),
    ];
    for request in &relayed {
        assert!(http::is_relayed(request), "{}", request.target);
        assert_eq!(http::deadline(&options, None, request), secs(30));
        assert_eq!(http::deadline(&options, Some(secs(90)), request), secs(120));
        // Never shorter than the usual deadline.
        assert_eq!(http::deadline(&options, Some(secs(1)), request), secs(31));
        assert_eq!(http::deadline(&options, Some(secs(0)), request), secs(30));
    }
    let upload = client::bulk_submit("t", "qualifications", b"<XmlMsg/>".to_vec());
    assert!(http::is_relayed(&upload));
    assert_eq!(http::deadline(&options, Some(secs(90)), &upload), secs(300));
    assert_eq!(
        http::deadline(&options, Some(secs(600)), &upload),
        secs(630)
    );
    let not_relayed = [
        client::capabilities(),
        client::history_detail("t", 4),
        client::events("t", 0),
        client::readers("t"),
        client::medical_patients("t"),
        client::challenge("t"),
        Request::new(Method::Post, "/qualifications/mynumber"),
        Request::new(Method::Get, "/bulk/qualifications"),
    ];
    for request in &not_relayed {
        assert!(!http::is_relayed(request), "{}", request.target);
        assert_eq!(
            http::deadline(&options, Some(secs(600)), request),
            secs(30),
            "{}",
            request.target
        );
    }
}

#[wasm_bindgen_test]
async fn the_transport_learns_the_national_timeout_from_the_capabilities() {
    // Discovering an endpoint that relays to the national side lengthens the deadline of
    // its relayed requests; one that says nothing leaves them as they were.
    let inquiry = client::inquire("t", b"<XmlMsg/>".to_vec());
    let transport = Rc::new(HttpTransport::new(
        EndpointUrl::parse(BASE).expect("origin"),
        HttpOptions::default(),
    ));
    let endpoint = Endpoint::Http(transport.clone());
    assert_eq!(transport.timeout_of(&inquiry), Duration::from_secs(30));
    let bridge = |national: Option<u64>| {
        let mut body = json!({
            "contract_version": "1.2.0",
            "groups": ["session", "qualification"],
            "training": false,
        });
        if let Some(seconds) = national {
            body["national_timeout_s"] = json!(seconds);
        }
        json!({
            "status": 200,
            "headers": { "Content-Type": "application/json" },
            "body": body.to_string(),
        })
    };
    let fake = FakeFetch::install(vec![bridge(Some(150))]);
    let capabilities = discover(&endpoint).await.expect("capabilities");
    assert_eq!(capabilities.national_timeout_s, Some(150));
    assert_eq!(transport.timeout_of(&inquiry), Duration::from_secs(180));
    assert_eq!(
        transport.timeout_of(&client::capabilities()),
        Duration::from_secs(30)
    );
    drop(fake);

    let _fake = FakeFetch::install(vec![bridge(None)]);
    discover(&endpoint).await.expect("capabilities");
    assert_eq!(transport.timeout_of(&inquiry), Duration::from_secs(30));
}

#[wasm_bindgen_test]
async fn a_failed_fetch_is_no_answer_whatever_the_cause() {
    // No network, nothing listening, and a connection the CSP refuses all look like this to the page.
    let _fake = FakeFetch::install(vec![network_failure()]);
    let error = endpoint(HttpOptions::default())
        .send(client::capabilities())
        .await
        .expect_err("no answer");
    assert!(
        matches!(&error, TransportError::Network { url, .. } if url == "https://onshi.example.jp/onshi/v1/capabilities"),
        "{error:?}"
    );
    assert_eq!(
        ApiError::from(error).message(),
        "通信エラーが発生しました。ネットワークの接続を確認してから再度お試しください。"
    );
}

#[wasm_bindgen_test]
async fn a_header_the_browser_cannot_send_is_an_error_not_a_crash() {
    let fake = FakeFetch::install(vec![json!({ "status": 204 })]);
    let mut request = Request::new(Method::Get, "/capabilities");
    request.headers.set("Authorization", "Bearer a\nb");
    let error = endpoint(HttpOptions::default())
        .send(request)
        .await
        .expect_err("refused by the browser");
    assert!(
        matches!(error, TransportError::Unsendable { .. }),
        "{error:?}"
    );
    assert!(fake.calls().is_empty(), "nothing was sent");
}

#[wasm_bindgen_test]
fn endpoint_addresses_are_origins_and_nothing_else() {
    let ok = [
        ("https://onshi.example.jp", "https://onshi.example.jp"),
        ("  https://ONSHI.example.jp/ ", "https://onshi.example.jp"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://onshi.example.jp:443/", "https://onshi.example.jp"),
        ("http://localhost:3000/", "http://localhost:3000"),
    ];
    for (typed, origin) in ok {
        assert_eq!(
            EndpointUrl::parse(typed).map(|u| u.as_str().to_owned()),
            Ok(origin.to_owned()),
            "{typed}"
        );
    }
    use onshi::transport::EndpointUrlError as E;
    type Expected = fn(&E) -> bool;
    let bad: [(&str, Expected); 10] = [
        ("", |e| matches!(e, E::Empty)),
        ("   ", |e| matches!(e, E::Empty)),
        ("ｈｔｔｐｓ：／／onshi.example.jp", |e| {
            matches!(e, E::FullWidth { .. })
        }),
        ("onshi.example.jp", |e| matches!(e, E::Scheme { .. })),
        ("127.0.0.1:8080", |e| matches!(e, E::Scheme { .. })),
        ("ftp://onshi.example.jp", |e| matches!(e, E::Scheme { .. })),
        ("https://", |e| matches!(e, E::Invalid { .. })),
        ("https://staff:pw@onshi.example.jp", |e| {
            matches!(e, E::Credentials { .. })
        }),
        ("https://onshi.example.jp/onshi/v1", |e| {
            matches!(e, E::Path { .. })
        }),
        ("https://onshi.example.jp/?", |e| {
            matches!(e, E::Path { .. })
        }),
    ];
    for (typed, expected) in bad {
        let error = EndpointUrl::parse(typed).expect_err(typed);
        assert!(expected(&error), "{typed:?}: {error:?}");
    }
}

fn frames(chunks: &[&[u8]]) -> Vec<SseFrame> {
    let mut parser = SseParser::new();
    chunks.iter().flat_map(|c| parser.push(c)).collect()
}

fn frame(event: &str, data: &str, id: Option<&str>) -> SseFrame {
    SseFrame {
        event: event.to_owned(),
        data: data.to_owned(),
        id: id.map(str::to_owned),
    }
}

#[wasm_bindgen_test]
fn event_stream_frames_survive_any_chunking() {
    let stream = "\u{feff}: keep-alive\r\nid: 1\r\nevent: qualification\r\ndata: {\"名前\":\"新橋\"}\r\n\r\n\
                  id: 2\nevent: reader\ndata: line one\ndata: line two\n\n\
                  : just a comment\n\n\
                  event: ignored-without-data\n\n\
                  data:no-space\rdata: \r\r\
                  retry: 2500\nid\ndata: after a reset id\n\n";
    let expected = vec![
        frame("qualification", "{\"名前\":\"新橋\"}", Some("1")),
        frame("reader", "line one\nline two", Some("2")),
        frame("message", "no-space\n", Some("2")),
        frame("message", "after a reset id", None),
    ];
    let bytes = stream.as_bytes();
    // Whole; one byte at a time (which splits the CRLFs, the BOM and every multi-byte character);
    // and every two-way split.
    assert_eq!(frames(&[bytes]), expected);
    let single: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(frames(&single), expected);
    for cut in 1..bytes.len() {
        let (a, b) = bytes.split_at(cut);
        assert_eq!(frames(&[a, b]), expected, "split at byte {cut}");
    }
    let mut parser = SseParser::new();
    parser.push(bytes);
    assert_eq!(parser.retry_ms(), Some(2500));
    assert_eq!(parser.last_event_id(), None);
}

#[wasm_bindgen_test]
fn an_unfinished_frame_waits_for_its_empty_line() {
    let mut parser = SseParser::new();
    assert_eq!(parser.push(b"id: 7\ndata: half"), vec![]);
    assert_eq!(parser.push(b"\n"), vec![]);
    assert_eq!(parser.last_event_id(), Some("7"));
    assert_eq!(
        parser.push(b"\n"),
        vec![frame("message", "half", Some("7"))]
    );
}
