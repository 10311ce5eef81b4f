//! The buttons every screen has, with their keys (decisions.md D11): a form's submit button (F8),
//! メニュー (F9) and 「戻る」 (F4). The frame's footer and the screens with buttons of their own use
//! the same ones.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{components::KeyHint, keys::Command, labels, route::Route};

/// メニュー: a link to the menu, followed when pressed or when F9 is.
#[component]
pub fn MenuLink() -> impl IntoView {
    view! {
        <A
            href=Route::Menu.path()
            attr:class="button"
            attr:data-command=Command::Menu.name()
            attr:aria-keyshortcuts=Command::Menu.key()
        >
            {labels::MENU}
            <KeyHint command=Command::Menu />
        </A>
    }
}

/// 「戻る」, running `on_back` when pressed or when F4 is.
#[component]
pub fn BackButton(#[prop(into)] on_back: Callback<()>) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button"
            data-command=Command::Back.name()
            aria-keyshortcuts=Command::Back.key()
            on:click=move |_| on_back.run(())
        >
            {labels::BACK}
            <KeyHint command=Command::Back />
        </button>
    }
}

/// A form's submit button, the screen's main action (F8): `label`, or `busy_label` while the form's
/// request is on its way, when it cannot be pressed again.
#[component]
pub fn SubmitButton(
    label: &'static str,
    #[prop(default = labels::PROCESSING)] busy_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    /// A hook for tests and page objects.
    #[prop(optional)]
    test_id: Option<&'static str>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="button button-primary"
            data-testid=test_id
            data-command=Command::Primary.name()
            aria-keyshortcuts=Command::Primary.key()
            disabled=move || pending.get()
        >
            {move || if pending.get() { busy_label } else { label }}
            <KeyHint command=Command::Primary />
        </button>
    }
}
