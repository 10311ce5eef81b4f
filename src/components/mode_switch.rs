//! モード切替 (S7; seed 000 Case3 ③④ and ⑫⑬): the confirmation, the switch itself, and its outcome,
//! for 顔認証付きカードリーダー操作 and the frame's prompt back to 無人運転 alike.
//!
//! A switch is sent with the ETag the screen last saw (decisions.md D7). When another terminal was
//! faster (412) or the reader is gone (404), the list is read again and the dialog says so; the
//! reader is then in the mode the list shows, never in one nobody knows. Mode changes are never
//! queued (D4): they succeed or fail on the spot. Without a session (401) the frame goes to the
//! sign-in page with the reason, as for any request.

use leptos::{prelude::*, task::spawn_local};
use onshi_core::{
    catalogue, contract::ProblemCode, contract::ReaderMode, contract::groups::Reader,
};

use crate::{
    components::Dialog,
    labels,
    state::{
        readers::{mode_label, use_readers},
        use_api,
    },
};

/// A switch staff asked for: the reader as shown, and the mode wanted.
#[derive(Clone, Debug, PartialEq)]
pub struct SwitchRequest {
    pub reader: Reader,
    pub mode: ReaderMode,
}

/// Where a switch stands.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    /// The confirmation of the request, also while the switch is under way (its buttons follow
    /// `sending`).
    Confirm,
    /// The outcome to acknowledge with OK.
    Outcome(String),
}

/// The dialogs of one switch. Setting `request` starts one; it is cleared when staff close the last
/// dialog (or cancel).
#[component]
pub fn ModeSwitch(request: RwSignal<Option<SwitchRequest>>) -> impl IntoView {
    let api = use_api();
    let readers = use_readers();
    let outcome = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    // The step is derived from the request and what came of it; sending does not draw the
    // confirmation again.
    let step = Memo::new(
        move |_| match (request.with(Option::is_some), outcome.get()) {
            (_, Some(message)) => Some(Step::Outcome(message)),
            (true, None) => Some(Step::Confirm),
            (false, None) => None,
        },
    );
    let close = move || {
        request.set(None);
        outcome.set(None);
    };
    let confirm = UnsyncCallback::new(move |_| {
        let Some(wanted) = request.get_untracked() else {
            return;
        };
        sending.set(true);
        spawn_local(async move {
            let answer = api
                .set_reader_mode(&wanted.reader.id, &wanted.reader.etag, wanted.mode)
                .await;
            let message = match answer {
                Ok(reader) => {
                    let message = labels::mode_switched(
                        &mode_label(&reader, reader.mode),
                        &reader.device_name,
                    );
                    readers.put(reader);
                    message
                }
                Err(e) => {
                    // Whatever went wrong, the list is read again so the screen shows the mode the
                    // reader is really in.
                    readers.reload().await;
                    match e.code() {
                        Some(ProblemCode::PreconditionFailed) => {
                            labels::READER_CHANGED_ELSEWHERE.to_owned()
                        }
                        Some(ProblemCode::NotFound) => labels::READER_GONE.to_owned(),
                        _ => e.message(),
                    }
                }
            };
            // The outcome first, so the confirmation is not shown again in between. (A session that
            // ended meanwhile has taken the screen to sign-in, and these signals with it.)
            outcome.try_set(Some(message));
            sending.try_set(false);
        });
    });
    let cancel = UnsyncCallback::new(move |_| close());
    move || {
        step.get().map(|step| match step {
            Step::Confirm => {
                let message = request
                    .with_untracked(|r| {
                        r.as_ref().map(|r| {
                            labels::mode_switch_confirm(
                                &mode_label(&r.reader, r.mode),
                                &r.reader.device_name,
                            )
                        })
                    })
                    .unwrap_or_default();
                view! {
                    <Dialog
                        title=labels::MODE_SWITCH_TITLE
                        message=Signal::stored(message)
                        confirm_label=catalogue::OK
                        on_confirm=confirm
                        cancel_label=labels::CANCEL
                        on_cancel=cancel
                        busy=sending
                        test_id="mode-switch-confirm"
                    />
                }
                .into_any()
            }
            Step::Outcome(message) => view! {
                <Dialog
                    title=labels::MODE_SWITCH_TITLE
                    message=Signal::stored(message)
                    confirm_label=catalogue::OK
                    on_confirm=UnsyncCallback::new(move |_| close())
                    on_cancel=UnsyncCallback::new(move |_| close())
                    test_id="mode-switch-done"
                />
            }
            .into_any(),
        })
    }
}
