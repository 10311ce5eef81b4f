//! Who is asking: the bearer token's session, the kind's permissions (decisions.md D2), the idle rule
//! (D5) and whom a write is recorded as made by (D4).

use crate::contract::header;
use sha2::{Digest, Sha256};

use super::{Config, Cx, Fail};
use crate::{
    account::Action,
    contract::{self, ProblemCode, Request},
    idle::{self, IdleState},
    store::{AccountRecord, Change, SessionEnd, SessionRecord, StoreRead},
    time::Timestamp,
};

/// The SHA-256 of a bearer token, in hex: what stores keep instead of the token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The signed-in caller of a request.
pub(super) struct Caller {
    pub(super) session: SessionRecord,
    pub(super) account: AccountRecord,
}

/// Who a write is recorded as made by.
pub(super) struct Audit {
    /// Who authenticated the request: always the caller, so that no header can put a write on
    /// another account.
    pub(super) user: String,
    /// For a queued write another user replays: who the outbox says made it. Kept as a claim the
    /// endpoint cannot verify (decisions.md D4), never as the author.
    pub(super) claimed_by: Option<String>,
}

impl Caller {
    /// The audit of a write the outbox may queue (D4: 照会番号 registration and 同意取消). The write is
    /// recorded as the caller's. When the outbox replays it under its `Idempotency-Key` for the next
    /// signed-in user, the header `Onshi-Original-User` names who made it; that is kept beside the
    /// caller as a claim. Any other request, and a header naming the caller or no account of this
    /// institution, keeps no claim.
    pub(super) fn queued_write_audit(&self, cx: &Cx<'_>, request: &Request) -> Result<Audit, Fail> {
        let user = self.account.user_id.clone();
        if request.headers.get(header::IDEMPOTENCY_KEY).is_none() {
            return Ok(Audit {
                user,
                claimed_by: None,
            });
        }
        let claimed_by = match request.headers.get(header::ORIGINAL_USER).map(str::trim) {
            Some(original) if original != user && cx.read.account(original)?.is_some() => {
                Some(original.to_owned())
            }
            _ => None,
        };
        Ok(Audit { user, claimed_by })
    }
}

/// Whether a request counts as operation for the idle timeout (D5: the event stream does not).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Activity {
    Counts,
    Quiet,
}

/// Checks the bearer token (and, with `activity`, counts the request as operation).
pub(super) fn authenticate(
    cx: &mut Cx<'_>,
    request: &Request,
    activity: Activity,
) -> Result<Caller, Fail> {
    let caller = standing_session(cx.read, cx.now, cx.config, &request.headers)?;
    if activity == Activity::Counts {
        let touched = SessionRecord {
            last_seen: cx.now,
            ..caller.session
        };
        cx.change(Change::PutSession(touched.clone()));
        return Ok(Caller {
            session: touched,
            ..caller
        });
    }
    Ok(caller)
}

/// The session the `Authorization` header names, when it stands: not logged out, not revoked, not
/// idle past the limit, and an account that signs in.
pub(super) fn standing_session(
    read: &dyn StoreRead,
    now: Timestamp,
    config: &Config,
    headers: &contract::Headers,
) -> Result<Caller, Fail> {
    let token = headers
        .get("Authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ProblemCode::Unauthenticated)?;
    let session = read
        .session(&token_hash(token))?
        .ok_or(ProblemCode::Unauthenticated)?;
    match session.ended {
        Some(SessionEnd::LoggedOut) => return Err(ProblemCode::Unauthenticated.into()),
        Some(SessionEnd::Revoked) => return Err(ProblemCode::SessionRevoked.into()),
        None => {}
    }
    if idle::idle_state(session.last_seen, now, config.idle_timeout) == IdleState::Expired {
        return Err(ProblemCode::SessionExpired.into());
    }
    let account = read
        .account(&session.user_id)?
        .filter(|a| a.kind.is_interactive())
        .ok_or(ProblemCode::Unauthenticated)?;
    Ok(Caller { session, account })
}

/// Authenticates and refuses with 403 unless the caller's kind may do `action` (D2). An account with
/// a system-issued password must change it before anything else (seed 003).
pub(super) fn caller(cx: &mut Cx<'_>, request: &Request, action: Action) -> Result<Caller, Fail> {
    caller_with(cx, request, action, Activity::Counts)
}

pub(super) fn caller_with(
    cx: &mut Cx<'_>,
    request: &Request,
    action: Action,
    activity: Activity,
) -> Result<Caller, Fail> {
    let caller = authenticate(cx, request, activity)?;
    if caller.account.must_change_password {
        return Err(ProblemCode::PasswordChangeRequired.into());
    }
    if !caller.account.kind.may(action) {
        return Err(ProblemCode::Forbidden.into());
    }
    Ok(caller)
}
