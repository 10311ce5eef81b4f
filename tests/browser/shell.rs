//! The shell's screens mounted with their real contexts in training mode (its endpoint answered by
//! the scripted `fetch`): the sign-in form, the menu by account kind, the frame's guard and logout,
//! and the idle guard on a manual clock.

use chrono::TimeDelta;
use onshi::menu::menu_for;
use onshi_core::{
    account::AccountKind,
    contract::session::{AccountView, InstitutionView, SignedIn},
};
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{
    fake_fetch::{ALL_GROUPS, FakeFetch, capabilities, problem, routed},
    support::{
        NINE_AM, clear_session, click, count, manual_clock, mount_at, path, set_input,
        store_session, text, until,
    },
};

/// Training mode's world as far as these screens ask it: its capabilities (training data), and no
/// list of training accounts (the form works without it).
fn training_world() -> Vec<Value> {
    vec![
        capabilities("1.0.0", &[&ALL_GROUPS[..], &["training"]].concat(), true),
        routed(
            "/onshi/v1/training/accounts",
            problem(404, "not_found", "見つかりません"),
        ),
    ]
}

#[wasm_bindgen_test]
async fn the_sign_in_form_shows_every_finding_and_sends_nothing() {
    clear_session();
    let fake = FakeFetch::install(training_world());
    let (clock, _) = manual_clock();
    let app = mount_at("/login", clock);
    until("the form", || count(&app.root, "form.sign-in-form") == 1).await;
    click(&app.root, "form.sign-in-form button[type=submit]");
    leptos::task::tick().await;
    until("both messages", || {
        text(&app.root, "#password-message").is_some_and(|t| !t.is_empty())
    })
    .await;
    assert_eq!(
        text(&app.root, "#user_id-message").as_deref(),
        Some("ユーザIDを入力してください。")
    );
    assert_eq!(
        text(&app.root, "#password-message").as_deref(),
        Some("パスワードを入力してください。")
    );

    set_input(&app.root, "#user_id", "ｓｔａｆｆ");
    set_input(&app.root, "#password", "x");
    click(&app.root, "form.sign-in-form button[type=submit]");
    leptos::task::tick().await;
    assert_eq!(
        text(&app.root, "#user_id-message").as_deref(),
        Some("ユーザIDは半角英数字・記号で入力してください。")
    );
    assert_eq!(text(&app.root, "#password-message").as_deref(), Some(""));
    assert!(
        fake.calls().iter().all(|c| c.method == "GET"),
        "no sign-in reached the endpoint: {:?}",
        fake.calls()
    );
}

#[wasm_bindgen_test]
async fn signing_in_opens_the_menu_with_the_frame_filled_in() {
    clear_session();
    let signed_in = SignedIn {
        token: "t".repeat(43),
        account: AccountView {
            id: "admin01".to_owned(),
            name: "医療機関管理 01".to_owned(),
            kind: AccountKind::Admin,
        },
        institution: InstitutionView {
            code: "1234567897".to_owned(),
            name: "サンプル医療機関".to_owned(),
        },
        idle_timeout_s: 1800,
        must_change_password: false,
    };
    let mut answers = training_world();
    answers.push(crate::fake_fetch::json(
        201,
        &serde_json::to_value(&signed_in).expect("JSON"),
    ));
    // Whatever the menu and the logout ask next is answered with no content.
    answers.push(json!({ "status": 204 }));
    let fake = FakeFetch::install(answers);
    let (clock, _) = manual_clock();
    let app = mount_at("/login", clock);
    until("the form", || count(&app.root, "#user_id") == 1).await;
    set_input(&app.root, "#user_id", "admin01");
    set_input(&app.root, "#password", "Onshi*admin*01");
    click(&app.root, "form.sign-in-form button[type=submit]");
    until("the menu", || {
        path() == "/menu" && count(&app.root, ".menu") == 1
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=account-name]").as_deref(),
        Some("医療機関管理 01")
    );
    assert_eq!(
        text(&app.root, "[data-testid=account-kind]").as_deref(),
        Some("管理者")
    );
    assert_eq!(
        text(&app.root, "[data-testid=institution]").as_deref(),
        Some("サンプル医療機関")
    );
    assert_eq!(
        text(&app.root, "[data-testid=training-banner] strong").as_deref(),
        Some("研修モード")
    );

    // Logout asks, then ends the session and shows the sign-in page.
    click(&app.root, ".button-logout");
    until("the confirmation", || {
        count(&app.root, "[data-testid=logout-confirm]") == 1
    })
    .await;
    click(&app.root, "[data-testid=logout-confirm] .button-primary");
    until("the sign-in page", || {
        path() == "/login" && count(&app.root, "#user_id") == 1
    })
    .await;
    assert_eq!(count(&app.root, "[data-testid=session-notice]"), 0);
    let calls = fake.calls();
    let sign_in = calls
        .iter()
        .find(|c| c.method == "POST")
        .expect("the sign-in was sent");
    assert!(
        sign_in.url.ends_with("/training/onshi/v1/session"),
        "{}",
        sign_in.url
    );
    assert!(
        calls
            .iter()
            .any(|c| c.method == "DELETE" && c.url.ends_with("/training/onshi/v1/session")),
        "the logout was sent to the same endpoint"
    );
}

#[wasm_bindgen_test]
async fn the_menu_shows_each_kind_only_its_tiles_and_which_exist() {
    let expected = [
        (AccountKind::General, 16, "一般"),
        (AccountKind::MedicalViewer, 18, "医療情報閲覧"),
        (AccountKind::Admin, 18, "管理者"),
        (AccountKind::Master, 18, "マスタ"),
    ];
    for (kind, tiles, label) in expected {
        let (clock, _) = manual_clock();
        store_session(kind, NINE_AM);
        let _fake = FakeFetch::install(training_world());
        let app = mount_at("/menu", clock);
        until("the menu", || count(&app.root, ".menu .tile") > 0).await;
        assert_eq!(count(&app.root, ".menu .tile"), tiles, "{kind:?}");
        // Every tile whose screen does not exist yet is 準備中; the others are links.
        let live = menu_for(kind)
            .iter()
            .flat_map(|g| g.tiles.iter())
            .filter(|t| t.screen.is_some())
            .count() as u32;
        assert_eq!(
            count(&app.root, "[data-testid=tile-soon]"),
            tiles - live,
            "{kind:?}"
        );
        assert_eq!(count(&app.root, ".menu a.tile"), live, "{kind:?}");
        assert_eq!(
            text(&app.root, "[data-testid=account-kind]").as_deref(),
            Some(label)
        );
        let shown: usize = menu_for(kind).iter().map(|g| g.tiles.len()).sum();
        assert_eq!(shown as u32, tiles);
        clear_session();
    }
}

#[wasm_bindgen_test]
fn the_system_kind_has_no_menu_at_all() {
    assert!(menu_for(AccountKind::System).is_empty());
}

#[wasm_bindgen_test]
async fn a_screen_without_a_session_sends_the_user_to_sign_in() {
    clear_session();
    let (clock, _) = manual_clock();
    let _fake = FakeFetch::install(training_world());
    let app = mount_at("/menu", clock);
    until("the sign-in page", || {
        path() == "/login" && count(&app.root, "#user_id") == 1
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_session_past_the_idle_limit_ends_on_arrival_with_the_reason() {
    let (clock, _) = manual_clock();
    // The last request was 30 minutes and one second ago, e.g. a laptop that slept.
    store_session(AccountKind::General, NINE_AM + TimeDelta::seconds(-1801));
    let _fake = FakeFetch::install(training_world());
    let app = mount_at("/menu", clock);
    until("the sign-in page", || {
        path() == "/login" && count(&app.root, "[data-testid=session-notice]") == 1
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=session-notice]").as_deref(),
        Some("30分間操作が行われなかったため、セキュリティ管理の為にログアウトしました。")
    );
}

#[wasm_bindgen_test]
async fn the_last_idle_minute_shows_the_countdown() {
    let (clock, _) = manual_clock();
    store_session(AccountKind::General, NINE_AM + TimeDelta::seconds(-1770));
    let _fake = FakeFetch::install(training_world());
    let app = mount_at("/menu", clock);
    until("the warning", || {
        count(&app.root, "[data-testid=idle-warning]") == 1
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=idle-warning] .dialog-message").as_deref(),
        Some("操作が行われていないため、あと30秒で自動的にログアウトします。")
    );
    clear_session();
}
