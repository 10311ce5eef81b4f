//! 未送信の登録: the outbox's entries (decisions.md D4) with their states, so staff can see that a
//! write which got no answer is kept, and what became of it once sent.
//!
//! 「今すぐ再送」 sends what waits now (it is sent again automatically anyway). A 要確認 entry (older
//! than six days) is sent again only when staff choose 「新しく送り直す」, under a new key, or
//! discarded. A sent entry stays until staff mark it 確認済み, so a refusal that came back while
//! nobody watched is not missed.

use leptos::{prelude::*, task::spawn_local};
use onshi_core::catalogue;

use crate::{
    components::{Dialog, Frame, KeyHint},
    keys::Command,
    labels,
    platform::outbox_store::{OutboxEntry, OutboxState},
    state::{
        outbox::{self, Delivery},
        use_outbox,
    },
};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let outbox = use_outbox();
    let busy = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let discarding = RwSignal::new(None::<String>);
    spawn_local(async move { outbox.refresh().await });

    let resend_now = move |_| {
        busy.set(true);
        spawn_local(async move {
            outbox.replay().await;
            busy.set(false);
        });
    };
    let rows = move || {
        let scope = outbox.scope();
        outbox
            .entries()
            .get()
            .into_iter()
            .rev()
            .map(|entry| {
                let ours = Some(&entry.scope) == scope.as_ref();
                view! { <Row entry=entry ours=ours busy=busy notice=notice discarding=discarding /> }
            })
            .collect_view()
    };
    let empty = move || outbox.entries().with(Vec::is_empty);
    let confirm_discard = UnsyncCallback::new(move |_| {
        if let Some(id) = discarding.get_untracked() {
            discarding.set(None);
            spawn_local(async move { outbox.remove(&id).await });
        }
    });
    view! {
        <Frame screen=labels::SCREEN_OUTBOX>
            <section class="outbox" data-testid="outbox">
                <p class="check-hint">{labels::OUTBOX_HINT}</p>
                <p class="form-error" role="alert">{move || outbox.trouble().get()}</p>
                <p class="notice" role="status" data-testid="outbox-notice">{move || notice.get()}</p>
                <div class="outbox-actions">
                    <button
                        type="button"
                        class="button button-primary"
                        data-testid="outbox-resend"
                        data-command=Command::Primary.name()
                        aria-keyshortcuts=Command::Primary.key()
                        on:click=resend_now
                        disabled=move || busy.get() || outbox.unsent().get() == 0
                    >
                        {labels::OUTBOX_RESEND_NOW}
                        <KeyHint command=Command::Primary />
                    </button>
                </div>
                <Show when=move || !empty() fallback=|| view! { <p data-testid="outbox-empty">{labels::OUTBOX_EMPTY}</p> }>
                    <table class="list">
                        <thead>
                            <tr>
                                <th>{labels::OUTBOX_CREATED_AT}</th>
                                <th>{labels::OUTBOX_USER}</th>
                                <th>{labels::OUTBOX_CONTENT}</th>
                                <th>{labels::OUTBOX_STATE}</th>
                                <th></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </Show>
            </section>
            <Show when=move || discarding.get().is_some()>
                <Dialog
                    title=labels::OUTBOX_DISCARD
                    message=Signal::stored(labels::OUTBOX_DISCARD_CONFIRM.to_owned())
                    confirm_label=catalogue::OK
                    cancel_label=labels::CANCEL
                    on_confirm=confirm_discard
                    on_cancel=UnsyncCallback::new(move |_| discarding.set(None))
                    test_id="outbox-discard-confirm"
                />
            </Show>
        </Frame>
    }
}

/// One entry. Entries of another endpoint or institution are listed (so nothing is hidden from the
/// device's staff) but not sent from here.
#[component]
fn Row(
    entry: OutboxEntry,
    ours: bool,
    busy: RwSignal<bool>,
    notice: RwSignal<Option<String>>,
    discarding: RwSignal<Option<String>>,
) -> impl IntoView {
    let outbox = use_outbox();
    let created = entry
        .created_at
        .jst()
        .format("%Y/%m/%d %H:%M:%S")
        .to_string();
    let content = outbox::describe(&entry.request);
    let (state, tone) = match (&entry.state, ours) {
        (OutboxState::Pending, true) => (labels::OUTBOX_PENDING.to_owned(), "pending"),
        (OutboxState::Sending, true) => (labels::OUTBOX_SENDING.to_owned(), "pending"),
        // Still with the national side: waiting, not failed.
        (OutboxState::AwaitingAnswer, true) => {
            (labels::OUTBOX_AWAITING_ANSWER.to_owned(), "pending")
        }
        (OutboxState::Failed { reason }, true) => {
            (format!("{}：{reason}", labels::OUTBOX_FAILED), "failed")
        }
        (OutboxState::NeedsCheck, _) => (labels::OUTBOX_NEEDS_CHECK.to_owned(), "check"),
        (OutboxState::Done { outcome }, _) => {
            (format!("{}：{outcome}", catalogue::OUTBOX_DONE), "done")
        }
        (_, false) => (labels::OUTBOX_OTHER_SCOPE.to_owned(), "other"),
    };
    let id = entry.id.clone();
    let action = match &entry.state {
        OutboxState::Done { .. } => Some(
            view! {
                <button type="button" class="button button-small" on:click=move |_| {
                    let id = id.clone();
                    spawn_local(async move { outbox.remove(&id).await });
                }>{labels::OUTBOX_DISMISS}</button>
            }
            .into_any(),
        ),
        OutboxState::NeedsCheck if ours => {
            let again = id.clone();
            Some(view! {
                <button type="button" class="button button-small" disabled=move || busy.get() on:click=move |_| {
                    let id = again.clone();
                    busy.set(true);
                    spawn_local(async move {
                        let said = match outbox.send_again(&id).await {
                            Ok(Delivery::Answered { outcome, .. }) => outcome,
                            Ok(Delivery::Kept) => labels::REFERENCE_KEPT.to_owned(),
                            Ok(Delivery::AwaitingAnswer) => {
                                labels::REFERENCE_AWAITING_ANSWER.to_owned()
                            }
                            Err(e) => e.message().to_owned(),
                        };
                        notice.set(Some(said));
                        busy.set(false);
                    });
                }>{labels::OUTBOX_SEND_AGAIN}</button>
                <button type="button" class="button button-small" on:click=move |_| discarding.set(Some(id.clone()))>
                    {labels::OUTBOX_DISCARD}
                </button>
            }
            .into_any())
        }
        _ => None,
    };
    view! {
        <tr class=format!("outbox-row outbox-{tone}") data-testid="outbox-row">
            <td>{created}</td>
            <td>{entry.user.name.clone()}</td>
            <td data-testid="outbox-content">{content}</td>
            <td data-testid="outbox-state">{state}</td>
            <td>{action}</td>
        </tr>
    }
}
