//! The `Host` allow-list: a request naming a host this endpoint does not answer for gets 421
//! `misdirected_request`, on every route, the app's files and the contract alike.
//!
//! Why: a page of any web site can make the browser resolve its own name to 127.0.0.1 (DNS
//! rebinding) and then talk to a loopback endpoint as a same-origin page — sign-in included. The
//! browser still sends the attacker's name in `Host`, so refusing names we were not given closes
//! that door whatever the DNS says.
//!
//! The rules, each with its reason:
//! - Always answered: `localhost` and loopback addresses (`127.0.0.0/8`, `[::1]`). A rebinding page
//!   cannot make a browser send them: the `Host` is the name in the page's own address.
//! - The address the server listens on, unless it is unspecified (`0.0.0.0`, `[::]`): such a server
//!   has many addresses and names, and only its operator knows which ones staff type, so they are
//!   given with `--host-name`.
//! - Names are compared without case, and one trailing dot is dropped (`onshi.local.` is the same
//!   fully qualified name). IP addresses are compared as addresses, so `[0:0:0:0:0:0:0:1]` is
//!   `[::1]`; an IPv6 address must be in brackets, as in a URL.
//! - The port is not compared: it says nothing about which site the page belongs to, and a server
//!   behind a port forward is reached on another port than the one it listens on.
//! - The request's target in absolute form (`GET http://name/ HTTP/1.1`) and HTTP/2's `:authority`
//!   (both are the URI's authority) are checked as well as `Host`; every host the request names must
//!   be allowed, and two `Host` fields are refused.
//! - A request that names no host at all (HTTP/1.0 without `Host`) is answered: browsers always
//!   send `Host`, so such a request cannot come from a rebinding page, and local tools that omit it
//!   keep working. (The in-process router tests send no `Host` either.)

use std::{
    collections::BTreeSet,
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
    sync::Arc,
};

use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};
use onshi_core::contract::{Problem, ProblemCode};

use crate::http::to_http;

/// The hosts a server answers for (see the module's rules).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedHosts {
    /// Lower-case names without a trailing dot.
    names: BTreeSet<String>,
    /// Addresses besides the loopback ones, which are always allowed.
    addresses: BTreeSet<IpAddr>,
}

/// A `--host-name` that is no host name or address.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("--host-name {given:?} is not a host name or an IP address: {reason}")]
pub struct HostNameError {
    /// The value as given.
    pub given: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl AllowedHosts {
    /// Only `localhost` and the loopback addresses.
    pub fn loopback() -> AllowedHosts {
        AllowedHosts {
            names: BTreeSet::from(["localhost".to_owned()]),
            addresses: BTreeSet::new(),
        }
    }

    /// The loopback names, the address the server listens on (unless unspecified), and `names`:
    /// host names or IP addresses (IPv6 with or without brackets), without a port.
    pub fn new(listen: IpAddr, names: &[String]) -> Result<AllowedHosts, HostNameError> {
        let mut allowed = AllowedHosts::loopback();
        if !listen.is_unspecified() {
            allowed.addresses.insert(listen);
        }
        for given in names {
            let refuse = |reason| HostNameError {
                given: given.clone(),
                reason,
            };
            let bare = given
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .unwrap_or(given);
            if let Ok(address) = bare.parse::<IpAddr>() {
                allowed.addresses.insert(address);
                continue;
            }
            if given.contains(':') {
                return Err(refuse(
                    "give the name without a port (the port is not compared)",
                ));
            }
            match parse_host(given) {
                Some(Host::Name(name)) => {
                    allowed.names.insert(name);
                }
                Some(Host::Address(address)) => {
                    allowed.addresses.insert(address);
                }
                None => {
                    return Err(refuse(
                        "a name is letters, digits, '-', '_' and dots, 253 characters at most",
                    ));
                }
            }
        }
        Ok(allowed)
    }

    /// Whether an authority (`Host`'s value: a host and an optional port) names this server.
    pub fn allows(&self, authority: &str) -> bool {
        match parse_authority(authority) {
            Some(Host::Name(name)) => self.names.contains(&name),
            Some(Host::Address(address)) => {
                address.is_loopback() || self.addresses.contains(&address)
            }
            None => false,
        }
    }

    /// What `--help` and the start-up line can say: every name and address answered for.
    pub fn describe(&self) -> String {
        let mut all: Vec<String> = self.names.iter().cloned().collect();
        all.push("127.0.0.1".to_owned());
        all.push("[::1]".to_owned());
        all.extend(self.addresses.iter().map(|a| match a {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        }));
        all.join(", ")
    }
}

/// A host as a request names it.
#[derive(Debug, PartialEq, Eq)]
enum Host {
    /// A registered name, lower-cased, without its trailing dot.
    Name(String),
    Address(IpAddr),
}

/// `host [":" port]` (RFC 9110 §7.2 and RFC 3986 §3.2.2), or `None` when it is no such thing.
fn parse_authority(authority: &str) -> Option<Host> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => "",
            _ => after.strip_prefix(':')?,
        };
        // A zone (`%25eth0`) or anything else that is not a plain IPv6 address does not parse.
        return port_is_valid(port)
            .then(|| inside.parse::<Ipv6Addr>().ok())
            .flatten()
            .map(|a| Host::Address(IpAddr::V6(a)));
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, port),
            None => (authority, ""),
        }
    };
    // A second colon means an IPv6 address without brackets, which no URL has.
    if !port_is_valid(port) {
        return None;
    }
    parse_host(host)
}

/// RFC 3986's `*DIGIT`, within a port's range.
fn port_is_valid(port: &str) -> bool {
    port.is_empty() || (port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok())
}

/// An IPv4 address in its usual dotted form, or a registered name.
fn parse_host(host: &str) -> Option<Host> {
    if let Ok(address) = host.parse::<Ipv4Addr>() {
        return Some(Host::Address(IpAddr::V4(address)));
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let well_formed = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    well_formed.then(|| Host::Name(name.to_ascii_lowercase()))
}

/// The middleware: every host the request names must be allowed; otherwise 421.
pub async fn guard(
    State(hosts): State<Arc<AllowedHosts>>,
    request: Request,
    next: Next,
) -> Response {
    match misdirected(&hosts, &request) {
        None => next.run(request).await,
        Some(detail) => {
            let mut response = to_http(
                Problem::new(ProblemCode::MisdirectedRequest)
                    .with_detail(detail)
                    .into_response(),
            );
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response.headers_mut().insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        }
    }
}

/// Why a request is not for this server, or `None` when it is.
fn misdirected(hosts: &AllowedHosts, request: &Request) -> Option<String> {
    let mut fields = request.headers().get_all(header::HOST).iter();
    let host = fields.next();
    if fields.next().is_some() {
        return Some("the request has more than one Host field".to_owned());
    }
    let named = host
        .map(|value| value.to_str().map_err(|_| value))
        .into_iter()
        .chain(request.uri().authority().map(|a| Ok(a.as_str())));
    for name in named {
        match name {
            Ok(name) if hosts.allows(name) => {}
            Ok(name) => {
                return Some(format!(
                    "this endpoint does not answer for the host {name:?}"
                ));
            }
            Err(raw) => {
                return Some(format!(
                    "the Host field is not visible ASCII: {:?}",
                    String::from_utf8_lossy(raw.as_bytes())
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_parse_as_their_hosts() {
        let name = |n: &str| Some(Host::Name(n.to_owned()));
        let v4 = |a: [u8; 4]| Some(Host::Address(IpAddr::V4(Ipv4Addr::from(a))));
        for (authority, expected) in [
            ("Example.COM", name("example.com")),
            ("example.com.", name("example.com")),
            ("example.com:8080", name("example.com")),
            ("example.com:", name("example.com")),
            ("127.0.0.1:1", v4([127, 0, 0, 1])),
            (
                "[::1]:80",
                Some(Host::Address(IpAddr::V6(Ipv6Addr::LOCALHOST))),
            ),
            ("::1", None),
            ("[::1", None),
            ("[fe80::1%25eth0]", None),
            ("example.com:99999", None),
            ("example.com:8o", None),
            ("user@example.com", None),
            ("", None),
            ("a..b", None),
            ("example.com..", None),
        ] {
            assert_eq!(parse_authority(authority), expected, "{authority:?}");
        }
    }

    #[test]
    fn host_names_given_on_the_command_line() {
        let hosts = AllowedHosts::new(
            IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            &[
                "Onshi.Local.".to_owned(),
                "192.168.1.10".to_owned(),
                "fe80::1".to_owned(),
                "[fd00::2]".to_owned(),
            ],
        )
        .expect("valid names");
        assert!(hosts.allows("onshi.local"));
        assert!(hosts.allows("192.168.1.10:443"));
        assert!(hosts.allows("[fe80::1]"));
        assert!(hosts.allows("[fd00::2]:8443"));
        assert!(!hosts.allows("0.0.0.0"));
        for bad in ["onshi.local:443", "bad name", "", "a/b"] {
            let error = AllowedHosts::new(IpAddr::V4(Ipv4Addr::LOCALHOST), &[bad.to_owned()])
                .expect_err(bad);
            assert_eq!(error.given, bad);
        }
    }
}
