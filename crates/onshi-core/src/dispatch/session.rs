//! The `session` group: sign-in with lockout and the forced-login prompt, sign-out, activity, and
//! password change (seeds 001 and 004; decisions.md D2, D5, D7).

use crate::{
    catalogue,
    contract::{
        FieldError, Problem, ProblemCode, Request, Response,
        session::{AccountView, InstitutionView, PasswordChange, SignIn, SignedIn},
    },
    dispatch::{
        Activity, Cx, Fail, Handled, authenticate, internal, json_body, refuse_findings, token_hash,
    },
    password, random,
    store::{AccountRecord, Change, LoginFailures, SessionEnd, SessionRecord},
    time::Rfc3339,
    validate,
};

/// `POST /session`, in two phases (decisions.md D3).
///
/// The password hash is slow on purpose, so it is never checked inside a store transaction: the first
/// phase reads the lockout and the hash to check against — the account's, or a decoy for an ID that
/// does not exist, which takes as long — and stops with [`Fail::Verify`]. Whoever runs the dispatcher
/// verifies outside the store ([`PasswordCheck::verify`]) and dispatches the request again with the
/// outcome, and this second phase applies it: the lockout and the account are read again, so a lock
/// that came in between still refuses, the counters cannot race, and a hash that changed in between
/// is verified anew.
///
/// The order of answers is fixed: a malformed form (422), a locked ID (423, even with the right
/// password), a wrong ID or password (401, or 423 when that was the last allowed attempt), a system
/// account (403), an ID with a session that was not logged out (409, unless `force`), and then 201.
pub(super) fn sign_in(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let body: SignIn = json_body(request)?;
    refuse_findings(validate::sign_in(&body.user_id, &body.password))?;

    let failures = cx.read.login_failures(&body.user_id)?;
    let failures_before = match &failures {
        Some(LoginFailures {
            locked_until: Some(until),
            ..
        }) if cx.now < *until => return Err(locked(*until)),
        // A lock that has run out starts the count again.
        Some(LoginFailures {
            locked_until: Some(_),
            ..
        }) => 0,
        Some(f) => f.count,
        None => 0,
    };

    let account = cx.read.account(&body.user_id)?;
    // An unknown ID is checked against a decoy, so that it takes as long as a wrong password.
    let hash = account
        .as_ref()
        .map_or(password::DECOY_HASH, |a| a.password_hash.as_str());
    let password_matches = match cx.verified.take() {
        Some(verified) if verified.user_id == body.user_id && verified.hash == hash => {
            verified.matches
        }
        // The first phase, or the password changed since it was verified: verify (again).
        _ => {
            return Err(Fail::Verify(PasswordCheck {
                user_id: body.user_id,
                password: body.password,
                hash: hash.to_owned(),
            }));
        }
    };
    let account = match account {
        Some(account) if password_matches => account,
        unknown_or_wrong => {
            return Err(count_failure(
                cx,
                &body.user_id,
                failures_before,
                unknown_or_wrong.is_some(),
            ));
        }
    };
    if failures.is_some() {
        cx.change(Change::ClearLoginFailures {
            user_id: body.user_id.clone(),
        });
    }
    if !account.kind.is_interactive() {
        return Err(ProblemCode::SystemAccountNotInteractive.into());
    }

    let sessions = cx.read.sessions_of(&account.user_id)?;
    let not_logged_out = sessions.iter().any(|s| s.ended.is_none());
    if not_logged_out && !body.force {
        return Err(ProblemCode::SessionInUse.into());
    }
    for session in sessions {
        let idle_since = cx.now.since(session.last_seen);
        match session.ended {
            // A logged-out session's tab ended it itself; a revoked one is kept while its tab may
            // still come back within the idle limit, so that it learns why (session_revoked).
            Some(SessionEnd::LoggedOut) => cx.change(Change::DeleteSession {
                token_hash: session.token_hash,
            }),
            Some(SessionEnd::Revoked) if idle_since >= cx.config.idle_timeout => {
                cx.change(Change::DeleteSession {
                    token_hash: session.token_hash,
                })
            }
            Some(SessionEnd::Revoked) => {}
            // Staff answered 「はい」: the other session ends, and its tab learns why.
            None => cx.change(Change::PutSession(SessionRecord {
                ended: Some(SessionEnd::Revoked),
                ..session
            })),
        }
    }

    let institution = cx.institution()?;
    let token = random::token(cx.random);
    cx.change(Change::PutSession(SessionRecord {
        token_hash: token_hash(&token),
        user_id: account.user_id.clone(),
        created_at: cx.now,
        last_seen: cx.now,
        ended: None,
    }));
    Ok(Response::json(
        201,
        &SignedIn {
            token,
            account: account_view(&account),
            institution: InstitutionView {
                code: institution.code,
                name: institution.name,
            },
            idle_timeout_s: u32::try_from(cx.config.idle_timeout.num_seconds()).unwrap_or(u32::MAX),
            must_change_password: account.must_change_password,
        },
    ))
}

/// Sign-in's slow step, taken out of the store transaction: a password and the hash it must match.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordCheck {
    user_id: String,
    password: String,
    hash: String,
}

impl PasswordCheck {
    /// Runs the password hash (Argon2id: tens of milliseconds and its memory cost, on purpose).
    pub fn verify(self) -> VerifiedPassword {
        self.verify_with(&mut password::Verifier::default())
    }

    /// [`PasswordCheck::verify`] with a verifier whose working memory is kept between checks.
    pub fn verify_with(self, verifier: &mut password::Verifier) -> VerifiedPassword {
        let matches = verifier.verify(&self.password, &self.hash);
        VerifiedPassword {
            user_id: self.user_id,
            hash: self.hash,
            matches,
        }
    }
}

impl std::fmt::Debug for PasswordCheck {
    // The password never reaches a log, nor the hash, even through a debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordCheck")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

/// The outcome of a [`PasswordCheck`], for sign-in's second phase: it counts only while the account
/// still has the hash it was checked against.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifiedPassword {
    user_id: String,
    hash: String,
    matches: bool,
}

impl std::fmt::Debug for VerifiedPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedPassword")
            .field("user_id", &self.user_id)
            .field("matches", &self.matches)
            .finish_non_exhaustive()
    }
}

/// Records one more wrong password and says how it ended: 401 with the attempts left, or 423 when
/// this attempt used up the last one. The failures of IDs that are not accounts are counted the same
/// way (a wrong ID looks like a wrong password) and pruned once older than a lock lasts.
fn count_failure(cx: &mut Cx<'_>, user_id: &str, failures_before: u32, known: bool) -> Fail {
    let count = failures_before + 1;
    if !known {
        cx.change(Change::PruneLoginFailures {
            before: cx.now + -cx.config.lock_duration,
        });
    }
    let last_failed_at = Some(cx.now);
    if count >= cx.config.max_failures {
        let until = cx.now + cx.config.lock_duration;
        cx.change(Change::PutLoginFailures(LoginFailures {
            user_id: user_id.to_owned(),
            count,
            locked_until: Some(until),
            last_failed_at,
        }));
        locked(until)
    } else {
        cx.change(Change::PutLoginFailures(LoginFailures {
            user_id: user_id.to_owned(),
            count,
            locked_until: None,
            last_failed_at,
        }));
        let mut problem = Problem::new(ProblemCode::InvalidCredentials);
        problem.remaining_attempts = Some(cx.config.max_failures - count);
        problem.into()
    }
}

fn locked(until: crate::time::Timestamp) -> Fail {
    let mut problem = Problem::new(ProblemCode::AccountLocked);
    problem.locked_until = Some(Rfc3339(until));
    problem.into()
}

fn account_view(account: &AccountRecord) -> AccountView {
    AccountView {
        id: account.user_id.clone(),
        name: account.name.clone(),
        kind: account.kind,
    }
}

/// `DELETE /session`: 「ログアウト」.
pub(super) fn sign_out(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = authenticate(cx, request, Activity::Counts)?;
    cx.change(Change::PutSession(SessionRecord {
        ended: Some(SessionEnd::LoggedOut),
        ..caller.session
    }));
    Ok(Response::no_content())
}

/// `POST /session/activity`: the user is working without sending requests (D5).
pub(super) fn activity(cx: &mut Cx<'_>, request: &Request) -> Handled {
    authenticate(cx, request, Activity::Counts)?;
    Ok(Response::no_content())
}

/// `PUT /session/password`: パスワード変更.
pub(super) fn change_password(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = authenticate(cx, request, Activity::Counts)?;
    let body: PasswordChange = json_body(request)?;
    refuse_findings(validate::password_change(&body.current, &body.new))?;
    if !password::verify(&body.current, &caller.account.password_hash) {
        let mut problem = Problem::new(ProblemCode::InvalidRequest);
        problem.errors.push(FieldError {
            field: "current".to_owned(),
            message: catalogue::CURRENT_PASSWORD_WRONG.to_owned(),
        });
        return Err(problem.into());
    }
    let password_hash =
        password::hash(&body.new, cx.config.password_cost, cx.random).map_err(internal)?;
    cx.change(Change::PutAccount(AccountRecord {
        password_hash,
        must_change_password: false,
        ..caller.account
    }));
    Ok(Response::no_content())
}
