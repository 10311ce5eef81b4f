//! The frame every screen shares (S1, S2; seeds 000 and 001): the system title and screen name, the
//! institution, the signed-in account and its kind, 「ログアウト」, and メニュー / 戻る at the bottom.
//! Training mode adds its permanent 「研修モード」 banner.
//!
//! Where the endpoint has face readers, the frame shows each reader's mode at all times, and after a
//! visual check it asks staff to switch the reader back to 無人運転 (seed 000 ⑪), with the guides'
//! モード切替 dialogs; readers left in 目視確認 are a known pain (docs/domain.md §2). With the
//! training group, it also offers the reader panel that plays the patient's side (S9).

use leptos::{html, prelude::*, task::spawn_local};
use leptos_router::components::{A, Redirect};
use onshi_core::{catalogue, contract::ReaderMode};

use crate::{
    components::{
        BackButton, Dialog, MenuLink, ModeSwitch, ReaderPanel, SwitchRequest, focus,
        idle::IdleGuard,
    },
    labels,
    route::Route,
    state::{
        FeatureGroup,
        readers::{ReadersWatch, mode_label, readers_shown},
        use_api, use_capabilities, use_outbox, use_readers, use_session,
    },
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
    let readers_shown = readers_shown();
    // While a system-issued password must be changed (only パスワード変更 opens), the endpoint refuses
    // everything but the change with 403 `password_change_required`: the readers and the outbox
    // wait, since that refusal would otherwise count as the answer to someone's kept write (D4).
    let must_change = use_session().must_change_password();
    let working = move || !must_change.get();
    let main = first_field_focused();
    view! {
        <Show when=signed_in fallback=|| view! { <Redirect path=Route::SignIn.path() /> }>
            <TrainingBanner panel_toggle=true />
            <div class="frame">
                <Header screen=screen />
                <Show when=working>
                    <ReaderStrip />
                </Show>
                <main class="frame-main" node_ref=main>
                    {children()}
                </main>
                {move || footer.get().then(Footer)}
            </div>
            <TrainerPanel />
            <IdleGuard />
            <Show when=working>
                <OutboxReplay />
                {move || readers_shown.get().then(|| view! { <ReadersWatch /> })}
            </Show>
        </Show>
    }
}

/// The frame of the start and sign-in pages: the title, and the training banner.
#[component]
pub fn PublicFrame(screen: &'static str, children: Children) -> impl IntoView {
    let main = first_field_focused();
    view! {
        <TrainingBanner />
        <div class="frame frame-public">
            <header class="frame-header">
                <div class="frame-titles">
                    <h1 class="frame-title">{labels::SYSTEM_TITLE}</h1>
                    <p class="frame-screen">{screen}</p>
                </div>
            </header>
            <main class="frame-main" node_ref=main>
                {children()}
            </main>
        </div>
    }
}

/// The screen's `main`, whose first field takes the focus when the screen opens (docs/decisions.md
/// D11). Moving focus is a DOM side effect, which is what effects are for.
fn first_field_focused() -> NodeRef<html::Main> {
    let main = NodeRef::<html::Main>::new();
    Effect::new(move |_| {
        if let Some(main) = main.get() {
            focus::first_field(&main);
        }
    });
    main
}

/// 「研修モード」, on every page while the app works on training data: in training mode, and with an
/// endpoint that says it runs on training data. On signed-in screens it carries the button that
/// shows training's reader panel, so the button stays in view however far the screen scrolls.
#[component]
fn TrainingBanner(#[prop(optional)] panel_toggle: bool) -> impl IntoView {
    let capabilities = use_capabilities();
    move || {
        capabilities.training().then(|| {
            view! {
                <div class="training-banner" role="note" data-testid="training-banner">
                    <strong class="training-banner-label">{labels::TRAINING_BANNER}</strong>
                    <span>{labels::TRAINING_BANNER_NOTE}</span>
                    {panel_toggle.then(|| view! { <PanelToggle /> })}
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
                    {labels::outbox_badge(n)}
                </A>
            }
        })
    };
    view! {
        <header class="frame-header">
            <div class="frame-titles">
                <h1 class="frame-title">{labels::SYSTEM_TITLE}</h1>
                <p class="frame-screen" data-testid="screen-name">{move || screen.get()}</p>
            </div>
            <div class="frame-who">
                <span class="frame-institution" data-testid="institution">{institution}</span>
                <span class="frame-account" data-testid="account-name">{account}</span>
                <span class="frame-kind" data-testid="account-kind">{kind}</span>
                {badge}
                <button type="button" class="button button-logout" on:click=move |_| confirming.set(true)>
                    {labels::LOGOUT}
                </button>
            </div>
        </header>
        <Show when=move || confirming.get() && unsent.get() != 0>
            <Dialog
                title=labels::OUTBOX_LOGOUT_TITLE
                message=Signal::derive(move || labels::outbox_logout_message(unsent.get()))
                confirm_label=labels::OUTBOX_SEND_NOW
                on_confirm=send_now
                alternative=(labels::OUTBOX_KEEP_AND_LOGOUT, keep)
                cancel_label=labels::CANCEL
                on_cancel=UnsyncCallback::new(move |_| confirming.set(false))
                busy=sending
                test_id="logout-outbox"
            />
        </Show>
        <Show when=move || confirming.get() && unsent.get() == 0>
            <Dialog
                title=labels::LOGOUT
                message=Signal::stored(labels::LOGOUT_CONFIRM.to_owned())
                confirm_label=catalogue::OK
                cancel_label=labels::CANCEL
                on_confirm=confirm
                on_cancel=UnsyncCallback::new(move |_| confirming.set(false))
                test_id="logout-confirm"
            />
        </Show>
    }
}

/// Each reader's mode, always in view, and the prompt to switch a reader back to 無人運転 once its
/// visual check is done.
#[component]
fn ReaderStrip() -> impl IntoView {
    let readers = use_readers();
    let switching = RwSignal::new(None::<SwitchRequest>);
    let list = readers.list();
    let shown = readers_shown();
    let modes = move || {
        list.get()
            .into_iter()
            .map(|r| {
                let visual = r.mode == ReaderMode::Visual;
                let mode = mode_label(&r, r.mode);
                view! {
                    <li class="frame-reader" class:frame-reader-visual=visual data-reader=r.id.clone()>
                        <span class="frame-reader-label">{r.label.clone()}</span>
                        <span class="frame-reader-mode">{mode}</span>
                    </li>
                }
            })
            .collect_view()
    };
    let prompts = move || {
        list.get()
            .into_iter()
            .filter(|r| r.completed_visual_check.is_some())
            .map(|r| {
                let message = labels::reader_return_prompt(&r.label);
                let wanted = SwitchRequest {
                    reader: r,
                    mode: ReaderMode::Unattended,
                };
                view! {
                    <p class="frame-reader-prompt" role="alert" data-testid="reader-return-prompt">
                        <span>{message}</span>
                        <button
                            type="button"
                            class="button button-primary"
                            on:click=move |_| switching.set(Some(wanted.clone()))
                        >
                            {labels::READER_RETURN}
                        </button>
                    </p>
                }
            })
            .collect_view()
    };
    // A memo, so that reading the list again does not rebuild the strip (or a dialog it opened).
    let visible = Memo::new(move |_| shown.get() && readers.is_read());
    view! {
        <Show when=move || visible.get()>
            <div class="frame-readers" data-testid="frame-readers">
                <span class="frame-readers-heading">{labels::FRAME_READERS}</span>
                <ul class="frame-reader-list">{modes}</ul>
            </div>
            {prompts}
        </Show>
        <ModeSwitch request=switching />
    }
}

/// Whether training's reader panel is offered: with the training group, to an account that sees the
/// readers and may use them now (not while its password must be changed).
fn panel_offered() -> Memo<bool> {
    let capabilities = use_capabilities();
    let shown = readers_shown();
    let must_change = use_session().must_change_password();
    Memo::new(move |_| {
        capabilities.offers(FeatureGroup::Training) == Some(true)
            && shown.get()
            && !must_change.get()
    })
}

/// The banner's button that shows and hides training's reader panel.
#[component]
fn PanelToggle() -> impl IntoView {
    let open = use_readers().panel_open();
    let offered = panel_offered();
    move || {
        offered.get().then(|| {
            view! {
                <button
                    type="button"
                    class="button button-small training-banner-toggle"
                    aria-expanded=move || open.get().to_string()
                    data-testid="reader-panel-toggle"
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {move || if open.get() { labels::PANEL_CLOSE } else { labels::PANEL_OPEN }}
                </button>
            }
        })
    }
}

/// Training's reader panel (S9), shown beside the screen while the trainer keeps it open.
#[component]
fn TrainerPanel() -> impl IntoView {
    let open = use_readers().panel_open();
    let offered = panel_offered();
    view! {
        <Show when=move || offered.get() && open.get()>
            <ReaderPanel />
        </Show>
    }
}

#[allow(non_snake_case)] // A component-like function, called as `footer.get().then(Footer)`.
fn Footer() -> impl IntoView {
    let back = move |()| {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.back();
        }
    };
    view! {
        <nav class="frame-footer">
            <MenuLink />
            <BackButton on_back=back />
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
