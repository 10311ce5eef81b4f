//! 接続先の設定 and capabilities: the typed address is checked before anything is
//! sent, an endpoint that does not answer or speaks another contract is refused with the reason, the
//! choice persists, switching ends the session, the banner follows the endpoint, and menu tiles follow
//! what the endpoint offers.

use std::rc::Rc;

use onshi::{
    labels,
    menu::{TileState, feature_group, menu_for},
    platform::web_storage::WebStorage,
    state::{FeatureGroup, capabilities::discover, endpoint::CHOICE_KEY},
    transport::{Endpoint, EndpointUrl, HttpOptions, HttpTransport},
};
use onshi_core::account::{AccountKind, Action};
use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{
    fake_fetch::{ALL_GROUPS, FakeFetch, capabilities, csp_refusal, json, network_failure, routed},
    fake_worker::FakeWorker,
    support::{
        NINE_AM, clear_session, click, count, manual_clock, mount_at, mount_with, set_input,
        store_session, store_session_of, stored_session, text, until,
    },
    world::InPageWorld,
};

/// Training mode's world's capabilities (training data), answered to its address only.
fn training_world() -> serde_json::Value {
    let groups = [&ALL_GROUPS[..], &["training"]].concat();
    routed(
        "/training/onshi/v1/capabilities",
        json!({
            "status": 200,
            "headers": { "Content-Type": "application/json" },
            "body": json!({
                "contract_version": "1.0.0",
                "groups": groups,
                "training": true,
            }).to_string(),
        }),
    )
}

/// Whether a request went to training mode's world.
fn to_the_world(url: &str) -> bool {
    url.contains("/training/onshi/v1/")
}

fn saved_choice() -> Option<Value> {
    WebStorage::Local.load(CHOICE_KEY)
}

fn clear_choice() {
    WebStorage::Local.remove(CHOICE_KEY);
}

fn http_endpoint(base: &str) -> Endpoint {
    let base = EndpointUrl::parse(base).expect("a valid origin");
    Endpoint::Http(Rc::new(HttpTransport::new(base, HttpOptions::default())))
}

fn page_origin() -> String {
    web_sys::window()
        .expect("window")
        .location()
        .origin()
        .expect("origin")
}

const SUBMIT: &str = "form.settings-form button[type=submit]";

#[wasm_bindgen_test]
async fn a_bad_address_gets_its_message_next_to_the_field_and_nothing_is_sent() {
    clear_choice();
    clear_session();
    let fake = FakeFetch::install(vec![training_world(), network_failure()]);
    let (clock, _) = manual_clock();
    let app = mount_at("/settings", clock);
    until("the form", || count(&app.root, "input[value=other]") == 1).await;
    assert_eq!(
        text(&app.root, "[data-testid=screen-name], .frame-screen").as_deref(),
        Some("接続先の設定")
    );
    click(&app.root, "input[value=other]");
    until("the URL field", || count(&app.root, "#endpoint_url") == 1).await;
    let cases = [
        ("", "接続先のURLを入力してください。"),
        (
            "ｈｔｔｐｓ：／／onshi.example.jp",
            "接続先のURLは半角で入力してください。",
        ),
        (
            "onshi.example.jp",
            "接続先のURLは http:// または https:// で始めてください。",
        ),
        (
            "ftp://onshi.example.jp",
            "接続先のURLは http:// または https:// で始めてください。",
        ),
        (
            "https://",
            "接続先のURLを正しく入力してください（例：https://onshi.example.jp）。",
        ),
        (
            "https://staff:pw@onshi.example.jp",
            "接続先のURLに利用者名やパスワードを含めないでください。",
        ),
        (
            "https://onshi.example.jp/onshi/v1",
            "接続先のURLにはパスや「?」「#」以降を含めないでください（例：https://onshi.example.jp）。",
        ),
    ];
    for (typed, message) in cases {
        set_input(&app.root, "#endpoint_url", typed);
        click(&app.root, SUBMIT);
        leptos::task::tick().await;
        assert_eq!(
            text(&app.root, "#endpoint_url-message").as_deref(),
            Some(message),
            "{typed:?}"
        );
        let input = app
            .root
            .query_selector("#endpoint_url")
            .expect("selector")
            .expect("input");
        assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    }
    assert!(
        fake.calls().iter().all(|c| to_the_world(&c.url)),
        "nothing was sent but training mode's own capabilities"
    );
    assert_eq!(saved_choice(), None, "nothing was saved");
    until("the banner", || {
        count(&app.root, "[data-testid=training-banner]") == 1
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_endpoint_that_cannot_be_used_is_refused_with_the_reason() {
    clear_choice();
    clear_session();
    let world = FakeFetch::install(vec![training_world()]);
    let (clock, _) = manual_clock();
    let app = mount_at("/settings", clock);
    until("the form and the banner", || {
        count(&app.root, "input[value=other]") == 1
            && count(&app.root, "[data-testid=training-banner]") == 1
    })
    .await;
    drop(world);
    click(&app.root, "input[value=other]");
    until("the URL field", || count(&app.root, "#endpoint_url") == 1).await;
    let incompatible = format!(
        "接続先の契約バージョンがこのアプリと互換性がないため、利用できません。（接続先：2.0.0、このアプリ：{}）",
        onshi_core::contract::VERSION
    );
    let cases = [
        (
            network_failure(),
            "接続先に接続できませんでした。接続先が起動しているか、URLが正しいか確認してください。",
        ),
        (
            capabilities("2.0.0", &ALL_GROUPS, false),
            incompatible.as_str(),
        ),
        (
            routed(
                "/onshi/v1/capabilities",
                json!({ "status": 404, "headers": { "Content-Type": "text/html" }, "body": "<h1>Not Found</h1>" }),
            ),
            "接続先からオンライン資格確認の応答が得られませんでした。URLが正しいか確認してください。",
        ),
        (
            capabilities("1.2.0", &["qualification"], false),
            "この接続先はログインに対応していないため、利用できません。",
        ),
    ];
    for (answer, message) in cases {
        let fake = FakeFetch::install(vec![answer]);
        set_input(&app.root, "#endpoint_url", "https://onshi.example.jp");
        click(&app.root, SUBMIT);
        until(message, || {
            text(&app.root, "[data-testid=settings-error]").as_deref() == Some(message)
        })
        .await;
        let calls = fake.calls();
        assert_eq!(calls.len(), 1);
        assert_eq!(
            calls[0].url,
            "https://onshi.example.jp/onshi/v1/capabilities"
        );
        assert_eq!(
            text(&app.root, "#endpoint_url-message").as_deref(),
            Some("")
        );
        assert_eq!(saved_choice(), None, "the choice is not kept");
        assert_eq!(
            text(&app.root, "[data-testid=current-endpoint]").as_deref(),
            Some("研修モード"),
            "the app still talks to the training endpoint"
        );
        assert_eq!(count(&app.root, "[data-testid=training-banner]"), 1);
    }

    // An origin this page's policy does not allow: the browser's report names it, so the message says
    // so rather than calling it unreachable. (Its own origin: refusals are remembered for the page.)
    let fake = FakeFetch::install(vec![csp_refusal()]);
    set_input(&app.root, "#endpoint_url", "https://not-allowed.example.jp");
    click(&app.root, SUBMIT);
    let message = "この接続先は、このアプリの配信元サーバで接続が許可されていないため、利用できません。システム管理者に接続先の許可を依頼してください。";
    until(message, || {
        text(&app.root, "[data-testid=settings-error]").as_deref() == Some(message)
    })
    .await;
    assert_eq!(fake.calls().len(), 1);
    assert_eq!(saved_choice(), None, "the choice is not kept");
}

#[wasm_bindgen_test]
async fn a_working_endpoint_is_used_remembered_and_ends_the_session() {
    clear_choice();
    store_session(AccountKind::General, NINE_AM);
    let fake = FakeFetch::install(vec![
        training_world(),
        capabilities("1.0.0", &ALL_GROUPS, false),
    ]);
    let (clock, _) = manual_clock();
    let app = mount_at("/settings", clock);
    until("the form", || count(&app.root, "input[value=other]") == 1).await;
    assert!(stored_session().is_some());
    click(&app.root, "input[value=other]");
    until("the URL field", || count(&app.root, "#endpoint_url") == 1).await;
    set_input(&app.root, "#endpoint_url", " HTTPS://Onshi.Example.jp/ ");
    click(&app.root, SUBMIT);
    until("saved", || {
        text(&app.root, "[data-testid=settings-saved]").as_deref() == Some("接続先を変更しました。")
    })
    .await;
    assert_eq!(
        saved_choice(),
        Some(json!({ "kind": "url", "url": "https://onshi.example.jp" }))
    );
    assert_eq!(stored_session(), None, "switching ends the session");
    until("the new endpoint's state", || {
        text(&app.root, "[data-testid=current-state]").is_some_and(|t| t.contains("接続できます"))
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=current-endpoint]").as_deref(),
        Some("別の接続先")
    );
    assert_eq!(
        text(&app.root, "[data-testid=current-address]").as_deref(),
        Some("https://onshi.example.jp")
    );
    assert_eq!(
        count(&app.root, "[data-testid=training-banner]"),
        0,
        "a real endpoint on real data shows no training banner"
    );
    let to_the_new_one: Vec<String> = fake
        .calls()
        .into_iter()
        .filter(|c| !to_the_world(&c.url))
        .map(|c| c.url)
        .collect();
    // Checked before the switch, and read again as the endpoint in use: its capabilities only.
    assert!(!to_the_new_one.is_empty());
    assert!(
        to_the_new_one
            .iter()
            .all(|url| url == "https://onshi.example.jp/onshi/v1/capabilities"),
        "{to_the_new_one:?}"
    );
    clear_choice();
}

#[wasm_bindgen_test]
async fn this_server_is_the_pages_origin_and_training_data_keeps_the_banner() {
    clear_choice();
    clear_session();
    let fake = FakeFetch::install(vec![capabilities(
        "1.0.0",
        &[&ALL_GROUPS[..], &["training"]].concat(),
        true,
    )]);
    let (clock, _) = manual_clock();
    let app = mount_at("/settings", clock);
    until("the form", || {
        count(&app.root, "input[value=this_server]") == 1
    })
    .await;
    assert_eq!(
        text(&app.root, ".choice-address").as_deref(),
        Some(page_origin().as_str())
    );
    click(&app.root, "input[value=this_server]");
    click(&app.root, SUBMIT);
    until("saved", || {
        text(&app.root, "[data-testid=settings-saved]").is_some_and(|t| !t.is_empty())
    })
    .await;
    assert_eq!(saved_choice(), Some(json!({ "kind": "this_server" })));
    assert!(
        fake.calls()
            .iter()
            .any(|c| c.url == format!("{}/onshi/v1/capabilities", page_origin())),
        "this server was asked"
    );
    until("the new endpoint's state", || {
        text(&app.root, "[data-testid=current-state]").is_some_and(|t| t.contains("研修用のデータ"))
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=current-endpoint]").as_deref(),
        Some("このサーバ")
    );
    assert_eq!(
        count(&app.root, "[data-testid=training-banner]"),
        1,
        "an endpoint on training data is training too"
    );
    clear_choice();
}

#[wasm_bindgen_test]
async fn going_back_to_training_checks_the_training_world_like_any_endpoint() {
    clear_choice();
    clear_session();
    let base = "http://127.0.0.1:9";
    let fake = FakeFetch::install(vec![
        training_world(),
        capabilities("1.0.0", &ALL_GROUPS, false),
    ]);
    let _worker = FakeWorker::controlling(json!({}));
    let (clock, _) = manual_clock();
    let app = mount_with("/settings", http_endpoint(base), clock);
    until("the endpoint's state", || {
        text(&app.root, "[data-testid=current-state]").is_some_and(|t| t.contains("接続できます"))
    })
    .await;
    assert_eq!(count(&app.root, "[data-testid=training-banner]"), 0);
    let before = fake.calls().len();
    click(&app.root, "input[value=training]");
    click(&app.root, SUBMIT);
    until("saved", || {
        text(&app.root, "[data-testid=settings-saved]").is_some_and(|t| !t.is_empty())
    })
    .await;
    assert_eq!(saved_choice(), Some(json!({ "kind": "training" })));
    let probed: Vec<String> = fake.calls()[before..]
        .iter()
        .map(|c| c.url.clone())
        .collect();
    assert!(!probed.is_empty(), "the training world is asked");
    assert!(
        probed
            .iter()
            .all(|url| *url == format!("{}/training/onshi/v1/capabilities", page_origin())),
        "the training world is asked for its capabilities only: {probed:?}"
    );
    until("the banner", || {
        count(&app.root, "[data-testid=training-banner]") == 1
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=current-endpoint]").as_deref(),
        Some("研修モード")
    );
    assert_eq!(
        count(&app.root, "[data-testid=current-address]"),
        0,
        "training mode's address is the app's own, and not shown"
    );
    clear_choice();
}

#[wasm_bindgen_test]
async fn regression_issue_17_training_without_service_workers_is_refused_with_the_reason() {
    clear_choice();
    clear_session();
    let fake = FakeFetch::install(vec![
        training_world(),
        capabilities("1.0.0", &ALL_GROUPS, false),
    ]);
    let _worker = FakeWorker::unavailable();
    let (clock, _) = manual_clock();
    let app = mount_with("/settings", http_endpoint("http://127.0.0.1:9"), clock);
    until("the endpoint's state", || {
        text(&app.root, "[data-testid=current-state]").is_some_and(|t| t.contains("接続できます"))
    })
    .await;
    click(&app.root, "input[value=training]");
    click(&app.root, SUBMIT);
    until("the refusal", || {
        text(&app.root, "[data-testid=settings-error]").as_deref()
            == Some(labels::TRAINING_NO_SERVICE_WORKER)
    })
    .await;
    assert_eq!(saved_choice(), None, "the choice is not kept");
    assert!(
        fake.calls().iter().all(|c| !to_the_world(&c.url)),
        "nothing went to the training world's address"
    );
    assert_eq!(
        text(&app.root, "[data-testid=current-endpoint]").as_deref(),
        Some("別の接続先")
    );
}

#[wasm_bindgen_test]
async fn the_start_and_sign_in_pages_lead_to_the_settings() {
    clear_session();
    for start in ["/", "/login"] {
        let _fake = FakeFetch::install(vec![training_world()]);
        let (clock, _) = manual_clock();
        let app = mount_at(start, clock);
        until("the link", || {
            count(&app.root, "[data-testid=settings-link]") == 1
        })
        .await;
        assert_eq!(
            text(&app.root, "[data-testid=endpoint-name]").as_deref(),
            Some("研修モード")
        );
        assert_eq!(
            text(&app.root, "[data-testid=settings-link]").as_deref(),
            Some("接続先の設定")
        );
        // The router of every earlier mount in this page still listens for link clicks, so the test
        // checks the address rather than clicking (the end-to-end tests click through).
        let link = app
            .root
            .query_selector("[data-testid=settings-link]")
            .expect("selector")
            .expect("link");
        assert_eq!(link.get_attribute("href").as_deref(), Some("/settings"));
    }
}

#[wasm_bindgen_test]
async fn an_unreachable_saved_endpoint_is_named_on_the_sign_in_page() {
    clear_session();
    let _fake = FakeFetch::install(vec![network_failure()]);
    let (clock, _) = manual_clock();
    let app = mount_with("/login", http_endpoint("http://127.0.0.1:9"), clock);
    until("the notice", || {
        count(&app.root, "[data-testid=endpoint-problem]") == 1
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=endpoint-problem]").as_deref(),
        Some(
            "接続先に接続できませんでした。接続先が起動しているか、URLが正しいか確認してください。"
        )
    );
    assert_eq!(
        count(&app.root, "[data-testid=training-accounts]"),
        0,
        "no training accounts for an endpoint not known to be training"
    );
}

#[wasm_bindgen_test]
async fn an_endpoint_on_training_data_lists_its_own_training_accounts() {
    clear_session();
    let fake = FakeFetch::install(vec![
        capabilities("1.3.0", &["session", "training"], true),
        routed(
            "/onshi/v1/training/accounts",
            json(
                200,
                &json!({ "items": [
                    { "user_id": "kenshu01", "password": "Kenshu*01*01", "kind": "general", "name": "研修スタッフ" }
                ] }),
            ),
        ),
    ]);
    let (clock, _) = manual_clock();
    let app = mount_with("/login", http_endpoint("https://onshi.example.jp"), clock);
    until("the endpoint's accounts", || {
        count(&app.root, "[data-testid=training-accounts] tbody tr") == 1
    })
    .await;
    let row = text(&app.root, "[data-testid=training-accounts] tbody tr").unwrap_or_default();
    assert!(
        row.contains("kenshu01") && row.contains("Kenshu*01*01") && row.contains("研修スタッフ"),
        "{row}"
    );
    let asked = fake
        .calls()
        .into_iter()
        .find(|c| c.url.ends_with("/onshi/v1/training/accounts"))
        .expect("the list was asked for");
    assert_eq!(asked.method, "GET");
    assert_eq!(asked.header("authorization"), None, "no session is needed");
}

#[wasm_bindgen_test]
async fn tiles_the_endpoint_does_not_offer_are_disabled_with_the_reason() {
    let base = "http://127.0.0.1:9";
    // An endpoint without bulk jobs and account management (a folder bridge offers no accounts).
    let offered: Vec<&str> = ALL_GROUPS
        .into_iter()
        .filter(|g| !matches!(*g, "bulk" | "accounts"))
        .collect();
    let _fake = FakeFetch::install(vec![capabilities("1.0.0", &offered, false)]);
    store_session_of(base, AccountKind::Master, NINE_AM);
    let (clock, _) = manual_clock();
    let app = mount_with("/menu", http_endpoint(base), clock);
    until("the unavailable tiles", || {
        count(&app.root, "[data-testid=tile-unavailable]") > 0
    })
    .await;
    let labels = |selector: &str| -> Vec<String> {
        let list = app.root.query_selector_all(selector).expect("selector");
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(|n| n.text_content().unwrap_or_default())
            .collect()
    };
    assert_eq!(
        labels("[data-testid=tile-unavailable] .tile-label"),
        [
            "資格情報一括照会",
            "資格情報一括照会結果",
            "資格情報一括照会",
            "資格情報一括照会結果",
            "委託先資格情報一括取得",
            "アカウント登録/更新",
        ]
    );
    assert!(
        labels("[data-testid=tile-unavailable] .tile-badge")
            .iter()
            .all(|b| b == "この接続先では利用できません")
    );
    assert_eq!(count(&app.root, "[data-testid=tile-soon]"), 6);
    // The tiles with a screen so far, whose groups (qualification, history, readers, session,
    // passcode) the endpoint offers.
    assert_eq!(
        labels(".menu a.tile .tile-label"),
        [
            "マイナンバーカードで確認",
            "保険証/処方箋で確認",
            "資格確認履歴照会",
            "顔認証付きカードリーダー操作",
            "パスワード変更",
            "目視確認用パスコード発行"
        ]
    );
    assert_eq!(count(&app.root, "[data-testid=training-banner]"), 0);
    clear_session();
}

#[wasm_bindgen_test]
fn a_tile_is_unavailable_only_when_its_group_is_known_to_be_missing() {
    let tile = menu_for(AccountKind::Admin)
        .into_iter()
        .flat_map(|g| g.tiles)
        .find(|t| t.action == Action::ManageAccounts)
        .expect("admin manages accounts");
    assert_eq!(tile.state(|_| None), TileState::ComingSoon);
    assert_eq!(tile.state(|_| Some(true)), TileState::ComingSoon);
    assert_eq!(
        tile.state(|g| Some(g != FeatureGroup::Accounts)),
        TileState::Unavailable
    );
}

#[wasm_bindgen_test]
async fn every_actions_group_is_one_the_training_world_advertises() {
    let world = InPageWorld::open("groups").await;
    let found = discover(&world.endpoint())
        .await
        .expect("the training world");
    assert!(found.training);
    let actions = [
        Action::QualificationInquiry,
        Action::History,
        Action::ReferenceNumbers,
        Action::ReaderModes,
        Action::OwnPasscode,
        Action::Bulk,
        Action::Consents,
        Action::OwnPassword,
        Action::MedicalInfo,
        Action::DisasterMedicalInfo,
        Action::ManageAccounts,
    ];
    for action in actions {
        let group = feature_group(action).as_str();
        assert!(
            found.groups.iter().any(|g| g == group),
            "{action:?} needs {group}, which the training world does not advertise: {:?}",
            found.groups
        );
    }
}
