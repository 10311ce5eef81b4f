//! 顔認証付きカードリーダー操作 (S7; seed 000 Case3, seeds 002 and 004): the readers with their three
//! modes, the current one shown green, and 目視確認時利用項目 for the reader selected in the table
//! (decisions.md D9).
//!
//! A mode button asks with the guides' モード切替 dialogs ([`ModeSwitch`]); a stale ETag or a reader
//! that disappeared is told and the list read again (D7). Checking 「目視で本人確認完了」 asks
//! 目視確認実行 and opens a visual check for 資格確認日 on the selected reader; the screen then waits
//! for the patient at the reader and says 「目視による資格確認が完了しました。」 when the check is
//! done, or that it was stopped. Whether it is done is read from the shared reader list, which the
//! event feed keeps current; when the list no longer shows the check at all (another terminal
//! switched the reader meanwhile), the check itself is asked for.

use leptos::{prelude::*, task::spawn_local};
use onshi_core::{
    catalogue,
    contract::ReaderMode,
    contract::groups::{Reader, VisualCheck},
    validate::{Finding, insurance},
};

use crate::{
    components::{Dialog, Frame, ModeSwitch, SwitchRequest, TextField},
    labels,
    state::{readers::mode_label, use_api, use_clock, use_readers},
};

/// A visual check this screen opened, until staff acknowledge how it ended.
#[derive(Clone, Debug, PartialEq)]
struct Running {
    reader_id: String,
    check_id: String,
}

/// How a running check stands.
#[derive(Clone, Copy, Debug, PartialEq)]
enum CheckState {
    Waiting,
    Completed,
    Cancelled,
    /// The list shows neither; the endpoint is asked.
    Unknown,
}

/// What the reader list says of a running check.
fn state_in_list(reader: Option<&Reader>, running: &Running) -> CheckState {
    let Some(reader) = reader else {
        return CheckState::Unknown;
    };
    let is = |check: &Option<VisualCheck>| check.as_ref().is_some_and(|c| c.id == running.check_id);
    if is(&reader.pending_visual_check) {
        CheckState::Waiting
    } else if is(&reader.completed_visual_check) {
        CheckState::Completed
    } else {
        CheckState::Unknown
    }
}

#[component]
pub fn ReadersPage() -> impl IntoView {
    let readers = use_readers();
    let api = use_api();
    let clock = use_clock();
    let list = readers.list();
    let selected = RwSignal::new(None::<String>);
    let switching = RwSignal::new(None::<SwitchRequest>);
    let today = move || clock.now().jst_date().format("%Y/%m/%d").to_string();
    let date = RwSignal::new(today());
    let date_error = RwSignal::new(None::<String>);
    let confirmed = RwSignal::new(false);
    let confirm_error = RwSignal::new(None::<String>);
    let asking = RwSignal::new(false);
    let starting = RwSignal::new(false);
    let running = RwSignal::new(None::<Running>);
    // What the endpoint said of a check the list no longer shows.
    let asked = RwSignal::new(None::<(String, CheckState)>);
    let reloading = RwSignal::new(false);

    // The selected reader: the one staff chose while it is listed, else the first (derived).
    let chosen = Memo::new(move |_| {
        let picked = selected.get();
        list.with(|l| {
            l.iter()
                .find(|r| Some(&r.id) == picked.as_ref())
                .or_else(|| l.first())
                .cloned()
        })
    });
    let check_state = Memo::new(move |_| {
        let run = running.get()?;
        let in_list = list.with(|l| state_in_list(l.iter().find(|r| r.id == run.reader_id), &run));
        Some(match in_list {
            CheckState::Unknown => asked.with(|a| match a {
                Some((id, state)) if *id == run.check_id => *state,
                _ => CheckState::Unknown,
            }),
            known => known,
        })
    });
    // A check the list no longer shows is asked for once; asking is I/O, which is what effects are
    // for.
    Effect::new(move |_| {
        if check_state.get() != Some(CheckState::Unknown) {
            return;
        }
        let Some(run) = running.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let state = match api.visual_check(&run.reader_id, &run.check_id).await {
                Ok(check) if check.state == "completed" => CheckState::Completed,
                Ok(check) if check.state == "pending" => CheckState::Waiting,
                // Cancelled, or gone with its reader.
                _ => CheckState::Cancelled,
            };
            asked.try_set(Some((run.check_id, state)));
        });
    });

    let reload = move |_| {
        reloading.set(true);
        spawn_local(async move {
            readers.reload().await;
            reloading.try_set(false);
        });
    };
    let ask_switch = move |reader: Reader, mode: ReaderMode| {
        selected.set(Some(reader.id.clone()));
        switching.set(Some(SwitchRequest { reader, mode }));
    };

    // 「目視で本人確認完了」: checked only when the check may be run; then 目視確認実行 asks.
    let on_confirmed = move |checked: bool| {
        confirm_error.set(None);
        date_error.set(None);
        if !checked {
            confirmed.set(false);
            return;
        }
        confirmed.set(true);
        let problem = match chosen.get_untracked() {
            None => Some(labels::VISUAL_RUN_NEEDS_READER.to_owned()),
            Some(r) if r.mode != ReaderMode::Visual => {
                Some(labels::VISUAL_RUN_NEEDS_MODE.to_owned())
            }
            Some(r) if r.pending_visual_check.is_some() => {
                Some(catalogue::PROBLEM_VISUAL_CHECK_PENDING.to_owned())
            }
            Some(_) => None,
        };
        if let Some(message) = problem {
            confirm_error.set(Some(message));
            confirmed.set(false);
            return;
        }
        if let Err(finding) = qualification_date(&date.get_untracked(), clock.now().jst_date()) {
            date_error.set(Some(finding.message));
            confirmed.set(false);
            return;
        }
        asking.set(true);
    };
    let cancel_run = UnsyncCallback::new(move |_| {
        asking.set(false);
        confirmed.set(false);
    });
    let run = UnsyncCallback::new(move |_| {
        let Some(reader) = chosen.get_untracked() else {
            return;
        };
        let Ok(day) = qualification_date(&date.get_untracked(), clock.now().jst_date()) else {
            return;
        };
        starting.set(true);
        spawn_local(async move {
            let answer = api
                .start_visual_check(&reader.id, &day.format("%Y-%m-%d").to_string())
                .await;
            match answer {
                Ok(check) => {
                    // The list is read before the check counts as running, so it shows the check.
                    readers.reload().await;
                    running.try_set(Some(Running {
                        reader_id: reader.id,
                        check_id: check.id,
                    }));
                }
                Err(e) => {
                    readers.reload().await;
                    let at_date = e
                        .field_errors()
                        .iter()
                        .find(|f| f.field == "qualification_date")
                        .map(|f| f.message.clone());
                    match at_date {
                        Some(message) => {
                            date_error.try_set(Some(message));
                        }
                        None => {
                            confirm_error.try_set(Some(e.message()));
                        }
                    }
                    confirmed.try_set(false);
                }
            }
            starting.try_set(false);
            asking.try_set(false);
        });
    });
    let acknowledge = UnsyncCallback::new(move |_| {
        running.set(None);
        asked.set(None);
        confirmed.set(false);
    });

    let rows = move || {
        list.get()
            .into_iter()
            .map(|reader| {
                let id = reader.id.clone();
                let is_selected = {
                    let id = id.clone();
                    move || chosen.with(|c| c.as_ref().is_some_and(|c| c.id == id))
                };
                let row_selected = is_selected.clone();
                let choose = {
                    let id = id.clone();
                    move |_| selected.set(Some(id.clone()))
                };
                let buttons = ReaderMode::ALL
                    .iter()
                    .map(|&mode| {
                        let current = reader.mode == mode;
                        let label = mode_label(&reader, mode);
                        let target = reader.clone();
                        view! {
                            <button
                                type="button"
                                class="mode-button"
                                class:mode-current=current
                                aria-pressed=current.to_string()
                                disabled=current
                                on:click=move |_| ask_switch(target.clone(), mode)
                            >
                                {label}
                            </button>
                        }
                    })
                    .collect_view();
                view! {
                    <tr class="reader-row" class:reader-row-selected=row_selected data-reader=id.clone()>
                        <td class="reader-select">
                            <input
                                type="radio"
                                name="reader"
                                id=format!("reader-{id}")
                                aria-label=format!("{}（{}）", labels::READERS_SELECT, reader.label)
                                prop:checked=is_selected
                                on:change=choose
                            />
                        </td>
                        <td class="reader-name">
                            <label for=format!("reader-{id}")>
                                <span class="reader-device">{reader.device_name.clone()}</span>
                                <span class="reader-label">{reader.label.clone()}</span>
                            </label>
                        </td>
                        <td class="reader-modes">{buttons}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let selected_mode = move || {
        chosen
            .get()
            .map(|r| mode_label(&r, r.mode))
            .unwrap_or_default()
    };
    let empty = move || readers.is_read() && list.with(Vec::is_empty);
    let waiting = move || check_state.get() == Some(CheckState::Waiting);

    view! {
        <Frame screen=labels::TILE_READER>
            <section class="readers" data-testid="readers">
                <div class="readers-bar">
                    <span class="readers-heading">{labels::READERS_COLUMN}</span>
                    <span class="readers-selected" data-testid="selected-mode">
                        {labels::READERS_SELECTED_MODE}
                        {selected_mode}
                    </span>
                    <button type="button" class="button" on:click=reload disabled=move || reloading.get()>
                        {labels::READERS_RELOAD}
                    </button>
                </div>
                <p class="form-error" role="alert" data-testid="readers-error">{move || readers.error()}</p>
                <table class="readers-table" aria-busy=move || (!readers.is_read()).to_string()>
                    <tbody>{rows}</tbody>
                </table>
                {move || empty().then(|| view! { <p class="readers-empty">{labels::READERS_NONE}</p> })}

                <section class="visual-items" aria-labelledby="visual-items-heading">
                    <h2 id="visual-items-heading" class="visual-items-heading">{labels::VISUAL_ITEMS_HEADING}</h2>
                    <div class="visual-items-date">
                        <TextField id="qualification_date" label=labels::LABEL_CONFIRMATION_DATE value=date error=date_error required=true />
                        <span class="required-note">{labels::REQUIRED_NOTE}</span>
                    </div>
                    <fieldset class="visual-items-identity">
                        <legend>{labels::IDENTITY_HEADING}</legend>
                        <p>{labels::IDENTITY_BY_CARD_FACE}</p>
                        <label class="choice-inline">
                            <input
                                type="checkbox"
                                id="identity_confirmed"
                                aria-describedby="identity_confirmed-message"
                                prop:checked=move || confirmed.get()
                                disabled=move || running.with(Option::is_some) || starting.get()
                                on:change=move |ev| on_confirmed(event_target_checked(&ev))
                            />
                            {labels::IDENTITY_CONFIRMED}
                        </label>
                        <p id="identity_confirmed-message" class="field-message" role="alert">
                            {move || confirm_error.get()}
                        </p>
                    </fieldset>
                    <p class="visual-waiting" role="status" data-testid="visual-waiting">
                        {move || waiting().then_some(labels::VISUAL_RUN_WAITING)}
                    </p>
                </section>
            </section>
            <ModeSwitch request=switching />
            <Show when=move || asking.get()>
                <Dialog
                    title=labels::VISUAL_RUN_TITLE
                    message=Signal::stored(labels::VISUAL_RUN_CONFIRM.to_owned())
                    confirm_label=catalogue::OK
                    on_confirm=run
                    cancel_label=labels::CANCEL
                    on_cancel=cancel_run
                    busy=starting
                    test_id="visual-run-confirm"
                />
            </Show>
            // How the check ended, acknowledged with OK.
            {move || {
                let (message, test_id) = match check_state.get()? {
                    CheckState::Completed => (labels::VISUAL_RUN_DONE, "visual-run-done"),
                    CheckState::Cancelled => (labels::VISUAL_RUN_CANCELLED, "visual-run-cancelled"),
                    CheckState::Waiting | CheckState::Unknown => return None,
                };
                Some(view! {
                    <Dialog
                        title=labels::VISUAL_RUN_TITLE
                        message=Signal::stored(message.to_owned())
                        confirm_label=catalogue::OK
                        on_confirm=acknowledge
                        on_cancel=acknowledge
                        test_id=test_id
                    />
                })
            }}
        </Frame>
    }
}

/// 資格確認日 as the form checks it: any form staff type (和暦 too), not in the future.
fn qualification_date(input: &str, today: chrono::NaiveDate) -> Result<chrono::NaiveDate, Finding> {
    insurance::date(
        "qualification_date",
        labels::LABEL_CONFIRMATION_DATE,
        input,
        today,
    )
}
