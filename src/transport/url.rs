//! An endpoint's address as staff type it on the settings screen.
//!
//! The contract's paths (`/onshi/v1/...`) are the app's to add, so an endpoint is named by its origin
//! alone: scheme, host and port. Parsing follows the browser's own URL parser (`new URL()`), so what is
//! accepted here is exactly what `fetch` will reach, internationalised host names included.

/// An endpoint's origin, e.g. `https://onshi.example.jp` or `http://127.0.0.1:8080`, as the URL
/// standard serializes it (lower-case host, no default port, no trailing slash).
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

    /// The origin, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EndpointUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
