//! Who is signed in, kept per tab so that a reload keeps the session (sessionStorage).

use leptos::prelude::*;
use onshi_core::{
    contract::session::{AccountView, InstitutionView, SignedIn},
    time::Timestamp,
};
use serde::{Deserialize, Serialize};

use crate::platform::web_storage::WebStorage;

/// The sessionStorage key of the signed-in session.
pub const STORAGE_KEY: &str = "onshi.session";

/// A signed-in session as the app keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub account: AccountView,
    pub institution: InstitutionView,
    pub idle_timeout_s: u32,
    /// The last authenticated request (D5); the idle countdown runs from here.
    pub last_touch: Timestamp,
    /// The endpoint that issued the token ([`crate::transport::Endpoint::id`]): after a reload, a
    /// session is kept only if the app still talks to that endpoint.
    #[serde(default)]
    pub endpoint: String,
    /// The password was issued by the system (a first run's master, a new or reset account) and must
    /// be changed before anything else (seed 003); until then only パスワード変更 opens.
    #[serde(default)]
    pub must_change_password: bool,
}

/// The session context: the current session, and a notice for the sign-in page about why the last
/// one ended.
#[derive(Clone, Copy)]
pub struct SessionContext {
    storage_key: &'static str,
    current: RwSignal<Option<Session>>,
    notice: RwSignal<Option<String>>,
}

impl SessionContext {
    /// The session this tab had before a reload, if any, when it was issued by `endpoint` (another
    /// tab may have switched endpoints since: switching ends any session).
    pub fn restore(storage_key: &'static str, endpoint: &str) -> SessionContext {
        let kept = WebStorage::Session.load::<Session>(storage_key);
        let current = kept.filter(|s| s.endpoint == endpoint);
        if current.is_none() {
            WebStorage::Session.remove(storage_key);
        }
        SessionContext {
            storage_key,
            current: RwSignal::new(current),
            notice: RwSignal::new(None),
        }
    }

    /// The current session (tracked).
    pub fn current(&self) -> Option<Session> {
        self.current.get()
    }

    /// Reads part of the current session (tracked), without cloning the rest.
    pub fn with<T>(&self, f: impl FnOnce(Option<&Session>) -> T) -> T {
        self.current.with(|s| f(s.as_ref()))
    }

    /// Reads part of the current session without tracking (for timers and handlers).
    pub fn peek<T>(&self, f: impl FnOnce(Option<&Session>) -> T) -> T {
        self.current.with_untracked(|s| f(s.as_ref()))
    }

    /// The bearer token, read without tracking (for requests).
    pub fn token(&self) -> Option<String> {
        self.peek(|s| s.map(|s| s.token.clone()))
    }

    /// The last authenticated request, read without tracking.
    pub fn last_touch(&self) -> Option<Timestamp> {
        self.peek(|s| s.map(|s| s.last_touch))
    }

    /// Begins the session `endpoint` issued.
    pub fn begin(&self, signed_in: SignedIn, now: Timestamp, endpoint: String) {
        let session = Session {
            token: signed_in.token,
            account: signed_in.account,
            institution: signed_in.institution,
            idle_timeout_s: signed_in.idle_timeout_s,
            last_touch: now,
            endpoint,
            must_change_password: signed_in.must_change_password,
        };
        WebStorage::Session.save(self.storage_key, &session);
        self.notice.set(None);
        self.current.set(Some(session));
    }

    /// Whether the signed-in account must change its password before anything else (tracked, and
    /// a memo: it changes far more rarely than the session, which every request touches).
    pub fn must_change_password(&self) -> Memo<bool> {
        let current = self.current;
        Memo::new(move |_| current.with(|s| s.as_ref().is_some_and(|s| s.must_change_password)))
    }

    /// The endpoint accepted a new password: the session may go anywhere its kind may.
    pub fn password_changed(&self) {
        self.current.update(|s| {
            if let Some(s) = s {
                s.must_change_password = false;
                WebStorage::Session.save(self.storage_key, s);
            }
        });
    }

    /// The endpoint says the password must be changed first (403 `password_change_required`).
    pub fn password_change_required(&self) {
        if self.peek(|s| s.is_some_and(|s| s.must_change_password)) {
            return;
        }
        self.current.update(|s| {
            if let Some(s) = s {
                s.must_change_password = true;
                WebStorage::Session.save(self.storage_key, s);
            }
        });
    }

    /// Records an authenticated request sent at `sent`. An answer that arrives late (after the tab
    /// slept, or behind a slow endpoint) counts from when it was asked, and never moves the last
    /// activity back.
    pub fn touch(&self, sent: Timestamp) {
        self.current.update(|s| {
            if let Some(s) = s
                && sent > s.last_touch
            {
                s.last_touch = sent;
                WebStorage::Session.save(self.storage_key, s);
            }
        });
    }

    /// Ends the session in this tab, leaving `notice` for the sign-in page. The session's cache goes
    /// with it (decisions.md D4: destroyed at logout and idle timeout).
    pub fn end(&self, notice: Option<String>) {
        WebStorage::Session.remove(self.storage_key);
        super::cache::destroy();
        self.notice.set(notice);
        self.current.set(None);
    }

    /// Why the last session ended (tracked), for the sign-in page.
    pub fn notice(&self) -> Option<String> {
        self.notice.get()
    }
}

pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}
