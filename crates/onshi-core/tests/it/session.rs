//! The session group: sign-in, lockout, the forced-login prompt, idle logout, sign-out, password
//! change (seeds 001 and 004; decisions.md D2, D5, D7).

use chrono::TimeDelta;
use onshi_core::{
    client,
    contract::{Capabilities, Headers, Method, Request, session::SignedIn},
    store::{Store, StoreError, StoreRead, Work},
};

use crate::harness::{Harness, problem};

fn signed_in(h: &mut Harness, user_id: &str, password: &str) -> SignedIn {
    let response = h.send(&client::sign_in(user_id, password, false));
    client::expect_json(&response, 201).expect("sign-in succeeds")
}

#[test]
fn every_interactive_training_account_signs_in_with_its_kind_and_name() {
    let cases = [
        ("002", "Onshi*002*002", "スタッフ002", "general"),
        ("003", "Onshi*003*003", "医療情報閲覧003", "medical_viewer"),
        ("admin01", "Onshi*admin*01", "医療機関管理 01", "admin"),
        ("master", "Onshi*master*00", "マスタアカウント", "master"),
    ];
    for (id, password, name, kind) in cases {
        let mut h = Harness::training();
        let response = h.send(&client::sign_in(id, password, false));
        assert_eq!(response.status, 201, "{id}");
        assert_eq!(response.headers.get("cache-control"), Some("no-store"));
        let body: serde_json::Value = serde_json::from_slice(&response.body).expect("json");
        assert_eq!(body["account"]["id"], id);
        assert_eq!(body["account"]["name"], name);
        assert_eq!(body["account"]["kind"], kind);
        assert_eq!(body["institution"]["code"], "1234567897");
        assert_eq!(body["institution"]["name"], "サンプル医療機関");
        assert_eq!(body["idle_timeout_s"], 1800);
        assert_eq!(body["token"].as_str().map(str::len), Some(43));
    }
}

#[test]
fn the_system_account_is_refused_and_gets_no_token() {
    let mut h = Harness::training();
    let response = h.send(&client::sign_in("renkei01", "Onshi*renkei*01", false));
    let p = problem(&response, 403);
    assert_eq!(p.code, "system_account_not_interactive");
    assert!(!String::from_utf8_lossy(&response.body).contains("token"));
    assert!(h.store.sessions_of("renkei01").expect("read").is_empty());
    // With the wrong password it is just a wrong password: nothing tells the account kind.
    assert_eq!(
        problem(&h.send(&client::sign_in("renkei01", "x", false)), 401).code,
        "invalid_credentials"
    );
}

#[test]
fn five_wrong_passwords_lock_the_id_for_thirty_minutes() {
    let mut h = Harness::training();
    for remaining in [4, 3, 2, 1] {
        let p = problem(&h.send(&client::sign_in("002", "wrong", false)), 401);
        assert_eq!(p.code, "invalid_credentials");
        assert_eq!(p.title, "ユーザIDまたはパスワードが正しくありません。");
        assert_eq!(p.remaining_attempts, Some(remaining));
    }
    let fifth = problem(&h.send(&client::sign_in("002", "wrong", false)), 423);
    assert_eq!(fifth.code, "account_locked");
    assert_eq!(
        fifth.title,
        "パスワードを5回間違えたため、ログインができなくなりました。30分お待ちいただき、再度ログインをお願い致します。お急ぎの場合は、管理者にパスワードの初期化を依頼してください。"
    );
    let until = fifth.locked_until.expect("until").0;
    assert_eq!(until.to_rfc3339(), "2026-11-22T09:30:00.000+09:00");

    // Locked means locked: the right password is refused too, right up to the end of the lock.
    h.advance(TimeDelta::minutes(30) - TimeDelta::milliseconds(1));
    let still = problem(
        &h.send(&client::sign_in("002", "Onshi*002*002", false)),
        423,
    );
    assert_eq!(still.locked_until.map(|t| t.0), Some(until));

    h.advance(TimeDelta::milliseconds(1));
    signed_in(&mut h, "002", "Onshi*002*002");
    assert_eq!(
        h.store.login_failures("002").expect("read"),
        None,
        "success clears the count"
    );
}

#[test]
fn a_success_resets_the_count_of_wrong_passwords() {
    let mut h = Harness::training();
    for _ in 0..4 {
        h.send(&client::sign_in("admin01", "wrong", false));
    }
    signed_in(&mut h, "admin01", "Onshi*admin*01");
    let p = problem(&h.send(&client::sign_in("admin01", "wrong", false)), 401);
    assert_eq!(p.remaining_attempts, Some(4));
}

#[test]
fn a_lock_that_ran_out_counts_from_zero_again() {
    let mut h = Harness::training();
    for _ in 0..5 {
        h.send(&client::sign_in("002", "wrong", false));
    }
    h.advance(TimeDelta::minutes(31));
    let p = problem(&h.send(&client::sign_in("002", "wrong", false)), 401);
    assert_eq!(p.remaining_attempts, Some(4));
}

#[test]
fn unknown_ids_answer_exactly_like_wrong_passwords() {
    let mut h = Harness::training();
    let unknown = problem(&h.send(&client::sign_in("nobody", "wrong", false)), 401);
    let wrong = problem(&h.send(&client::sign_in("002", "wrong", false)), 401);
    assert_eq!(unknown, wrong);
    for _ in 0..4 {
        h.send(&client::sign_in("nobody", "wrong", false));
    }
    assert_eq!(
        problem(&h.send(&client::sign_in("nobody", "x", false)), 423).code,
        "account_locked"
    );
}

#[test]
fn a_live_session_prompts_and_force_takes_over() {
    let mut h = Harness::training();
    let first = signed_in(&mut h, "002", "Onshi*002*002");
    let prompt = problem(
        &h.send(&client::sign_in("002", "Onshi*002*002", false)),
        409,
    );
    assert_eq!(prompt.code, "session_in_use");
    assert_eq!(
        prompt.title,
        "前回正常にログアウトされていなかった可能性があります。または、該当ユーザは既に使用されています。強制的にログインしますか？"
    );
    // The prompt changed nothing: the first session still works.
    assert_eq!(h.send(&client::activity(&first.token)).status, 204);

    let second: SignedIn =
        client::expect_json(&h.send(&client::sign_in("002", "Onshi*002*002", true)), 201)
            .expect("forced");
    assert_ne!(second.token, first.token);
    assert_eq!(
        problem(&h.send(&client::activity(&first.token)), 401).code,
        "session_revoked"
    );
    assert_eq!(h.send(&client::activity(&second.token)).status, 204);
}

#[test]
fn a_locked_id_answers_423_before_409() {
    let mut h = Harness::training();
    signed_in(&mut h, "002", "Onshi*002*002");
    for _ in 0..5 {
        h.send(&client::sign_in("002", "wrong", false));
    }
    assert_eq!(
        problem(
            &h.send(&client::sign_in("002", "Onshi*002*002", false)),
            423
        )
        .code,
        "account_locked"
    );
    assert_eq!(
        problem(&h.send(&client::sign_in("002", "Onshi*002*002", true)), 423).code,
        "account_locked"
    );
}

#[test]
fn the_wrong_password_with_a_live_session_is_still_401() {
    let mut h = Harness::training();
    signed_in(&mut h, "002", "Onshi*002*002");
    assert_eq!(
        problem(&h.send(&client::sign_in("002", "nope", false)), 401).code,
        "invalid_credentials"
    );
}

#[test]
fn logging_out_ends_the_session_and_the_next_sign_in_does_not_prompt() {
    let mut h = Harness::training();
    let s = signed_in(&mut h, "003", "Onshi*003*003");
    assert_eq!(h.send(&client::sign_out(&s.token)).status, 204);
    assert_eq!(
        problem(&h.send(&client::activity(&s.token)), 401).code,
        "unauthenticated"
    );
    assert_eq!(
        problem(&h.send(&client::sign_out(&s.token)), 401).code,
        "unauthenticated"
    );
    signed_in(&mut h, "003", "Onshi*003*003");
    // The ended session was forgotten at that sign-in; only the new one remains.
    assert_eq!(h.store.sessions_of("003").expect("read").len(), 1);
}

#[test]
fn thirty_idle_minutes_end_the_session_and_the_next_sign_in_prompts() {
    let mut h = Harness::training();
    let s = signed_in(&mut h, "002", "Onshi*002*002");
    // Any authenticated request counts as activity and restarts the 30 minutes.
    h.advance(TimeDelta::minutes(29));
    assert_eq!(h.send(&client::activity(&s.token)).status, 204);
    h.advance(TimeDelta::minutes(29));
    assert_eq!(h.send(&client::activity(&s.token)).status, 204);
    h.advance(TimeDelta::minutes(30));
    let p = problem(&h.send(&client::activity(&s.token)), 401);
    assert_eq!(p.code, "session_expired");
    assert_eq!(
        p.title,
        "30分間操作が行われなかったため、セキュリティ管理の為にログアウトしました。"
    );
    // Seed 001 FAQ 3: after an automatic logout the prompt appears, and 「はい」 signs in.
    assert_eq!(
        problem(
            &h.send(&client::sign_in("002", "Onshi*002*002", false)),
            409
        )
        .code,
        "session_in_use"
    );
    client::expect_json::<SignedIn>(&h.send(&client::sign_in("002", "Onshi*002*002", true)), 201)
        .expect("forced sign-in");
}

#[test]
fn requests_without_a_valid_token_are_401() {
    let mut h = Harness::training();
    let bare = Request::new(Method::Post, "/session/activity");
    assert_eq!(problem(&h.send(&bare), 401).code, "unauthenticated");
    let mut basic = bare.clone();
    basic.headers.set("Authorization", "Basic MDAyOk9uc2hp");
    assert_eq!(problem(&h.send(&basic), 401).code, "unauthenticated");
    assert_eq!(
        problem(&h.send(&client::activity("made-up")), 401).code,
        "unauthenticated"
    );
    assert_eq!(
        problem(&h.send(&client::activity("")), 401).code,
        "unauthenticated"
    );
}

#[test]
fn sign_in_bodies_are_validated_with_every_finding() {
    let mut h = Harness::training();
    let p = problem(&h.send(&client::sign_in("", "", false)), 422);
    assert_eq!(p.code, "invalid_request");
    let fields: Vec<(&str, &str)> = p
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("user_id", "ユーザIDを入力してください。"),
            ("password", "パスワードを入力してください。")
        ]
    );
    // Missing fields read as empty; unknown fields are ignored.
    let mut odd = Request::new(Method::Post, "/session");
    odd.headers
        .set("Content-Type", "application/json; charset=utf-8");
    odd.body = br#"{"user_id":"002","extra":[1,2,3]}"#.to_vec();
    let p = problem(&h.send(&odd), 422);
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.errors[0].field, "password");
    // Validation failures never count as wrong passwords.
    assert_eq!(h.store.login_failures("002").expect("read"), None);
}

#[test]
fn malformed_bodies_are_400_and_other_media_types_415() {
    let mut h = Harness::training();
    let mut r = Request::new(Method::Post, "/session");
    r.headers.set("Content-Type", "application/json");
    for body in [&b""[..], b"{", b"[]", br#"{"user_id": 2}"#, b"\xff\xfe"] {
        r.body = body.to_vec();
        let p = problem(&h.send(&r), 400);
        assert_eq!(p.code, "malformed_body");
        assert!(
            p.detail.is_some(),
            "the detail names where decoding stopped"
        );
    }
    r.body = br#"{"user_id": 2, "password": "x"}"#.to_vec();
    let detail = problem(&h.send(&r), 400).detail.expect("detail");
    assert!(
        detail.starts_with("user_id: invalid type: integer"),
        "{detail}"
    );
    r.body = br#"{"user_id": "002", "password": "x"} {}"#.to_vec();
    assert_eq!(problem(&h.send(&r), 400).code, "malformed_body");
    r.headers.set("Content-Type", "text/plain");
    r.body = br#"{"user_id":"002","password":"Onshi*002*002"}"#.to_vec();
    assert_eq!(problem(&h.send(&r), 415).code, "unsupported_media_type");
}

#[test]
fn oversize_bodies_are_413() {
    let mut h = Harness::training();
    let mut r = client::sign_in("002", "Onshi*002*002", false);
    r.body = vec![b' '; 1024 * 1024 + 1];
    assert_eq!(problem(&h.send(&r), 413).code, "payload_too_large");
}

#[test]
fn unknown_paths_are_404_and_wrong_methods_405() {
    let mut h = Harness::training();
    for target in [
        "/onshi/v1/nothing",
        "/onshi/v2/session",
        "/session",
        "/onshi/v1/session/extra/more",
    ] {
        let r = Request {
            method: Method::Get,
            target: target.to_owned(),
            headers: Headers::new(),
            body: Vec::new(),
        };
        assert_eq!(problem(&h.send(&r), 404).code, "not_found", "{target}");
    }
    let response = h.send(&Request::new(Method::Get, "/session"));
    assert_eq!(problem(&response, 405).code, "method_not_allowed");
    assert_eq!(response.headers.get("allow"), Some("POST, DELETE"));
}

#[test]
fn capabilities_need_no_session() {
    let mut h = Harness::training();
    let caps: Capabilities =
        client::expect_json(&h.send(&client::capabilities()), 200).expect("caps");
    assert_eq!(caps.contract_version, "1.4.0");
    assert!(caps.groups.contains(&"session".to_owned()));
    assert!(caps.training);
}

/// The sign-in page lists the training accounts from the endpoint: anonymous, on training data only.
#[test]
fn training_accounts_are_listed_without_a_session() {
    let mut h = Harness::training();
    let listed: onshi_core::contract::groups::TrainingAccounts = client::expect_json(
        &h.send(&Request::new(Method::Get, "/training/accounts")),
        200,
    )
    .expect("accounts");
    let general = listed
        .items
        .iter()
        .find(|a| a.user_id == "002")
        .expect("002 is listed");
    assert_eq!(general.password, "Onshi*002*002");
    assert_eq!(general.kind, onshi_core::account::AccountKind::General);
    assert_eq!(general.name, "スタッフ002");
    let ids: Vec<&str> = listed.items.iter().map(|a| a.user_id.as_str()).collect();
    assert_eq!(ids, ["002", "003", "admin01", "master", "renkei01"]);
    // Each listed password signs in.
    let signed_in = h.send(&client::sign_in("002", &general.password, true));
    assert_eq!(signed_in.status, 201);

    // A real endpoint has no training group, so no such route.
    h.dispatcher = onshi_core::dispatch::Dispatcher::new(onshi_core::dispatch::Config::standard());
    let response = h.send(&Request::new(Method::Get, "/training/accounts"));
    assert_eq!(problem(&response, 404).code, "not_found");
}

/// The history window is the endpoint's to say (seed 001 FAQ 5: 2 years back), so the app's search
/// offers and checks the same dates as the endpoint that answers it.
#[test]
fn capabilities_give_the_history_window() {
    let mut h = Harness::training();
    let caps: Capabilities =
        client::expect_json(&h.send(&client::capabilities()), 200).expect("caps");
    assert_eq!(caps.history_window_days, Some(731));

    h.dispatcher = onshi_core::dispatch::Dispatcher::new(onshi_core::dispatch::Config {
        history_window: chrono::TimeDelta::days(400),
        ..onshi_core::dispatch::Config::training()
    });
    let caps: Capabilities =
        client::expect_json(&h.send(&client::capabilities()), 200).expect("caps");
    assert_eq!(caps.history_window_days, Some(400));
}

#[test]
fn changing_the_password() {
    let mut h = Harness::training();
    let s = signed_in(&mut h, "002", "Onshi*002*002");
    let wrong_current = problem(
        &h.send(&client::change_password(&s.token, "nope", "Kotoshi*2026")),
        422,
    );
    assert_eq!(wrong_current.errors[0].field, "current");
    assert_eq!(
        wrong_current.errors[0].message,
        "現在のパスワードが正しくありません。"
    );
    let weak = problem(
        &h.send(&client::change_password(&s.token, "Onshi*002*002", "short")),
        422,
    );
    assert_eq!(weak.errors[0].field, "new");
    assert_eq!(
        h.send(&client::change_password(
            &s.token,
            "Onshi*002*002",
            "Kotoshi*2026"
        ))
        .status,
        204
    );
    assert_eq!(h.send(&client::sign_out(&s.token)).status, 204);
    assert_eq!(
        problem(
            &h.send(&client::sign_in("002", "Onshi*002*002", false)),
            401
        )
        .code,
        "invalid_credentials"
    );
    signed_in(&mut h, "002", "Kotoshi*2026");
}

#[test]
fn the_same_seed_and_clock_give_the_same_answers() {
    let run = || {
        let mut h = Harness::training();
        let first = h.send(&client::sign_in("002", "Onshi*002*002", false));
        let second = h.send(&client::sign_in("002", "Onshi*002*002", true));
        (first, second)
    };
    assert_eq!(run(), run());
}

/// A store whose reads work but whose commits fail, to show a storage failure changes nothing and
/// answers 500 without details.
struct FailingCommit(onshi_core::store::MemoryStore);

impl Store for FailingCommit {
    fn transaction(&mut self, work: &mut Work<'_>) -> Result<(), StoreError> {
        work(&self.0)?;
        Err(StoreError::Backend {
            message: "disk full at /var/lib/secret".to_owned(),
        })
    }
}

#[test]
fn a_storage_failure_is_a_500_that_names_nothing_inside() {
    let h = Harness::training();
    let mut store = FailingCommit(h.store.clone());
    let mut random = h.random.clone();
    let mut env = onshi_core::dispatch::Env {
        now: h.now,
        random: &mut random,
    };
    let response = h.dispatcher.dispatch(
        &mut store,
        &mut env,
        &client::sign_in("002", "Onshi*002*002", false),
    );
    let p = problem(&response, 500);
    assert_eq!(p.code, "internal");
    assert!(!String::from_utf8_lossy(&response.body).contains("secret"));
    assert!(store.0.sessions_of("002").expect("read").is_empty());
}

/// Sign-in's first phase (decisions.md D3) reads and changes nothing but stops for the password
/// check; the outcome is applied in a second transaction that reads the lockout again, so a lock
/// that came in between still refuses the right password.
#[test]
fn sign_in_checks_the_password_between_two_transactions_that_reread_the_lock() {
    use onshi_core::dispatch::{Dispatched, Env};
    let mut h = Harness::training();
    let right = client::sign_in("002", "Onshi*002*002", false);
    let mut env = Env {
        now: h.now,
        random: &mut h.random,
    };
    let Dispatched::Verify(check) = h.dispatcher.dispatch_with(&mut h.store, &mut env, &right)
    else {
        panic!("the first phase stops for the password check");
    };
    assert!(
        h.store.sessions_of("002").expect("reads").is_empty(),
        "nothing is applied before the check"
    );
    let verified = check.verify();
    // Meanwhile, five wrong passwords lock the ID.
    for _ in 0..5 {
        h.send(&client::sign_in("002", "wrong", false));
    }
    let mut env = Env {
        now: h.now,
        random: &mut h.random,
    };
    let Dispatched::Answered(response) =
        h.dispatcher
            .finish_sign_in(&mut h.store, &mut env, &right, verified)
    else {
        panic!("the second phase answers");
    };
    assert_eq!(problem(&response, 423).code, "account_locked");
}

/// A password changed between the phases is checked again, against the new hash: the old password's
/// success does not carry over.
#[test]
fn a_password_changed_between_the_phases_is_checked_again() {
    use onshi_core::dispatch::{Dispatched, Env};
    let mut h = Harness::training();
    let old = client::sign_in("002", "Onshi*002*002", true);
    let mut env = Env {
        now: h.now,
        random: &mut h.random,
    };
    let Dispatched::Verify(check) = h.dispatcher.dispatch_with(&mut h.store, &mut env, &old) else {
        panic!("the first phase stops for the password check");
    };
    let verified = check.verify();
    let token = signed_in(&mut h, "002", "Onshi*002*002").token;
    assert_eq!(
        h.send(&client::change_password(
            &token,
            "Onshi*002*002",
            "Kaeta*002*pw"
        ))
        .status,
        204
    );
    let mut env = Env {
        now: h.now,
        random: &mut h.random,
    };
    let again = h
        .dispatcher
        .finish_sign_in(&mut h.store, &mut env, &old, verified);
    let Dispatched::Verify(recheck) = again else {
        panic!("the outcome for the old hash does not count: {again:?}");
    };
    let mut env = Env {
        now: h.now,
        random: &mut h.random,
    };
    let Dispatched::Answered(response) =
        h.dispatcher
            .finish_sign_in(&mut h.store, &mut env, &old, recheck.verify())
    else {
        panic!("the second check answers");
    };
    assert_eq!(problem(&response, 401).code, "invalid_credentials");
}

/// Every unknown ID used to leave a row for ever. They still count like wrong passwords (and lock),
/// but go once their last failure is older than a lock lasts.
#[test]
fn failures_of_unknown_ids_are_pruned_after_a_lock_would_have_run_out() {
    let mut h = Harness::training();
    for n in 0..50 {
        h.send(&client::sign_in(&format!("guess{n:03}"), "wrong", false));
    }
    h.send(&client::sign_in("002", "wrong", false));
    assert!(h.store.login_failures("guess000").expect("reads").is_some());
    h.advance(TimeDelta::minutes(31));
    h.send(&client::sign_in("another-guess", "wrong", false));
    for n in 0..50 {
        assert_eq!(
            h.store
                .login_failures(&format!("guess{n:03}"))
                .expect("reads"),
            None
        );
    }
    assert!(
        h.store
            .login_failures("another-guess")
            .expect("reads")
            .is_some()
    );
    assert_eq!(
        h.store
            .login_failures("002")
            .expect("reads")
            .map(|f| f.count),
        Some(1),
        "an account's count is kept"
    );
}

/// Regression: 002 stayed locked after an administrator reset its password. The reset lifts the
/// lock, and the issued password signs in at once (to change it).
#[test]
fn regression_issue_15_an_administrators_reset_lifts_the_lock() {
    use onshi_core::contract::groups::IssuedPassword;
    let mut h = Harness::training();
    let admin = h.token("admin01");
    for _ in 0..5 {
        h.send(&client::sign_in("002", "wrong", false));
    }
    problem(
        &h.send(&client::sign_in("002", "Onshi*002*002", false)),
        423,
    );
    let issued: IssuedPassword = h.json(&client::reset_password(&admin, "002"), 200);
    let signed = signed_in(&mut h, "002", &issued.initial_password);
    assert!(signed.must_change_password);
    assert_eq!(h.store.login_failures("002").expect("reads"), None);
}

/// `PUT /training/clock` (decisions.md D1) is the training group's: a signed-in session moves the
/// time every dispatch works at — a lock runs out, idle sessions end — and the move is kept in the
/// store. Without a session it is refused; a real endpoint has no such resource.
#[test]
fn the_training_clock_moves_time_for_everyone_and_needs_a_session() {
    use onshi_core::contract::groups::TrainingClock;
    let set_clock = |token: Option<&str>, now: &str| {
        let request = Request::new(Method::Put, "/training/clock").with_json(&TrainingClock {
            now: now.to_owned(),
        });
        match token {
            Some(token) => request.with_bearer(token),
            None => request,
        }
    };
    let mut h = Harness::training();
    let later = "2026-11-22T09:31:00+09:00";
    assert_eq!(
        problem(&h.send(&set_clock(None, later)), 401).code,
        "unauthenticated"
    );
    let idle = h.token("002");
    for _ in 0..5 {
        h.send(&client::sign_in("admin01", "wrong", false));
    }
    problem(
        &h.send(&client::sign_in("admin01", "Onshi*admin*01", false)),
        423,
    );
    let trainer = h.token("master");
    assert_eq!(h.send(&set_clock(Some(&trainer), later)).status, 204);
    assert_eq!(
        h.store
            .training_clock()
            .expect("reads")
            .map(|c| c.offset_ms),
        Some(31 * 60 * 1000),
        "kept with the training data"
    );
    // The running clock has not moved, yet the lock has run out and 002 has been idle 31 minutes.
    signed_in(&mut h, "admin01", "Onshi*admin*01");
    assert_eq!(
        problem(&h.send(&client::readers(&idle)), 401).code,
        "session_expired"
    );
    let other = h.token("003");
    let bad = h.send(&set_clock(Some(&other), "yesterday"));
    assert_eq!(problem(&bad, 400).code, "malformed_body");

    let mut real = Harness::training();
    real.dispatcher = onshi_core::dispatch::Dispatcher::new(onshi_core::dispatch::Config {
        password_cost: onshi_core::password::HashCost::CHEAP,
        ..onshi_core::dispatch::Config::standard()
    });
    let token = real.token("002");
    assert_eq!(
        problem(&real.send(&set_clock(Some(&token), later)), 404).code,
        "not_found"
    );
}
