//! An endpoint's address as staff type it on the settings screen.
//!
//! The contract's paths (`/onshi/v1/...`) are the app's to add, so an endpoint staff type is named by
//! its origin alone: scheme, host and port. Parsing follows the browser's own URL parser (`new URL()`),
//! so what is accepted here is exactly what `fetch` will reach, internationalised host names included.
//!
//! One address is not typed but made in code: training mode's endpoint, the training world in the
//! page's service worker, which answers under the page's origin plus [`TRAINING_PATH`]
//! (`/training/onshi/v1/...`). Since typed input never has a path, no typed address can pass for it.

use crate::platform::page;

/// Where the training world answers, below the page's origin.
pub const TRAINING_PATH: &str = "/training";

/// An endpoint's base URL, e.g. `https://onshi.example.jp` or `http://127.0.0.1:8080`, as the URL
/// standard serializes an origin (lower-case host, no default port, no trailing slash); for the
/// training world, the page's origin followed by [`TRAINING_PATH`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EndpointUrl(String);

/// Why a typed address cannot name an endpoint. Each variant keeps what was typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointUrlError {
    #[error("no endpoint URL was given")]
    Empty,
    #[error("{input:?} contains full-width characters")]
    FullWidth { input: String },
    #[error("{input:?} does not start with http:// or https://")]
    Scheme { input: String },
    #[error("{input:?} is not a URL")]
    Invalid { input: String },
    #[error("{input:?} carries a user name or password")]
    Credentials { input: String },
    #[error("{input:?} has a path, a query or a fragment")]
    Path { input: String },
}

impl EndpointUrl {
    /// Parses what staff typed: an `http` or `https` URL with a host, optionally a port and a trailing
    /// slash, and nothing else.
    pub fn parse(input: &str) -> Result<EndpointUrl, EndpointUrlError> {
        let typed = input.trim();
        let owned = || typed.to_owned();
        if typed.is_empty() {
            return Err(EndpointUrlError::Empty);
        }
        // Full-width forms (ｈｔｔｐｓ：／／, the ideographic space) mean the input method was on; the URL
        // parser would call them invalid, which hides the easy fix.
        if typed
            .chars()
            .any(|c| ('\u{ff01}'..='\u{ff5e}').contains(&c) || c == '\u{3000}')
        {
            return Err(EndpointUrlError::FullWidth { input: owned() });
        }
        let Ok(url) = web_sys::Url::new(typed) else {
            // `onshi.example.jp` and `127.0.0.1:8080` are the usual mistakes: a missing scheme.
            return Err(match typed.contains("://") {
                true => EndpointUrlError::Invalid { input: owned() },
                false => EndpointUrlError::Scheme { input: owned() },
            });
        };
        if !matches!(url.protocol().as_str(), "http:" | "https:") {
            return Err(EndpointUrlError::Scheme { input: owned() });
        }
        if url.hostname().is_empty() {
            return Err(EndpointUrlError::Invalid { input: owned() });
        }
        if !url.username().is_empty() || !url.password().is_empty() {
            return Err(EndpointUrlError::Credentials { input: owned() });
        }
        // The parser drops an empty query or fragment (`https://x.jp/?`), so look at the text too.
        if url.pathname() != "/" || typed.contains(['?', '#']) {
            return Err(EndpointUrlError::Path { input: owned() });
        }
        Ok(EndpointUrl(url.origin()))
    }

    /// The training world's base URL below the page's origin (see the module comment).
    pub fn training() -> EndpointUrl {
        match EndpointUrl::parse(&page::origin().unwrap_or_default()) {
            Ok(here) => here.training_below(),
            // A page whose origin is no address (opened from a file) still names the world by its
            // path, which `fetch` resolves against the page.
            Err(_) => EndpointUrl(TRAINING_PATH.to_owned()),
        }
    }

    /// The training world's base URL below this origin.
    pub fn training_below(&self) -> EndpointUrl {
        match self.is_training() {
            true => self.clone(),
            false => EndpointUrl(format!("{}{TRAINING_PATH}", self.0)),
        }
    }

    /// Whether this is the training world's base URL. Only [`EndpointUrl::training_below`] makes an
    /// address with a path, so the path alone tells.
    pub fn is_training(&self) -> bool {
        self.0.ends_with(TRAINING_PATH)
    }

    /// The base URL, without a trailing slash: the origin, or for the training world the origin and
    /// [`TRAINING_PATH`]. A contract request's target (`/onshi/v1/...`) is appended to it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EndpointUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
