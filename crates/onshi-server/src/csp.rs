//! The app's Content-Security-Policy: no inline script or style, no eval beyond WebAssembly's own
//! compilation, and connections only to this origin and the configured endpoints (decisions.md D5).

/// Loopback origins on any port: the default place for endpoints (D5). CSP host sources cannot name an
/// IPv6 literal (Chrome drops `http://[::1]:*` with a console error), so `::1` is reachable only as
/// `localhost`.
pub const LOOPBACK: [&str; 2] = ["http://127.0.0.1:*", "http://localhost:*"];

/// Where the policy goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// An HTTP header from our server.
    Header,
    /// A `<meta http-equiv>` tag for static hosting, where `frame-ancestors` is not allowed.
    Meta,
}

/// The policy, with `connect_src` as the endpoint origins (loopback when empty).
pub fn policy(connect_src: &[String], delivery: Delivery) -> String {
    let connect: Vec<&str> = if connect_src.is_empty() {
        LOOPBACK.to_vec()
    } else {
        connect_src.iter().map(String::as_str).collect()
    };
    let mut directives = vec![
        "default-src 'none'".to_owned(),
        "script-src 'self' 'wasm-unsafe-eval'".to_owned(),
        "style-src 'self'".to_owned(),
        "img-src 'self' data:".to_owned(),
        "font-src 'self'".to_owned(),
        format!("connect-src 'self' {}", connect.join(" ")),
        "manifest-src 'self'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'self'".to_owned(),
        "object-src 'none'".to_owned(),
    ];
    if delivery == Delivery::Header {
        directives.push("frame-ancestors 'none'".to_owned());
    }
    directives.join("; ")
}

/// Puts the policy into an HTML page as a `<meta>` tag right after `<head>`, replacing one written
/// before, so the build step can run twice.
pub fn with_meta(html: &str, policy: &str) -> Result<String, CspError> {
    const MARK: &str = "<meta http-equiv=\"Content-Security-Policy\"";
    let mut html = html.to_owned();
    if let Some(start) = html.find(MARK) {
        let end = html[start..].find('>').ok_or(CspError::UnclosedMeta)? + start + 1;
        html.replace_range(start..end, "");
    }
    let head = html.find("<head>").ok_or(CspError::NoHead)? + "<head>".len();
    html.insert_str(head, &format!("\n    {MARK} content=\"{policy}\" />"));
    Ok(html)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CspError {
    #[error("the page has no <head> to put the policy in")]
    NoHead,
    #[error("the page has an unclosed Content-Security-Policy <meta> tag")]
    UnclosedMeta,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_policy_forbids_inline_and_eval() {
        let p = policy(&[], Delivery::Header);
        assert!(p.contains("script-src 'self' 'wasm-unsafe-eval'"));
        assert!(!p.contains("unsafe-inline"));
        assert!(!p.contains("'unsafe-eval'"));
        assert!(p.contains("connect-src 'self' http://127.0.0.1:* http://localhost:*;"));
        assert!(p.ends_with("frame-ancestors 'none'"));
    }

    #[test]
    fn configured_origins_replace_loopback() {
        let p = policy(&["https://onshi.example.jp".to_owned()], Delivery::Meta);
        assert!(p.contains("connect-src 'self' https://onshi.example.jp;"));
        assert!(!p.contains("127.0.0.1"));
        assert!(!p.contains("frame-ancestors"));
    }

    #[test]
    fn meta_tag_is_inserted_once() {
        let html = "<!DOCTYPE html>\n<html><head>\n<title>x</title></head></html>";
        let once = with_meta(html, "default-src 'none'").expect("head");
        let twice = with_meta(&once, "default-src 'self'").expect("head");
        assert_eq!(twice.matches("Content-Security-Policy").count(), 1);
        assert!(twice.contains("content=\"default-src 'self'\""));
        assert_eq!(with_meta("<html></html>", "x"), Err(CspError::NoHead));
    }
}
