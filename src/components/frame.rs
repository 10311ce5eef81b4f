//! The frame every screen shares (S1, S2; seeds 000 and 001): the system title and screen name, the
//! institution, the signed-in account and its kind, 「ログアウト」, and メニュー / 戻る at the bottom.
//! Training mode adds its permanent 「研修モード」 banner.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::{A, Redirect};
use onshi_core::catalogue;

use crate::{
    components::{Dialog, idle::IdleGuard},
    route::Route,
    state::{use_api, use_capabilities, use_outbox, use_session},
};

/// How often kept writes are sent again while someone is signed in (D4). The first try is at once.
const REPLAY_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// The frame of a signed-in screen. Without a session it sends the user to the sign-in page.
#[component]
pub fn Frame(
    /// The screen name shown under the system title, e.g. 「資格確認履歴照会」 (a screen with two
    /// states, like 保険証/処方箋で確認 and its 資格情報確認, names the one shown).
    #[prop(into)]
    screen: Signal<&'static str>,
    /// Whether to show メニュー / 戻る at the bottom (every screen but those with their own buttons).
    #[prop(into, default = Signal::stored(true))]
    footer: Signal<bool>,
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let signed_in = move || session.with(|s| s.is_some());
    view! {
        <Show when=signed_in fallback=|| view! { <Redirect path=Route::SignIn.path() /> }>
            <TrainingBanner />
            <div class="frame">
                <Header screen=screen />
                <main class="frame-main">{children()}</main>
                {move || footer.get().then(Footer)}
            </div>
            <IdleGuard />
            <OutboxReplay />
        </Show>
    }
}

/// The frame of the start and sign-in pages: the title, and the training banner.
#[component]
pub fn PublicFrame(screen: &'static str, children: Children) -> impl IntoView {
    view! {
        <TrainingBanner />
        <div class="frame frame-public">
            <header class="frame-header">
                <div class="frame-titles">
                    <h1 class="frame-title">{catalogue::SYSTEM_TITLE}</h1>
                    <p class="frame-screen">{screen}</p>
                </div>
            </header>
            <main class="frame-main">{children()}</main>
        </div>
    }
}

/// 「研修モード」, on every page while the app works on training data: in training mode, and with an
/// endpoint that says it runs on training data.
#[component]
fn TrainingBanner() -> impl IntoView {
    let capabilities = use_capabilities();
    move || {
        capabilities.training().then(|| {
            view! {
                <div class="training-banner" role="note" data-testid="training-banner">
                    <strong class="training-banner-label">{catalogue::TRAINING_BANNER}</strong>
                    <span>{catalogue::TRAINING_BANNER_NOTE}</span>
                </div>
            }
        })
    }
}

#[component]
fn Header(screen: Signal<&'static str>) -> impl IntoView {
    let session = use_session();
    let institution = move || session.with(|s| s.map(|s| s.institution.name.clone()));
    let account = move || session.with(|s| s.map(|s| s.account.name.clone()));
    let kind = move || session.with(|s| s.map(|s| s.account.kind.frame_label()));
    let confirming = RwSignal::new(false);
    let api = use_api();
    let outbox = use_outbox();
    let unsent = outbox.unsent();
    let sending = RwSignal::new(false);
    let sign_out = move || {
        confirming.set(false);
        // The tab's session ends whatever the endpoint answers; the frame then shows the sign-in page.
        spawn_local(async move {
            let _ = api.sign_out().await;
        });
    };
    let confirm = UnsyncCallback::new(move |_| sign_out());
    // D4: with writes not yet sent, logout asks whether to send them now or keep them for later.
    let send_now = UnsyncCallback::new(move |_| {
        sending.set(true);
        spawn_local(async move {
            outbox.replay().await;
            sending.set(false);
            if unsent.get_untracked() == 0 {
                sign_out();
            }
        });
    });
    let keep = UnsyncCallback::new(move |_| sign_out());
    let badge = move || {
        let n = outbox.in_scope().get();
        (n > 0).then(|| {
            view! {
                <A href=Route::Outbox.path() attr:class="frame-outbox" attr:data-testid="outbox-badge">
                    {catalogue::outbox_badge(n)}
                </A>
            }
        })
    };
    view! {
        <header class="frame-header">
            <div class="frame-titles">
                <h1 class="frame-title">{catalogue::SYSTEM_TITLE}</h1>
                <p class="frame-screen" data-testid="screen-name">{move || screen.get()}</p>
            </div>
            <div class="frame-who">
                <span class="frame-institution" data-testid="institution">{institution}</span>
                <span class="frame-account" data-testid="account-name">{account}</span>
                <span class="frame-kind" data-testid="account-kind">{kind}</span>
                {badge}
                <button type="button" class="button button-logout" on:click=move |_| confirming.set(true)>
                    {catalogue::LOGOUT}
                </button>
            </div>
        </header>
        <Show when=move || confirming.get() && unsent.get() != 0>
            <Dialog
                title=catalogue::OUTBOX_LOGOUT_TITLE
                message=Signal::derive(move || catalogue::outbox_logout_message(unsent.get()))
                confirm_label=catalogue::OUTBOX_SEND_NOW
                on_confirm=send_now
                alternative=(catalogue::OUTBOX_KEEP_AND_LOGOUT, keep)
                cancel_label=catalogue::CANCEL
                on_cancel=UnsyncCallback::new(move |_| confirming.set(false))
                busy=sending
                test_id="logout-outbox"
            />
        </Show>
        <Show when=move || confirming.get() && unsent.get() == 0>
            <Dialog
                title=catalogue::LOGOUT
                message=Signal::stored(catalogue::LOGOUT_CONFIRM.to_owned())
                confirm_label=catalogue::OK
                cancel_label=catalogue::CANCEL
                on_confirm=confirm
                on_cancel=UnsyncCallback::new(move |_| confirming.set(false))
                test_id="logout-confirm"
            />
        </Show>
    }
}

#[allow(non_snake_case)] // A component-like function, called as `footer.get().then(Footer)`.
fn Footer() -> impl IntoView {
    let back = move |_| {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.back();
        }
    };
    view! {
        <nav class="frame-footer">
            <A href=Route::Menu.path() attr:class="button">
                {catalogue::MENU}
            </A>
            <button type="button" class="button" on:click=back>
                {catalogue::BACK}
            </button>
        </nav>
    }
}

/// Sends the outbox's kept writes: when a signed-in screen opens (so the next user of the institution
/// sends what the last one left), and then every half minute. The outbox itself lets one replay run
/// at a time.
#[component]
fn OutboxReplay() -> impl IntoView {
    let outbox = use_outbox();
    let replay = move || spawn_local(async move { outbox.replay().await });
    replay();
    if let Ok(handle) = set_interval_with_handle(replay, REPLAY_EVERY) {
        on_cleanup(move || handle.clear());
    }
}
