//! Serving the built app (decisions.md D5): the CSP header on everything, no-cache for files
//! without a hash, the app's page for every app address, and plain 404s for missing files.

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};

mod support;

async fn get(
    path: &str,
    accept_encoding: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut request = Request::get(path);
    if let Some(encoding) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, encoding);
    }
    let answer = support::send(
        &support::app(None, &[]),
        request.body(Body::empty()).expect("request"),
    )
    .await;
    (answer.status, answer.headers, answer.body)
}

#[tokio::test]
async fn the_page_comes_with_the_policy_and_no_cache() {
    let (status, headers, body) = get("/", None).await;
    assert_eq!(status, StatusCode::OK);
    let csp = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii");
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        headers.contains_key(header::LAST_MODIFIED),
        "revalidation needs Last-Modified"
    );
    assert!(
        String::from_utf8(body)
            .expect("utf-8")
            .contains("<title>テスト</title>")
    );
}

#[tokio::test]
async fn app_addresses_get_the_page_and_missing_files_404() {
    for path in ["/menu", "/login", "/some/deep/screen"] {
        let (status, headers, body) = get(path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .expect("ascii")
                .starts_with("text/html")
        );
        assert!(String::from_utf8_lossy(&body).contains("テスト"));
        assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
    }
    let (status, _, _) = get("/missing.js", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn assets_have_their_types_and_precompressed_copies_are_used() {
    let (status, headers, body) = get("/onshi_bg.wasm", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(body, b"\0asm\x01\0\0\0");
    let (_, headers, body) = get("/onshi_bg.wasm", Some("br, gzip")).await;
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert_eq!(body, b"compressed-stand-in");
    let (_, headers, _) = get("/loader.js", None).await;
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .contains("javascript")
    );
}

#[tokio::test]
async fn the_contract_prefix_never_answers_with_the_page() {
    let (status, headers, body) = get("/onshi/v1/session", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    let problem: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(problem["code"], "not_found");
}

#[tokio::test]
async fn regression_issue_17_training_addresses_that_reach_the_server_are_404_not_the_page() {
    for path in [
        "/training",
        "/training/onshi/v1/capabilities",
        "/training/onshi/v1/events?after=0",
        "/training/anything",
    ] {
        let (status, headers, body) = get(path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "application/problem+json",
            "{path}"
        );
        assert!(!String::from_utf8_lossy(&body).contains("テスト"), "{path}");
        let problem: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(problem["code"], "not_found", "{path}");
    }
    // An app screen whose name merely starts alike is still the app's.
    let (status, _, _) = get("/trainings", None).await;
    assert_eq!(status, StatusCode::OK);
}
