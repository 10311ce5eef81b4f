//! A modal dialog with the guides' OK / キャンセル (or はい / いいえ) buttons.

use leptos::{html, prelude::*};

use crate::components::focus;

/// A modal confirmation. Escape answers like the cancel button when there is one; either way the
/// focus goes back to where it was before the dialog opened.
///
/// ## Usage
/// ```ignore
/// <Dialog title="モード切替" message=Signal::stored("…".to_owned())
///     confirm_label=catalogue::OK cancel_label=labels::CANCEL
///     on_confirm=UnsyncCallback::new(|_| …) on_cancel=UnsyncCallback::new(|_| …)/>
/// ```
#[component]
pub fn Dialog(
    /// The heading, e.g. 「モード切替」.
    #[prop(into)]
    title: String,
    /// The text, which may change while the dialog is open (a countdown).
    #[prop(into)]
    message: Signal<String>,
    confirm_label: &'static str,
    on_confirm: UnsyncCallback<()>,
    /// Without a cancel label the dialog has a single button.
    #[prop(optional)]
    cancel_label: Option<&'static str>,
    #[prop(optional)] on_cancel: Option<UnsyncCallback<()>>,
    /// A third choice between confirm and cancel (e.g. 「保持してログアウト」).
    #[prop(optional)]
    alternative: Option<(&'static str, UnsyncCallback<()>)>,
    /// Disables the buttons while the choice is being carried out.
    #[prop(into, optional)]
    busy: Signal<bool>,
    /// A hook for tests and page objects, e.g. `logout-confirm`.
    #[prop(into)]
    test_id: String,
    /// Content shown above the message, e.g. a code staff must note down.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let confirm_button = NodeRef::<html::Button>::new();
    // Whatever had the focus before the dialog opened gets it back when the dialog is answered, so
    // keyboard work goes on where it stopped (docs/decisions.md D11).
    let before = StoredValue::new_local(focus::current());
    let give_back = move || before.with_value(|element| focus::give_back(element.as_ref()));
    // Moving focus into the dialog is a DOM side effect, which is what effects are for.
    Effect::new(move |_| {
        if let Some(button) = confirm_button.get() {
            let _ = button.focus();
        }
    });
    // While the choice is being carried out, cancelling could no longer undo it, so it waits too.
    let cancel = move || {
        if let Some(on_cancel) = on_cancel
            && !busy.get_untracked()
        {
            give_back();
            on_cancel.run(());
        }
    };
    view! {
        <div class="dialog-backdrop">
            <div
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="dialog-title"
                aria-describedby="dialog-message"
                data-testid=test_id
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        cancel();
                    }
                }
            >
                <h2 id="dialog-title" class="dialog-title">{title}</h2>
                {children.map(|children| children())}
                <p id="dialog-message" class="dialog-message">{move || message.get()}</p>
                <div class="dialog-buttons">
                    <button
                        type="button"
                        class="button button-primary"
                        node_ref=confirm_button
                        disabled=move || busy.get()
                        on:click=move |_| {
                            give_back();
                            on_confirm.run(());
                        }
                    >
                        {confirm_label}
                    </button>
                    {alternative
                        .map(|(label, on_alternative)| {
                            view! {
                                <button
                                    type="button"
                                    class="button"
                                    disabled=move || busy.get()
                                    on:click=move |_| {
                                        give_back();
                                        on_alternative.run(());
                                    }
                                >
                                    {label}
                                </button>
                            }
                        })}
                    {cancel_label
                        .map(|label| {
                            view! {
                                <button
                                    type="button"
                                    class="button"
                                    disabled=move || busy.get()
                                    on:click=move |_| cancel()
                                >
                                    {label}
                                </button>
                            }
                        })}
                </div>
            </div>
        </div>
    }
}
