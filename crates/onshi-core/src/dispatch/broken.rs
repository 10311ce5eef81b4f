//! The deliberately broken dispatcher of decisions.md D7, compiled only with the
//! `conformance-broken` feature and switched on only by `Config::broken`: it breaks one documented
//! behaviour of each feature group, so a test can prove that the conformance suite fails exactly the
//! clauses listed in `contract/broken.tsv` and passes the rest. It rewrites answers after the real
//! dispatcher made them, so the production handlers carry no test switch at all.

use serde_json::{Value, json};

use crate::contract::{
    JSON, Method, PREFIX, PROBLEM_JSON, Problem, ProblemCode, Request, Response,
};

/// The answer to `request`, broken where the list says so.
pub(super) fn apply(request: &Request, mut response: Response) -> Response {
    let path = request.path().strip_prefix(PREFIX).unwrap_or_default();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let status = response.status;
    match (request.method, segments.as_slice(), status) {
        // session: activity is counted even when no token is sent at all.
        (Method::Post, ["session", "activity"], 401)
            if request.headers.get("Authorization").is_none() =>
        {
            response = Response::no_content();
        }
        // qualification: a Shift_JIS inquiry is answered in UTF-8.
        (Method::Post, ["qualifications"], 200) => {
            if let Some(text) = shift_jis_text(&response.body) {
                response.body = text
                    .replacen("encoding=\"Shift_JIS\"", "encoding=\"UTF-8\"", 1)
                    .replacen(
                        "<CharacterCodeIdentifier>1</CharacterCodeIdentifier>",
                        "<CharacterCodeIdentifier>0</CharacterCodeIdentifier>",
                        1,
                    )
                    .into_bytes();
            }
        }
        // history: an unknown entry answers 400, which the contract does not document.
        (Method::Get, ["qualifications", _], 404) => response.status = 400,
        // events: the newest event is given again after its own id.
        (Method::Get, ["events"], 200) => edit_json(&mut response, |body| {
            let last = body["last_id"].as_u64().unwrap_or(0);
            if body["events"].as_array().is_some_and(Vec::is_empty) && last > 0 {
                body["events"] = json!([{
                    "id": last,
                    "at": "2026-01-01T00:00:00.000+09:00",
                    "kind": "qualification",
                    "data": {}
                }]);
            }
        }),
        // bulk: an unknown kind answers 400 instead of 404.
        (Method::Post, ["bulk", _], 404) => response.status = 400,
        // readers: a stale ETag answers 409 instead of 412.
        (Method::Put, ["readers", _, "mode"], 412) => response.status = 409,
        // passcode: the passcode is said to be someone else's.
        (Method::Post, ["visual-check-passcode"], 201) => edit_json(&mut response, |body| {
            body["user_id"] = Value::String("someone-else".to_owned());
        }),
        // reference numbers: the national side is said to have refused the registration.
        (Method::Post, ["reference-numbers"], 200) => {
            let text = String::from_utf8_lossy(&response.body).replacen(
                "<ProcessingResultStatus>1</ProcessingResultStatus>",
                "<ProcessingResultStatus>2</ProcessingResultStatus>",
                1,
            );
            response.body = text.into_bytes();
        }
        // consents: an unknown treatment lists nothing instead of being refused.
        (Method::Get, ["consents"], 422) => replace_json(&mut response, 200, json!({"items": []})),
        // medical_info: a general account sees the (empty) list of patients.
        (Method::Get, ["medical-info", "patients"], 403) => {
            replace_json(&mut response, 200, json!({"items": []}));
        }
        // disaster: a general account sees whether the search is open.
        (Method::Get, ["disaster"], 403) => {
            replace_json(&mut response, 200, json!({"open": false, "areas": []}));
        }
        // accounts: creating an existing user ID answers 201.
        (Method::Post, ["accounts"], 409) => response.status = 201,
        // card: an expired challenge is said to be unknown.
        (Method::Post, ["qualifications", "mynumber"], 422) => edit_json(&mut response, |body| {
            if body["code"] == ProblemCode::ChallengeExpired.as_str() {
                let unknown = Problem::new(ProblemCode::ChallengeUnknown);
                body["code"] = Value::String(unknown.code);
                body["type"] = Value::String(unknown.kind);
                body["title"] = Value::String(unknown.title);
            }
        }),
        // training: 「中止」 reports the reader still in 目視確認.
        (Method::Post, ["training", "readers", _, "cancel"], 200) => {
            edit_json(&mut response, |body| {
                body["mode"] = Value::String("visual".to_owned());
            })
        }
        _ => {}
    }
    response
}

fn edit_json(response: &mut Response, edit: impl FnOnce(&mut Value)) {
    if let Ok(mut body) = serde_json::from_slice::<Value>(&response.body) {
        edit(&mut body);
        response.body = serde_json::to_vec(&body).unwrap_or_default();
    }
}

fn replace_json(response: &mut Response, status: u16, body: Value) {
    response.status = status;
    response.body = serde_json::to_vec(&body).unwrap_or_default();
    if response.content_type() == Some(PROBLEM_JSON) {
        response.headers.set("Content-Type", JSON);
    }
}

/// The body as text when it is a Shift_JIS document.
fn shift_jis_text(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(100)]).into_owned();
    head.contains("encoding=\"Shift_JIS\"")
        .then(|| encoding_rs::SHIFT_JIS.decode(body).0.into_owned())
}
