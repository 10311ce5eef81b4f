//! The endpoint contract as values: requests, responses, problem bodies and the JSON shapes of each
//! group.
//!
//! The app, the reference endpoint and the conformance suite all speak through these types, so the
//! bytes the training dispatcher produces are exactly the bytes a real endpoint must produce. The
//! OpenAPI document (`contract/openapi.yaml`) describes the same shapes for implementers elsewhere.

pub mod groups;
mod problem;
pub mod session;
pub mod vocabulary;

use std::fmt;

pub use problem::{FieldError, Problem, ProblemCode};
pub use vocabulary::{EventKind, FeatureGroup, Narrow, ReaderMode, VisitMethod, header};

/// Every path of the contract starts with this prefix.
pub const PREFIX: &str = "/onshi/v1";

/// The contract's version, reported by `GET /onshi/v1/capabilities`.
pub const VERSION: &str = "1.4.0";

/// How far back history may be searched, in days, at an endpoint that does not say (its capabilities
/// carry [`Capabilities::history_window_days`] from contract 1.3.0): seed 001 FAQ 5's 2 years.
pub const HISTORY_WINDOW_DAYS: u64 = 731;

pub const JSON: &str = "application/json";
pub const PROBLEM_JSON: &str = "application/problem+json";
pub const XML: &str = "application/xml";

/// An HTTP method the contract uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Parses a method name; methods the contract never uses are `None`.
    pub fn parse(name: &str) -> Option<Method> {
        match name {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PUT" => Some(Method::Put),
            "PATCH" => Some(Method::Patch),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Header fields, looked up case-insensitively as HTTP requires.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    pub fn new() -> Headers {
        Headers(Vec::new())
    }

    /// The first value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Adds a field, keeping any existing ones of the same name.
    pub fn append(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_owned(), value.into()));
    }

    /// Replaces every field of this name with one value.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.append(name, value);
    }

    /// Removes every value of `name`.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// A contract request: what an HTTP request carries, without the transport.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// The path with its query string, e.g. `/onshi/v1/qualifications?page=2`.
    pub target: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

impl Request {
    /// A request without a body to `PREFIX` + `path`.
    pub fn new(method: Method, path: &str) -> Request {
        Request {
            method,
            target: format!("{PREFIX}{path}"),
            headers: Headers::new(),
            body: Vec::new(),
        }
    }

    /// Adds a JSON body.
    pub fn with_json<T: serde::Serialize>(mut self, value: &T) -> Request {
        self.body = serde_json::to_vec(value).expect("contract types always serialize to JSON");
        self.headers.set("Content-Type", JSON);
        self
    }

    /// Adds `Authorization: Bearer <token>`.
    pub fn with_bearer(mut self, token: &str) -> Request {
        self.headers.set("Authorization", format!("Bearer {token}"));
        self
    }

    /// The path without the query string.
    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(self.target.as_str(), |(p, _)| p)
    }

    /// The query string without the `?`, empty when absent.
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }
}

/// A contract response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Headers,
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON response with this status.
    pub fn json<T: serde::Serialize>(status: u16, value: &T) -> Response {
        let mut headers = Headers::new();
        headers.set("Content-Type", JSON);
        headers.set("Cache-Control", "no-store");
        Response {
            status,
            headers,
            body: serde_json::to_vec(value).expect("contract types always serialize to JSON"),
        }
    }

    /// A response with no body (204).
    pub fn no_content() -> Response {
        let mut headers = Headers::new();
        headers.set("Cache-Control", "no-store");
        Response {
            status: 204,
            headers,
            body: Vec::new(),
        }
    }

    pub fn content_type(&self) -> Option<&str> {
        self.headers.get("Content-Type")
    }
}

/// `GET /capabilities`: what this endpoint implements.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Capabilities {
    pub contract_version: String,
    /// The feature groups implemented, e.g. `session`.
    pub groups: Vec<String>,
    /// True when the endpoint runs on training data (the app shows 「研修モード」).
    pub training: bool,
    /// How long the endpoint waits for the national side's answer, in seconds, when it relays
    /// requests to it (the folder bridge); a terminal waits longer than this for those requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_timeout_s: Option<u64>,
    /// How far back history may be searched, in days (since contract 1.3.0); the app's history
    /// search offers and checks the same window. An older endpoint leaves it out, and a client then
    /// assumes [`HISTORY_WINDOW_DAYS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_window_days: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_case_insensitive_and_set_replaces() {
        let mut h = Headers::new();
        h.append("Content-Type", "text/plain");
        h.append("content-type", "text/html");
        assert_eq!(h.get("CONTENT-TYPE"), Some("text/plain"));
        h.set("Content-Type", JSON);
        assert_eq!(h.iter().count(), 1);
        assert_eq!(h.get("content-type"), Some(JSON));
    }

    #[test]
    fn request_splits_path_and_query() {
        let r = Request::new(Method::Get, "/qualifications?page=2&per_page=20");
        assert_eq!(r.path(), "/onshi/v1/qualifications");
        assert_eq!(r.query(), "page=2&per_page=20");
        let plain = Request::new(Method::Get, "/capabilities");
        assert_eq!(plain.query(), "");
    }

    #[test]
    fn methods_round_trip() {
        for m in [
            Method::Get,
            Method::Post,
            Method::Put,
            Method::Patch,
            Method::Delete,
        ] {
            assert_eq!(Method::parse(m.as_str()), Some(m));
        }
        assert_eq!(Method::parse("TRACE"), None);
    }
}
