//! Mounting the app under test contexts, and waiting for asynchronous work without fixed sleeps.

use leptos::{mount::mount_to, prelude::*};
use onshi::{
    AppRoutes,
    platform::clock::{Clock, ManualClock},
    state::{Session, provide_app_state, session::STORAGE_KEY},
    transport::Endpoint,
};
use onshi_core::{
    account::AccountKind,
    contract::session::{AccountView, InstitutionView},
    time::Timestamp,
};
use wasm_bindgen::{JsCast, prelude::*};

use crate::fake_worker::FakeWorker;
use web_sys::HtmlElement;

/// 2026-11-22 09:00 in Tokyo.
pub const NINE_AM: Timestamp = Timestamp::from_millis(1_795_305_600_000);

/// A database name no other test uses.
pub fn fresh_database(test: &str) -> String {
    format!("onshi-test-{test}-{}", js_sys::Math::random())
}

/// The app mounted at `path` in a fresh container; dropping it unmounts.
pub struct Mounted {
    pub root: HtmlElement,
    _handle: Box<dyn std::any::Any>,
    /// The stand-in service worker of training mode, while the app is mounted.
    _worker: Option<FakeWorker>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// Mounts the routes at `path` in training mode (the training world's address, whose requests the
/// test's scripted `fetch` answers) with a stand-in service worker that controls the page.
pub fn mount_at(path: &str, clock: Clock) -> Mounted {
    let worker = FakeWorker::controlling(serde_json::json!({}));
    let mut mounted = mount_with(path, Endpoint::training(), clock);
    mounted._worker = Some(worker);
    mounted
}

/// Mounts the routes at `path` with the given endpoint and clock.
pub fn mount_with(path: &str, endpoint: Endpoint, clock: Clock) -> Mounted {
    let window = web_sys::window().expect("window");
    window
        .history()
        .expect("history")
        .push_state_with_url(&JsValue::NULL, "", Some(path))
        .expect("pushState");
    let document = window.document().expect("document");
    let root: HtmlElement = document
        .create_element("div")
        .expect("div")
        .unchecked_into();
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let handle = mount_to(root.clone(), move || {
        provide_app_state(endpoint.clone(), clock.clone());
        view! { <AppRoutes /> }
    });
    Mounted {
        root,
        _handle: Box::new(handle),
        _worker: None,
    }
}

/// A manual clock at 09:00.
pub fn manual_clock() -> (Clock, ManualClock) {
    Clock::manual(NINE_AM)
}

/// Puts a signed-in session of training mode's endpoint into sessionStorage, as a reload would find
/// it.
pub fn store_session(kind: AccountKind, last_touch: Timestamp) {
    store_session_of(&Endpoint::training().id(), kind, last_touch);
}

/// Puts a signed-in session issued by `endpoint` (an [`Endpoint::id`]) into sessionStorage.
pub fn store_session_of(endpoint: &str, kind: AccountKind, last_touch: Timestamp) {
    store_session_with(endpoint, kind, last_touch, false);
}

/// [`store_session_of`] for an account that must (or need not) change its password first.
pub fn store_session_with(
    endpoint: &str,
    kind: AccountKind,
    last_touch: Timestamp,
    must_change_password: bool,
) {
    let session = Session {
        token: "test-token".to_owned(),
        account: AccountView {
            id: "t1".to_owned(),
            name: "テスト利用者".to_owned(),
            kind,
        },
        institution: InstitutionView {
            code: "1234567897".to_owned(),
            name: "サンプル医療機関".to_owned(),
        },
        idle_timeout_s: 1800,
        last_touch,
        endpoint: endpoint.to_owned(),
        must_change_password,
    };
    onshi::platform::web_storage::WebStorage::Session.save(STORAGE_KEY, &session);
}

pub fn clear_session() {
    onshi::platform::web_storage::WebStorage::Session.remove(STORAGE_KEY);
}

pub fn path() -> String {
    web_sys::window()
        .expect("window")
        .location()
        .pathname()
        .expect("pathname")
}

/// Waits a real `ms` milliseconds (only to let IndexedDB and spawned tasks run).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The session kept in sessionStorage, if any.
pub fn stored_session() -> Option<Session> {
    onshi::platform::web_storage::WebStorage::Session.load(STORAGE_KEY)
}

/// `tick` needs leptos' executor, which mounting sets up (leptos does not export its setup); tests
/// that mount nothing get it from one empty mount, kept for the rest of the run. So do tests that
/// provide the app's state outside a mount, whose resources spawn their work.
pub fn ensure_executor() {
    thread_local! {
        static READY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if READY.with(|r| r.replace(true)) {
        return;
    }
    let document = web_sys::window()
        .expect("window")
        .document()
        .expect("document");
    let holder: HtmlElement = document
        .create_element("div")
        .expect("div")
        .unchecked_into();
    std::mem::forget(mount_to(holder, || ()));
}

/// Waits until `done()` holds, checking after every tick; fails after two seconds.
pub async fn until(what: &str, done: impl Fn() -> bool) {
    until_within(what, 2_000, done).await;
}

/// Waits until `done()` holds, checking after every tick; fails after `ms` milliseconds (for work
/// slower than a screen update, such as a card's RSA signature in a debug build).
pub async fn until_within(what: &str, ms: u32, done: impl Fn() -> bool) {
    ensure_executor();
    for _ in 0..ms / 10 {
        leptos::task::tick().await;
        if done() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

pub fn text(root: &HtmlElement, selector: &str) -> Option<String> {
    root.query_selector(selector)
        .expect("valid selector")
        .map(|e| e.text_content().unwrap_or_default().trim().to_owned())
}

/// A button's label as assistive technology reads it: its text without what is hidden from it, such
/// as the key it answers (decisions.md D11).
pub fn label_of(button: &web_sys::Element) -> String {
    let children = button.child_nodes();
    (0..children.length())
        .filter_map(|i| children.item(i))
        .filter(|node| {
            node.dyn_ref::<web_sys::Element>()
                .is_none_or(|e| e.get_attribute("aria-hidden").as_deref() != Some("true"))
        })
        .filter_map(|node| node.text_content())
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The button inside `scope` labelled `label` (as [`label_of`] reads it).
pub fn button(root: &HtmlElement, scope: &str, label: &str) -> Option<HtmlElement> {
    let buttons = root
        .query_selector_all(&format!("{scope} button"))
        .expect("valid selector");
    (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .find(|b| label_of(b) == label)
        .map(|b| b.unchecked_into::<HtmlElement>())
}

pub fn count(root: &HtmlElement, selector: &str) -> u32 {
    root.query_selector_all(selector)
        .expect("valid selector")
        .length()
}

pub fn set_input(root: &HtmlElement, selector: &str, value: &str) {
    let input: web_sys::HtmlInputElement = root
        .query_selector(selector)
        .expect("valid selector")
        .expect("the input exists")
        .unchecked_into();
    input.set_value(value);
    let event = web_sys::Event::new_with_event_init_dict("input", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .expect("event");
    input.dispatch_event(&event).expect("dispatch");
}

pub fn click(root: &HtmlElement, selector: &str) {
    let element: HtmlElement = root
        .query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .unchecked_into();
    element.click();
}

/// The names of this origin's IndexedDB databases (`indexedDB.databases()`, which web-sys lacks).
pub async fn database_names() -> Vec<String> {
    let window = web_sys::window().expect("window");
    let factory = js_sys::Reflect::get(&window, &"indexedDB".into()).expect("indexedDB");
    let databases: js_sys::Function = js_sys::Reflect::get(&factory, &"databases".into())
        .expect("databases")
        .unchecked_into();
    let promise: js_sys::Promise = databases.call0(&factory).expect("call").unchecked_into();
    let list = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("list");
    js_sys::Array::from(&list)
        .iter()
        .filter_map(|info| {
            js_sys::Reflect::get(&info, &"name".into())
                .ok()?
                .as_string()
        })
        .collect()
}

/// Signs `user` in at `endpoint` (no page involved) and answers the session.
pub async fn signed_in(
    endpoint: &Endpoint,
    user: &str,
    password: &str,
) -> onshi_core::contract::session::SignedIn {
    let response = endpoint
        .send(onshi_core::client::sign_in(user, password, false))
        .await
        .expect("the transport answers");
    onshi_core::client::expect_json(&response, 201).expect("signed in")
}

/// Signs `user` in at `endpoint` and keeps the session as the app would, so that a page mounted next
/// starts signed in; answers the token.
pub async fn sign_in(endpoint: &Endpoint, user: &str, password: &str) -> String {
    let signed_in = signed_in(endpoint, user, password).await;
    let token = signed_in.token.clone();
    let session = Session {
        token: signed_in.token,
        account: signed_in.account,
        institution: signed_in.institution,
        idle_timeout_s: signed_in.idle_timeout_s,
        last_touch: NINE_AM,
        endpoint: endpoint.id(),
        must_change_password: signed_in.must_change_password,
    };
    onshi::platform::web_storage::WebStorage::Session.save(STORAGE_KEY, &session);
    token
}

/// Signs in as 002 on the sign-in page of training mode's world (run in this page as `world`), as
/// staff do, and answers the page once its menu is shown (to look at its tiles; drop it before
/// mounting the next).
pub async fn sign_in_on_the_page(world: &crate::world::InPageWorld) -> Mounted {
    clear_session();
    let (clock, _) = manual_clock();
    let signing_in = mount_with("/login", world.endpoint(), clock);
    until("the sign-in form", || {
        count(&signing_in.root, "#user_id") == 1
    })
    .await;
    set_input(&signing_in.root, "#user_id", "002");
    set_input(&signing_in.root, "#password", "Onshi*002*002");
    click(&signing_in.root, "form.sign-in-form button[type=submit]");
    until("the menu", || count(&signing_in.root, ".menu a.tile") > 0).await;
    signing_in
}

/// The value shown for each label of a result's consents block (`[data-testid=consents]`).
pub fn consents(app: &Mounted) -> Vec<(String, String)> {
    let list = app
        .root
        .query_selector_all("[data-testid=consents] .check-field")
        .expect("selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|node| {
            let element: web_sys::Element = node.unchecked_into();
            let part = |tag: &str| {
                element
                    .query_selector(tag)
                    .ok()
                    .flatten()
                    .and_then(|e| e.text_content())
                    .unwrap_or_default()
            };
            (part("dt"), part("dd"))
        })
        .collect()
}
