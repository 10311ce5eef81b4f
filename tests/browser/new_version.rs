//! The notice that a new version of the app took over (a `controllerchange` after the page was
//! already controlled), against a scripted stand-in for `navigator.serviceWorker`.

use leptos::{mount::mount_to, prelude::*};
use onshi::{components::NewVersionNotice, labels};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlElement;

use crate::{
    fake_worker::FakeWorker,
    support::{count, text, until},
};

const NOTICE: &str = "[data-testid=new-version]";

fn mount_notice() -> (HtmlElement, impl Drop) {
    let document = web_sys::window()
        .expect("window")
        .document()
        .expect("document");
    let root: HtmlElement = document
        .create_element("div")
        .expect("div")
        .unchecked_into();
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let handle = mount_to(root.clone(), || view! { <NewVersionNotice /> });
    (root, handle)
}

#[wasm_bindgen_test]
async fn a_new_worker_taking_over_a_controlled_page_shows_the_notice() {
    let worker = FakeWorker::controlling(serde_json::json!({}));
    let (root, handle) = mount_notice();
    leptos::task::tick().await;
    assert_eq!(count(&root, NOTICE), 0);
    worker.take_control();
    until("the notice", || count(&root, NOTICE) == 1).await;
    assert_eq!(
        text(&root, NOTICE).as_deref(),
        Some(labels::NEW_VERSION_NOTICE)
    );
    let notice = root
        .query_selector(NOTICE)
        .expect("selector")
        .expect("notice");
    assert_eq!(notice.get_attribute("role").as_deref(), Some("status"));
    drop(handle);
    assert_eq!(
        worker.listeners("controllerchange"),
        0,
        "unmounting stops listening"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn the_first_worker_taking_control_is_no_new_version() {
    let worker = FakeWorker::not_controlling(true);
    let (root, handle) = mount_notice();
    // The first install claims the page: the same version the page runs.
    worker.take_control();
    leptos::task::tick().await;
    assert_eq!(count(&root, NOTICE), 0);
    // A later worker taking over is a new version.
    worker.take_control();
    until("the notice", || count(&root, NOTICE) == 1).await;
    drop(handle);
    root.remove();
}
