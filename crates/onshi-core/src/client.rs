//! The caller's side of the contract: building requests and reading their answers.
//!
//! The app and the conformance suite share this, so neither hand-writes a path or a body. The
//! transport that carries the bytes (in-process in training mode, HTTP otherwise) is the caller's.

use serde::de::DeserializeOwned;

use crate::contract::{
    Method, PROBLEM_JSON, Problem, Request, Response,
    session::{PasswordChange, SignIn},
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
