//! The gate in front of every signed-in screen but パスワード変更: an account whose password was
//! issued by the system (a first run's master, an account just registered or reset) must change it
//! before anything else (seed 003: 「安全管理上、初回ログイン時にはパスワードを変更してください。」), and
//! the endpoint refuses everything else with 403 `password_change_required` until it has.
//!
//! The gate is a parent route, so a screen behind it is not even built while the password must be
//! changed: nothing of it reaches the endpoint to be refused. ログアウト and 戻る stay possible on
//! パスワード変更 itself, which is outside the gate.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};

use crate::{route::Route, state::use_session};

/// Shows the matched screen, or sends the user to パスワード変更 while the password must be changed.
#[component]
pub fn PasswordGate() -> impl IntoView {
    // A memo: only a change of the must-change state redraws, not each request touching the session.
    let must_change = use_session().must_change_password();
    view! {
        <Show
            when=move || !must_change.get()
            fallback=|| view! { <Redirect path=Route::PasswordChange.path() /> }
        >
            <Outlet />
        </Show>
    }
}
