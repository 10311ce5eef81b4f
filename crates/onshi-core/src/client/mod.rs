//! The caller's side of the contract: building requests and reading their answers.
//!
//! The app and the conformance suite share this, so neither hand-writes a path or a body. The
//! transport that carries the bytes (in-process in training mode, HTTP otherwise) is the caller's.
//!
//! Beside the requests and the reading of answers: [`outbox`], the outbox's policy (what an answer
//! to a queued write means, when an entry is too old); [`version`], whether an endpoint's contract
//! version fits ours; [`message`], the Japanese words for every failure the contract can name.

pub mod backlog;
pub mod message;
pub mod outbox;
pub mod version;

pub use outbox::{Delivery, delivery};

use crate::contract::header;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::de::DeserializeOwned;

use crate::{
    contract::{
        Method, PROBLEM_JSON, Problem, Request, Response, XML,
        groups::{
            AccountUpdate, CardQualification, ConsentRevocation, DisasterSearch, ModeChange,
            NewAccount, PinCheck, ReaderVisit, StaffMode, VisualCheckRequest,
        },
        session::{PasswordChange, SignIn},
    },
    store::Narrow,
    wire::{Message, WireElement},
};

/// Why an answer was not the one expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The endpoint refused with a problem body.
    #[error("the endpoint refused: {} ({})", .0.code, .0.status)]
    Problem(Box<Problem>),
    /// A status the contract does not give for this request, without a problem body.
    #[error("unexpected status {status}")]
    UnexpectedStatus { status: u16 },
    /// The right status with a body that does not decode.
    #[error("undecodable {status} body: {message}")]
    Decode { status: u16, message: String },
}

/// `GET /capabilities`.
pub fn capabilities() -> Request {
    Request::new(Method::Get, "/capabilities")
}

/// `POST /session`.
pub fn sign_in(user_id: &str, password: &str, force: bool) -> Request {
    Request::new(Method::Post, "/session").with_json(&SignIn {
        user_id: user_id.to_owned(),
        password: password.to_owned(),
        force,
    })
}

/// `DELETE /session`.
pub fn sign_out(token: &str) -> Request {
    Request::new(Method::Delete, "/session").with_bearer(token)
}

/// `POST /session/activity`.
pub fn activity(token: &str) -> Request {
    Request::new(Method::Post, "/session/activity").with_bearer(token)
}

/// `PUT /session/password`.
pub fn change_password(token: &str, current: &str, new: &str) -> Request {
    Request::new(Method::Put, "/session/password")
        .with_bearer(token)
        .with_json(&PasswordChange {
            current: current.to_owned(),
            new: new.to_owned(),
        })
}

/// Adds an `Idempotency-Key` (decisions.md D7): the outbox sends every retry with the same one.
pub fn with_idempotency_key(mut request: Request, key: &str) -> Request {
    request.headers.set(header::IDEMPOTENCY_KEY, key);
    request
}

fn xml(method: Method, path: &str, token: &str, body: Vec<u8>) -> Request {
    let mut request = Request::new(method, path).with_bearer(token);
    request.headers.set("Content-Type", XML);
    request.body = body;
    request
}

/// `POST /qualifications` with an `OQSsiquc01req`.
pub fn inquire(token: &str, message: Vec<u8>) -> Request {
    xml(Method::Post, "/qualifications", token, message)
}

/// The search of 資格確認履歴照会 (decisions.md D9). Bounds are RFC 3339 or Tokyo `YYYY-MM-DDTHH:MM`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistorySearch {
    pub from: Option<String>,
    pub to: Option<String>,
    /// `my_number_card` or `insurance_card`; all when `None`.
    pub kind: Option<String>,
    pub narrow: Narrow,
    pub login_id: Option<String>,
    pub reference_number: Option<String>,
    pub page: Option<usize>,
    pub per_page: Option<usize>,
}

/// The characters a path parameter cannot carry as they are: those a URL never carries raw, and those
/// that would end or split the segment (`/`, `?`, `#`) or start an escape (`%`).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A path parameter, percent-encoded so that it stays one segment naming exactly what was given
/// (a user ID `002?x` must never reach `002`).
fn segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// `GET /qualifications`.
pub fn history(token: &str, search: &HistorySearch) -> Request {
    let mut query = form_urlencoded::Serializer::new(String::new());
    // 全て表示 is the default, so it is left out of the query.
    let narrow = (search.narrow != Narrow::All).then(|| search.narrow.as_str());
    let page = search.page.map(|p| p.to_string());
    let per_page = search.per_page.map(|p| p.to_string());
    for (name, value) in [
        ("from", search.from.as_deref()),
        ("to", search.to.as_deref()),
        ("kind", search.kind.as_deref()),
        ("narrow", narrow),
        ("login_id", search.login_id.as_deref()),
        ("reference_number", search.reference_number.as_deref()),
        ("page", page.as_deref()),
        ("per_page", per_page.as_deref()),
    ] {
        if let Some(value) = value {
            query.append_pair(name, value);
        }
    }
    let query = query.finish();
    let path = if query.is_empty() {
        "/qualifications".to_owned()
    } else {
        format!("/qualifications?{query}")
    };
    Request::new(Method::Get, &path).with_bearer(token)
}

/// The history entry an inquiry's answer was recorded as (its `Content-Location`), if it names one.
pub fn history_id_of(response: &Response) -> Option<u64> {
    response
        .headers
        .get("Content-Location")?
        .strip_prefix(crate::contract::PREFIX)?
        .strip_prefix("/qualifications/")?
        .parse()
        .ok()
}

/// `GET /qualifications/{id}`.
pub fn history_detail(token: &str, id: u64) -> Request {
    Request::new(Method::Get, &format!("/qualifications/{id}")).with_bearer(token)
}

/// `GET /events?after=`.
pub fn events(token: &str, after: u64) -> Request {
    Request::new(Method::Get, &format!("/events?after={after}")).with_bearer(token)
}

/// `GET /events?after=&kind=`: the backlog of one kind (e.g. `face_unreadable`).
pub fn events_of_kind(token: &str, kind: &str, after: u64) -> Request {
    Request::new(
        Method::Get,
        &format!("/events?after={after}&kind={}", segment(kind)),
    )
    .with_bearer(token)
}

/// `GET /events?limit=1`: one event at most, for the answer's `last_id`, so that a screen can follow
/// only what happens from now on without reading the whole backlog first.
pub fn events_newest(token: &str) -> Request {
    Request::new(Method::Get, "/events?after=0&limit=1").with_bearer(token)
}

/// `POST /reference-numbers` with an `OQSsiimm01req`.
pub fn register_reference(token: &str, message: Vec<u8>) -> Request {
    xml(Method::Post, "/reference-numbers", token, message)
}

/// `POST /bulk/{kind}` with a `…01req`.
pub fn bulk_submit(token: &str, kind: &str, message: Vec<u8>) -> Request {
    xml(
        Method::Post,
        &format!("/bulk/{}", segment(kind)),
        token,
        message,
    )
}

/// `GET /bulk/{kind}/{reception_number}`.
pub fn bulk_result(token: &str, kind: &str, reception_number: &str) -> Request {
    Request::new(
        Method::Get,
        &format!("/bulk/{}/{}", segment(kind), segment(reception_number)),
    )
    .with_bearer(token)
}

/// `GET /readers`.
pub fn readers(token: &str) -> Request {
    Request::new(Method::Get, "/readers").with_bearer(token)
}

/// `PUT /readers/{id}/mode` with the ETag the caller last saw.
pub fn set_mode(token: &str, reader: &str, etag: &str, mode: &str) -> Request {
    let mut request = Request::new(Method::Put, &format!("/readers/{}/mode", segment(reader)))
        .with_bearer(token)
        .with_json(&ModeChange {
            mode: mode.to_owned(),
        });
    request.headers.set(header::IF_MATCH, etag);
    request
}

/// `POST /readers/{id}/visual-checks`.
pub fn start_visual_check(token: &str, reader: &str, qualification_date: &str) -> Request {
    Request::new(
        Method::Post,
        &format!("/readers/{}/visual-checks", segment(reader)),
    )
    .with_bearer(token)
    .with_json(&VisualCheckRequest {
        qualification_date: qualification_date.to_owned(),
    })
}

/// `GET /readers/{id}/visual-checks/{check}`.
pub fn visual_check(token: &str, reader: &str, check: &str) -> Request {
    Request::new(
        Method::Get,
        &format!(
            "/readers/{}/visual-checks/{}",
            segment(reader),
            segment(check)
        ),
    )
    .with_bearer(token)
}

/// `POST /visual-check-passcode`.
pub fn issue_passcode(token: &str) -> Request {
    Request::new(Method::Post, "/visual-check-passcode").with_bearer(token)
}

/// `GET /consents` (treatment `home_visit` or `online`).
pub fn consents(token: &str, treatment: Option<&str>) -> Request {
    let path = match treatment {
        Some(t) => format!(
            "/consents?{}",
            form_urlencoded::Serializer::new(String::new())
                .append_pair("treatment", t)
                .finish()
        ),
        None => "/consents".to_owned(),
    };
    Request::new(Method::Get, &path).with_bearer(token)
}

/// `DELETE /consents`.
pub fn revoke_consent(token: &str, revocation: &ConsentRevocation) -> Request {
    Request::new(Method::Delete, "/consents")
        .with_bearer(token)
        .with_json(revocation)
}

/// `GET /medical-info/patients`.
pub fn medical_patients(token: &str) -> Request {
    Request::new(Method::Get, "/medical-info/patients").with_bearer(token)
}

/// `POST /medical-info/drugs` with a `YZKsiquc01req`.
pub fn medical_drugs(token: &str, message: Vec<u8>) -> Request {
    xml(Method::Post, "/medical-info/drugs", token, message)
}

/// `POST /medical-info/checkups` with a `TKKsiquc01req`.
pub fn medical_checkups(token: &str, message: Vec<u8>) -> Request {
    xml(Method::Post, "/medical-info/checkups", token, message)
}

/// `GET /disaster`.
pub fn disaster(token: &str) -> Request {
    Request::new(Method::Get, "/disaster").with_bearer(token)
}

/// `POST /disaster/search`.
pub fn disaster_search(token: &str, search: &DisasterSearch) -> Request {
    Request::new(Method::Post, "/disaster/search")
        .with_bearer(token)
        .with_json(search)
}

/// `GET /accounts`.
pub fn accounts(token: &str) -> Request {
    Request::new(Method::Get, "/accounts").with_bearer(token)
}

/// `POST /accounts`.
pub fn create_account(token: &str, account: &NewAccount) -> Request {
    Request::new(Method::Post, "/accounts")
        .with_bearer(token)
        .with_json(account)
}

/// `PATCH /accounts/{id}`.
pub fn update_account(token: &str, id: &str, update: &AccountUpdate) -> Request {
    Request::new(Method::Patch, &format!("/accounts/{}", segment(id)))
        .with_bearer(token)
        .with_json(update)
}

/// `POST /accounts/{id}/password-reset`.
pub fn reset_password(token: &str, id: &str) -> Request {
    Request::new(
        Method::Post,
        &format!("/accounts/{}/password-reset", segment(id)),
    )
    .with_bearer(token)
}

/// `DELETE /accounts/{id}`.
pub fn delete_account(token: &str, id: &str) -> Request {
    Request::new(Method::Delete, &format!("/accounts/{}", segment(id))).with_bearer(token)
}

/// `GET /training/accounts`: training data's accounts, asked without a session.
pub fn training_accounts() -> Request {
    Request::new(Method::Get, "/training/accounts")
}

/// `GET /training/requests`: how many requests a training endpoint was handed, asked without a
/// session.
pub fn training_requests() -> Request {
    Request::new(Method::Get, "/training/requests")
}

/// `GET /training/people`.
pub fn training_people(token: &str) -> Request {
    Request::new(Method::Get, "/training/people").with_bearer(token)
}

/// `POST /training/reader-visits`.
pub fn reader_visit(token: &str, visit: &ReaderVisit) -> Request {
    Request::new(Method::Post, "/training/reader-visits")
        .with_bearer(token)
        .with_json(visit)
}

/// `POST /training/pin-checks`.
pub fn pin_check(token: &str, check: &PinCheck) -> Request {
    Request::new(Method::Post, "/training/pin-checks")
        .with_bearer(token)
        .with_json(check)
}

/// `POST /training/readers/{id}/staff-mode`.
pub fn staff_mode(token: &str, reader: &str, staff: &StaffMode) -> Request {
    Request::new(
        Method::Post,
        &format!("/training/readers/{}/staff-mode", segment(reader)),
    )
    .with_bearer(token)
    .with_json(staff)
}

/// `POST /training/readers/{id}/cancel`.
pub fn cancel_reader(token: &str, reader: &str) -> Request {
    Request::new(
        Method::Post,
        &format!("/training/readers/{}/cancel", segment(reader)),
    )
    .with_bearer(token)
}

/// `POST /challenges`: a nonce for the card to sign (decisions.md D7).
pub fn challenge(token: &str) -> Request {
    Request::new(Method::Post, "/challenges").with_bearer(token)
}

/// `POST /qualifications/mynumber`: the card's signature of a challenge; answered with the
/// `OQSsiquc01res` and its history entry's `Content-Location`, as `POST /qualifications` is.
pub fn qualify_by_card(token: &str, qualification: &CardQualification) -> Request {
    Request::new(Method::Post, "/qualifications/mynumber")
        .with_bearer(token)
        .with_json(qualification)
}

/// Whether a request is a single 照会番号 registration (`POST /reference-numbers`).
pub fn is_registration(request: &Request) -> bool {
    request.method == Method::Post
        && request
            .path()
            .strip_prefix(crate::contract::PREFIX)
            .is_some_and(|path| path == "/reference-numbers")
}

/// Reads a JSON answer that must come with `status`.
pub fn expect_json<T: DeserializeOwned>(
    response: &Response,
    status: u16,
) -> Result<T, ClientError> {
    if response.status != status {
        return Err(refusal(response));
    }
    serde_json::from_slice(&response.body).map_err(|e| ClientError::Decode {
        status,
        message: e.to_string(),
    })
}

/// Reads an official XML message that must come with `status` (the answer's own encoding, as
/// declared).
pub fn expect_xml<H: WireElement + Default, B: WireElement + Default>(
    response: &Response,
    status: u16,
) -> Result<Message<H, B>, ClientError> {
    if response.status != status {
        return Err(refusal(response));
    }
    Message::decode(&response.body).map_err(|e| ClientError::Decode {
        status,
        message: e.to_string(),
    })
}

/// Reads an answer that must be 204.
pub fn expect_no_content(response: &Response) -> Result<(), ClientError> {
    if response.status == 204 {
        Ok(())
    } else {
        Err(refusal(response))
    }
}

/// Turns an answer with the wrong status into the most specific error it supports.
fn refusal(response: &Response) -> ClientError {
    let is_problem = response
        .content_type()
        .is_some_and(|t| t.starts_with(PROBLEM_JSON));
    if is_problem && let Ok(problem) = serde_json::from_slice::<Problem>(&response.body) {
        return ClientError::Problem(Box::new(problem));
    }
    ClientError::UnexpectedStatus {
        status: response.status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{ProblemCode, session::SignedIn};

    #[test]
    fn sign_in_request_shape() {
        let r = sign_in("002", "Onshi*002*002", false);
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.target, "/onshi/v1/session");
        assert_eq!(r.headers.get("content-type"), Some("application/json"));
        let v: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(
            v,
            serde_json::json!({"user_id": "002", "password": "Onshi*002*002", "force": false})
        );
    }

    #[test]
    fn the_newest_event_request_asks_for_one_event_at_most() {
        let r = events_newest("t");
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.target, "/onshi/v1/events?after=0&limit=1");
        assert_eq!(r.headers.get("authorization"), Some("Bearer t"));
    }

    #[test]
    fn problems_become_typed_errors() {
        let r = Problem::new(ProblemCode::SessionInUse).into_response();
        match expect_json::<SignedIn>(&r, 201) {
            Err(ClientError::Problem(p)) => {
                assert_eq!(p.known_code(), Some(ProblemCode::SessionInUse))
            }
            other => panic!("expected a problem, got {other:?}"),
        }
    }

    #[test]
    fn other_failures_keep_the_status() {
        let r = Response {
            status: 502,
            headers: Default::default(),
            body: b"<html>bad gateway</html>".to_vec(),
        };
        assert_eq!(
            expect_no_content(&r),
            Err(ClientError::UnexpectedStatus { status: 502 })
        );
        let ok_but_garbled = Response::json(201, &"not an object");
        assert!(matches!(
            expect_json::<SignedIn>(&ok_but_garbled, 201),
            Err(ClientError::Decode { status: 201, .. })
        ));
    }
}
