//! アカウント管理 (seed 002, decisions.md S14): マスタ manages 管理 accounts, 管理 manages 一般 and
//! 医療情報閲覧 (decisions.md D2, D7). The system issues each new or reset password, shown once and
//! changed at first sign-in (seed 003).

use crate::{
    account::{AccountKind, Action},
    catalogue,
    contract::{
        Problem, ProblemCode, Request, Response,
        groups::{AccountItem, AccountList, AccountUpdate, IssuedPassword, NewAccount},
    },
    dispatch::{Caller, Cx, Fail, Handled, caller, internal, json_body, refuse_findings},
    password, random,
    store::{AccountRecord, Change, SessionEnd, SessionRecord},
    validate::{self, Finding},
};

/// The longest account name (ours).
const NAME_MAX_CHARS: usize = 40;

fn item(a: &AccountRecord) -> AccountItem {
    AccountItem {
        id: a.user_id.clone(),
        name: a.name.clone(),
        kind: a.kind,
        must_change_password: a.must_change_password,
    }
}

pub(super) fn list(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = caller(cx, request, Action::ManageAccounts)?;
    let items = cx
        .read
        .accounts()?
        .iter()
        .filter(|a| caller.account.kind.may_manage(a.kind))
        .map(item)
        .collect();
    Ok(Response::json(200, &AccountList { items }))
}

fn parse_kind(text: &str) -> Option<AccountKind> {
    AccountKind::ALL
        .into_iter()
        .find(|k| k.as_str() == text.trim())
}

fn name_findings(name: &str, findings: &mut Vec<Finding>) {
    let name = name.trim();
    if name.is_empty() {
        findings.push(Finding::new("name", catalogue::ACCOUNT_NAME_REQUIRED));
    } else if name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        findings.push(Finding::new("name", catalogue::ACCOUNT_NAME_FORMAT));
    }
}

pub(super) fn create(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = caller(cx, request, Action::ManageAccounts)?;
    let body: NewAccount = json_body(request)?;
    let mut findings: Vec<Finding> = validate::sign_in(&body.user_id, "placeholder")
        .into_iter()
        .filter(|f| f.field == "user_id")
        .collect();
    name_findings(&body.name, &mut findings);
    let kind = parse_kind(&body.kind);
    if kind.is_none() {
        findings.push(Finding::new("kind", catalogue::ACCOUNT_KIND));
    }
    refuse_findings(findings)?;
    let Some(kind) = kind else {
        return Err(ProblemCode::InvalidRequest.into());
    };
    if !caller.account.kind.may_manage(kind) {
        return Err(ProblemCode::Forbidden.into());
    }
    if cx.read.account(&body.user_id)?.is_some() {
        return Err(ProblemCode::AccountExists.into());
    }
    let (record, initial_password) = with_new_password(
        cx,
        AccountRecord {
            user_id: body.user_id.clone(),
            name: body.name.trim().to_owned(),
            kind,
            password_hash: String::new(),
            must_change_password: true,
        },
    )?;
    Ok(Response::json(
        201,
        &IssuedPassword {
            account: item(&record),
            initial_password,
        },
    ))
}

/// Issues a system password to `account` (which must then change it) and stores the account.
fn with_new_password(
    cx: &mut Cx<'_>,
    account: AccountRecord,
) -> Result<(AccountRecord, String), Fail> {
    let initial_password = random::initial_password(cx.random);
    let password_hash =
        password::hash(&initial_password, cx.config.password_cost, cx.random).map_err(internal)?;
    let record = AccountRecord {
        password_hash,
        must_change_password: true,
        ..account
    };
    cx.change(Change::PutAccount(record.clone()));
    Ok((record, initial_password))
}

/// The account `id`, which the caller may manage and which is not the caller's own.
fn managed(cx: &Cx<'_>, caller: &Caller, id: &str) -> Result<AccountRecord, Fail> {
    let target = cx.read.account(id)?.ok_or_else(|| {
        Fail::from(Problem::new(ProblemCode::NotFound).with_detail(format!("no account {id:?}")))
    })?;
    if target.user_id == caller.account.user_id {
        return Err(ProblemCode::OwnAccount.into());
    }
    if !caller.account.kind.may_manage(target.kind) {
        return Err(ProblemCode::Forbidden.into());
    }
    Ok(target)
}

/// Ends every live session of an account (after a reset or a deletion), telling its tabs why.
fn revoke_sessions(cx: &mut Cx<'_>, user_id: &str) -> Result<(), Fail> {
    for session in cx.read.sessions_of(user_id)? {
        if session.ended.is_none() {
            cx.change(Change::PutSession(SessionRecord {
                ended: Some(SessionEnd::Revoked),
                ..session
            }));
        }
    }
    Ok(())
}

pub(super) fn update(cx: &mut Cx<'_>, request: &Request, id: &str) -> Handled {
    let caller = caller(cx, request, Action::ManageAccounts)?;
    let target = managed(cx, &caller, id)?;
    let body: AccountUpdate = json_body(request)?;
    let mut findings = Vec::new();
    if let Some(name) = &body.name {
        name_findings(name, &mut findings);
    }
    let kind = match &body.kind {
        Some(k) => match parse_kind(k) {
            Some(kind) => Some(kind),
            None => {
                findings.push(Finding::new("kind", catalogue::ACCOUNT_KIND));
                None
            }
        },
        None => None,
    };
    refuse_findings(findings)?;
    if kind.is_some_and(|k| !caller.account.kind.may_manage(k)) {
        return Err(ProblemCode::Forbidden.into());
    }
    let updated = AccountRecord {
        name: body
            .name
            .map(|n| n.trim().to_owned())
            .unwrap_or(target.name.clone()),
        kind: kind.unwrap_or(target.kind),
        ..target
    };
    cx.change(Change::PutAccount(updated.clone()));
    Ok(Response::json(200, &item(&updated)))
}

pub(super) fn reset_password(cx: &mut Cx<'_>, request: &Request, id: &str) -> Handled {
    let caller = caller(cx, request, Action::ManageAccounts)?;
    let target = managed(cx, &caller, id)?;
    let (record, initial_password) = with_new_password(cx, target)?;
    revoke_sessions(cx, &record.user_id)?;
    // An administrator's reset is how a locked-out user gets back in before the lock runs out (seed
    // 004's wording): the new password works at once.
    cx.change(Change::ClearLoginFailures {
        user_id: record.user_id.clone(),
    });
    Ok(Response::json(
        200,
        &IssuedPassword {
            account: item(&record),
            initial_password,
        },
    ))
}

pub(super) fn delete(cx: &mut Cx<'_>, request: &Request, id: &str) -> Handled {
    let caller = caller(cx, request, Action::ManageAccounts)?;
    let target = managed(cx, &caller, id)?;
    revoke_sessions(cx, &target.user_id)?;
    // Nothing of the account outlives it: its 目視確認 passcode must not open a reader, and an ID made
    // again later starts without its predecessor's wrong passwords.
    cx.change(Change::DeletePasscode {
        user_id: target.user_id.clone(),
    });
    cx.change(Change::ClearLoginFailures {
        user_id: target.user_id.clone(),
    });
    cx.change(Change::DeleteAccount {
        user_id: target.user_id,
    });
    Ok(Response::no_content())
}
