//! 目視確認用パスコード発行 (S8; seed 004 steps 5–7).
//!
//! Staff issue their own 4-digit code for the reader's 職員用ボタン (decisions.md D2: one code per user
//! ID). 「発行」 asks for confirmation with the signed-in user's ID; OK sends the request, and the code
//! the endpoint answers with is shown once, in a dialog, until staff press OK. It is then dropped: it
//! lives only in this page's signal while the dialog is open, and is never cached, logged or stored.
//! Re-issuing is the same button; the endpoint then refuses the earlier code.
//!
//! A refusal is shown on the page. Without a session (401) the frame goes to the sign-in page with
//! the reason, as for any request.

use std::fmt;

use leptos::{prelude::*, task::spawn_local};
use onshi_core::catalogue;

use crate::{
    components::{Dialog, Frame, KeyHint},
    keys::Command,
    labels,
    state::{use_api, use_session},
};

/// An issued code. Its `Debug` hides the digits, so that no log or panic message can carry it.
#[derive(Clone, PartialEq, Eq)]
struct Passcode(String);

impl fmt::Debug for Passcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passcode(****)")
    }
}

/// Where an issue stands while a dialog is open.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    /// The confirmation, before anything is sent.
    Confirm,
    /// The confirmation, with the request under way.
    Sending,
    /// The code, shown this once.
    Issued(Passcode),
}

/// Which dialog is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Confirm,
    Code,
}

#[component]
pub fn PasscodePage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    // `None` while no dialog is open; closing the code's dialog drops the code with it.
    let step = RwSignal::new(None::<Step>);
    let refusal = RwSignal::new(None::<String>);
    // Read without tracking: each request moves the session's last activity, which must not draw
    // the confirmation again.
    let user_id = move || session.peek(|s| s.map(|s| s.account.id.clone()).unwrap_or_default());

    let open = move |_| {
        refusal.set(None);
        step.set(Some(Step::Confirm));
    };
    let issue = UnsyncCallback::new(move |_| {
        if step.get_untracked() != Some(Step::Confirm) {
            return;
        }
        step.set(Some(Step::Sending));
        spawn_local(async move {
            let answer = api.issue_passcode().await;
            // A session that ended meanwhile has taken the screen to sign-in, and these signals
            // with it; hence `try_set`.
            match answer {
                Ok(issued) => {
                    step.try_set(Some(Step::Issued(Passcode(issued.passcode))));
                }
                Err(e) => {
                    step.try_set(None);
                    refusal.try_set(Some(e.message()));
                }
            }
        });
    });
    let cancel = UnsyncCallback::new(move |_| step.set(None));
    let done = UnsyncCallback::new(move |_| step.set(None));
    let sending = Signal::derive(move || step.get() == Some(Step::Sending));
    // Only which dialog is open decides what is drawn, so sending does not draw the confirmation
    // again (its buttons follow `sending`).
    let shown = Memo::new(move |_| {
        step.with(|s| match s {
            None => None,
            Some(Step::Confirm | Step::Sending) => Some(Shown::Confirm),
            Some(Step::Issued(_)) => Some(Shown::Code),
        })
    });
    let code = move || {
        step.with(|s| match s {
            Some(Step::Issued(Passcode(code))) => code.clone(),
            _ => String::new(),
        })
    };

    let dialog = move || match shown.get() {
        Some(Shown::Confirm) => view! {
            <Dialog
                title=labels::TILE_PASSCODE
                message=Signal::stored(labels::passcode_confirm(&user_id()))
                confirm_label=catalogue::OK
                on_confirm=issue
                cancel_label=labels::CANCEL
                on_cancel=cancel
                busy=sending
                test_id="passcode-confirm"
            />
        }
        .into_any(),
        // Only OK closes the code's dialog (not Escape): it cannot be shown again.
        Some(Shown::Code) => view! {
            <Dialog
                title=labels::TILE_PASSCODE
                message=Signal::stored(format!(
                    "{}\n{}",
                    labels::PASSCODE_REMEMBER,
                    labels::PASSCODE_SHOWN_ONCE,
                ))
                confirm_label=catalogue::OK
                on_confirm=done
                test_id="passcode-issued"
            >
                <dl class="passcode-issued">
                    <dt>{labels::PASSCODE_LABEL}</dt>
                    <dd class="passcode-value" data-testid="passcode-value">{code}</dd>
                </dl>
            </Dialog>
        }
        .into_any(),
        None => ().into_any(),
    };

    view! {
        <Frame screen=labels::TILE_PASSCODE>
            <section class="passcode" data-testid="passcode">
                <p class="passcode-explanation">{labels::PASSCODE_EXPLANATION}</p>
                <p class="form-error" role="alert" data-testid="passcode-error">
                    {move || refusal.get()}
                </p>
                <div class="passcode-actions">
                    <button
                        type="button"
                        class="button button-primary"
                        data-testid="passcode-issue"
                        data-command=Command::Primary.name()
                        aria-keyshortcuts=Command::Primary.key()
                        disabled=move || step.with(Option::is_some)
                        on:click=open
                    >
                        {labels::PASSCODE_ISSUE}
                        <KeyHint command=Command::Primary />
                    </button>
                </div>
            </section>
            {dialog}
        </Frame>
    }
}
