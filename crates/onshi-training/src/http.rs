//! The fetch side of the world: a `Request` the service worker intercepted becomes a contract
//! request, and a contract response becomes a `Response`, with status, headers and bytes unchanged.
//!
//! The world answers under its own path: `/training/onshi/v1/...` on the page's origin is the
//! contract's `/onshi/v1/...` (the app's training endpoint is the page origin + `/training`).

use js_sys::{Array, Uint8Array};
use onshi_core::contract::{self, Headers, Method, Problem, ProblemCode, Request, Response};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::platform::js_message;

/// Where the world's contract lives on the page's origin.
pub const BASE: &str = "/training";

/// Why an intercepted request cannot become a contract request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    #[error("{url:?} is not an address of the training world")]
    NotTraining { url: String },
    #[error("the contract uses no {method} requests")]
    Method { method: String },
    #[error("the request's body could not be read: {message}")]
    Body { message: String },
    #[error("a response could not be made: {message}")]
    Response { message: String },
}

impl HttpError {
    /// The contract's answer to a request that could not be read.
    pub fn into_response(self) -> Response {
        match &self {
            HttpError::NotTraining { .. } => Problem::new(ProblemCode::NotFound)
                .with_detail(self.to_string())
                .into_response(),
            HttpError::Method { .. } => {
                let mut response = Problem::new(ProblemCode::MethodNotAllowed)
                    .with_detail(self.to_string())
                    .into_response();
                response
                    .headers
                    .set("Allow", "GET, POST, PUT, PATCH, DELETE");
                response
            }
            HttpError::Body { .. } | HttpError::Response { .. } => {
                Problem::new(ProblemCode::MalformedBody)
                    .with_detail(self.to_string())
                    .into_response()
            }
        }
    }
}

/// The contract target (`/onshi/v1/...` with its query) of a path and query under [`BASE`].
pub fn contract_target(path: &str, search: &str) -> Option<String> {
    let rest = path.strip_prefix(BASE)?;
    let under_prefix = rest == contract::PREFIX
        || rest
            .strip_prefix(contract::PREFIX)
            .is_some_and(|r| r.starts_with('/'));
    under_prefix.then(|| format!("{rest}{search}"))
}

/// The contract request an intercepted `Request` carries (its body read whole).
pub async fn contract_request(request: &web_sys::Request) -> Result<Request, HttpError> {
    let url = request.url();
    let parsed =
        web_sys::Url::new(&url).map_err(|_| HttpError::NotTraining { url: url.clone() })?;
    let target = contract_target(&parsed.pathname(), &parsed.search())
        .ok_or(HttpError::NotTraining { url })?;
    let method = Method::parse(&request.method()).ok_or_else(|| HttpError::Method {
        method: request.method(),
    })?;
    let mut headers = Headers::new();
    // A Headers object iterates as [name, value] pairs.
    if let Ok(Some(entries)) = js_sys::try_iter(request.headers().as_ref()) {
        for entry in entries.flatten() {
            let pair: Array = entry.unchecked_into();
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                headers.append(&name, value);
            }
        }
    }
    let body = if method == Method::Get {
        Vec::new()
    } else {
        let buffer = request.array_buffer().map_err(|e| HttpError::Body {
            message: js_message(&e),
        })?;
        let buffer = JsFuture::from(buffer).await.map_err(|e| HttpError::Body {
            message: js_message(&e),
        })?;
        Uint8Array::new(&buffer).to_vec()
    };
    Ok(Request {
        method,
        target,
        headers,
        body,
    })
}

/// The init (status and headers) of a `Response` for `response`.
pub fn init_of(status: u16, headers: &Headers) -> Result<web_sys::ResponseInit, HttpError> {
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    let fields = web_sys::Headers::new().map_err(|e| HttpError::Response {
        message: js_message(&e),
    })?;
    for (name, value) in headers.iter() {
        fields
            .append(name, value)
            .map_err(|e| HttpError::Response {
                message: js_message(&e),
            })?;
    }
    init.set_headers(&fields);
    Ok(init)
}

/// A `Response` with the contract response's status, headers and bytes.
pub fn fetch_response(response: &Response) -> Result<web_sys::Response, HttpError> {
    let init = init_of(response.status, &response.headers)?;
    // 204 and 304 must have no body at all, not an empty one.
    let made = if response.body.is_empty() {
        web_sys::Response::new_with_opt_buffer_source_and_init(None, &init)
    } else {
        let bytes = Uint8Array::from(response.body.as_slice());
        web_sys::Response::new_with_opt_buffer_source_and_init(Some(&bytes), &init)
    };
    made.map_err(|e: JsValue| HttpError::Response {
        message: js_message(&e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_contract_under_the_base_is_the_worlds() {
        assert_eq!(
            contract_target("/training/onshi/v1/capabilities", ""),
            Some("/onshi/v1/capabilities".to_owned())
        );
        assert_eq!(
            contract_target("/training/onshi/v1/events", "?after=3"),
            Some("/onshi/v1/events?after=3".to_owned())
        );
        assert_eq!(
            contract_target("/training/onshi/v1", ""),
            Some("/onshi/v1".to_owned())
        );
        assert_eq!(contract_target("/onshi/v1/capabilities", ""), None);
        assert_eq!(contract_target("/training/onshi/v10/x", ""), None);
        assert_eq!(contract_target("/training/index.html", ""), None);
    }
}
