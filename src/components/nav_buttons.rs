//! メニュー and 「戻る」 with their keys, F9 and F4 (decisions.md D11): the frame's footer and the
//! screens with buttons of their own use the same ones.

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
