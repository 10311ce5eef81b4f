//! Training's reader panel (S9; seeds 002 and 004): the patient's side of a face reader, played by
//! the trainer step by step through the training group (decisions.md D3), beside whatever screen
//! staff have open.
//!
//! The panel is one of the endpoint's readers, chosen in its list. What the reader shows when no one
//! is at it follows from that reader's mode and its open visual check, as the shared list of readers
//! says (`use_readers()`): 「マイナンバーカードを置いてください」 in 無人運転 and 暗証番号認証固定, seed 004's
//! 「資格確認を開始します。…」 while staff's 目視確認 waits for the card. Only the patient's way through
//! the screens (which step, whose card, the answers so far) is the panel's own.
//!
//! A patient places a card and proves who they are (顔認証, or the PIN, checked at once so a wrong one
//! is told before the consent screens), answers the three consent screens (decisions.md D9), and the
//! visit is sent with exactly those answers; its result reaches the reception screen's feed and the
//! history as a real one does. Staff at the reader press 職員用ボタン with their 目視確認用パスコード
//! to open a visual check, or 「中止」 to return the reader to 無人運転 (seed 004).

use leptos::{prelude::*, task::spawn_local};
use onshi_core::{
    card::flow::CONSENT_SCREENS,
    catalogue,
    contract::{
        ProblemCode,
        groups::{PinCheck, Reader, ReaderVisit, StaffMode, TrainingPerson},
    },
    contract::{ReaderMode, VisitMethod, groups::ConsentChoices},
    validate::{self, reader as check},
};

use crate::{
    components::{
        TextField,
        consent::{ConsentScreen, consent_question},
    },
    labels,
    state::{use_api, use_readers, use_session},
};

/// How the patient proved who they are.
#[derive(Clone, Debug, PartialEq)]
enum Proof {
    Face,
    /// The PIN, already checked; the visit sends it again.
    Pin(String),
    /// Staff's 目視確認 (the reader's open visual check).
    Visual,
}

/// Where the patient (or staff) stands on the reader's screens.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    /// No one at the reader: what it shows follows from its mode.
    Idle,
    /// 「本人確認の方法を選んでください」.
    ChooseMethod,
    /// 「顔を枠内に入れてください」.
    Face,
    /// The 4-digit PIN.
    Pin,
    /// The consent screens; `answers` holds those given so far, in D9's order (診療・薬剤・手術情報,
    /// 特定健診等情報, 限度額情報等).
    Consent { proof: Proof, answers: Vec<bool> },
    /// The visit is on its way.
    Sending,
    /// 「確認が完了しました」.
    Done,
    /// The endpoint refused the visit; OK returns to the idle screen.
    Refused(String),
    /// The card's PIN is locked; 終了する returns to the idle screen.
    Locked,
    /// 職員用ボタン: the user ID and the 目視確認用パスコード.
    Staff,
}

/// What the idle reader shows, from its mode and its open visual check.
fn idle_message(reader: &Reader) -> &'static str {
    match (reader.mode, reader.pending_visual_check.is_some()) {
        (ReaderMode::Visual, true) => labels::READER_SCREEN_VISUAL_START,
        (ReaderMode::Visual, false) => labels::READER_SCREEN_VISUAL_IDLE,
        (ReaderMode::Unattended | ReaderMode::PinOnly, _) => labels::READER_SCREEN_PLACE_CARD,
    }
}

/// A canned person as the list of cards names them: name, what they rehearse, and a locked PIN.
fn person_label(person: &TrainingPerson) -> String {
    format!(
        "{}（{}）{}",
        person.name,
        person.note,
        if person.pin_locked {
            labels::TRAINER_PIN_LOCKED
        } else {
            ""
        }
    )
}

#[component]
pub fn ReaderPanel() -> impl IntoView {
    let api = use_api();
    let readers = use_readers();
    let session = use_session();
    let list = readers.list();

    // The trainer's pick is kept by the readers context, so another screen shows the same reader.
    let picked_reader = readers.panel_reader();
    let picked_person = RwSignal::new(String::new());
    let step = RwSignal::new(Step::Idle);
    // Whose card lies on the reader, from 「カードを置く」 to the end of the visit.
    let card = RwSignal::new(String::new());
    let people = RwSignal::new(Vec::<TrainingPerson>::new());
    let people_loading = RwSignal::new(true);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let pin = RwSignal::new(String::new());
    let pin_error = RwSignal::new(None::<String>);
    let staff_user = RwSignal::new(String::new());
    let staff_passcode = RwSignal::new(String::new());
    let user_error = RwSignal::new(None::<String>);
    let passcode_error = RwSignal::new(None::<String>);

    // The reader the panel is: the one picked, else the first (derived, so a reader that goes away
    // leaves the panel on the first one).
    let reader = Memo::new(move |_| {
        let picked = picked_reader.get();
        list.with(|l| {
            l.iter()
                .find(|r| r.id == picked)
                .or_else(|| l.first())
                .cloned()
        })
    });
    let chosen_person = Signal::derive(move || {
        let picked = picked_person.get();
        people.with(|l| {
            l.iter()
                .find(|p| p.id == picked)
                .or_else(|| l.first())
                .map(|p| p.id.clone())
        })
    });
    let mode = move || reader.with(|r| r.as_ref().map(|r| r.mode));
    let visual_pending = move || {
        reader.with(|r| {
            r.as_ref()
                .is_some_and(|r| r.mode == ReaderMode::Visual && r.pending_visual_check.is_some())
        })
    };

    // The people's PIN locks change with each PIN entered, so the list is read again after one.
    let load_people = move || {
        people_loading.try_set(true);
        spawn_local(async move {
            let answer = api.training_people().await;
            people_loading.try_set(false);
            match answer {
                Ok(list) => {
                    people.try_set(list.items);
                }
                Err(e) => {
                    error.try_set(Some(e.message()));
                }
            }
        });
    };
    load_people();

    // Every move to another screen starts it clean. (An answer may arrive after the panel was
    // closed, hence `try_set`.)
    let go = move |next: Step| {
        error.try_set(None);
        pin.try_set(String::new());
        pin_error.try_set(None);
        staff_passcode.try_set(String::new());
        user_error.try_set(None);
        passcode_error.try_set(None);
        step.try_set(next);
    };

    let place_card = move || {
        let Some(person) = chosen_person.get_untracked() else {
            return;
        };
        card.set(person);
        // With staff's visual check open, the card leads straight to the consent screens.
        if visual_pending() {
            go(Step::Consent {
                proof: Proof::Visual,
                answers: Vec::new(),
            });
        } else {
            go(Step::ChooseMethod);
        }
    };

    let send_visit = move |proof: Proof, answers: Vec<bool>| {
        let Some(reader_id) = reader.with_untracked(|r| r.as_ref().map(|r| r.id.clone())) else {
            return;
        };
        let (method, entered) = match proof {
            Proof::Face => (VisitMethod::Face, None),
            Proof::Pin(pin) => (VisitMethod::Pin, Some(pin)),
            Proof::Visual => (VisitMethod::Visual, None),
        };
        let answer = |i: usize| answers.get(i).copied().unwrap_or(false);
        let visit = ReaderVisit {
            reader_id,
            person_id: card.get_untracked(),
            method: Some(method),
            pin: entered,
            consents: ConsentChoices {
                medical: answer(0),
                checkups: answer(1),
                limit: answer(2),
            },
        };
        go(Step::Sending);
        spawn_local(async move {
            let outcome = api.reader_visit(&visit).await;
            let next = match outcome {
                Ok(_) => Step::Done,
                Err(e) => Step::Refused(e.message()),
            };
            step.try_set(next);
            if method == VisitMethod::Visual {
                // The visual check is done (or not): the reader's state changed with it.
                readers.reload().await;
            }
            if method == VisitMethod::Pin {
                load_people();
            }
        });
    };

    let answer = move |yes: bool| {
        let Step::Consent { proof, mut answers } = step.get_untracked() else {
            return;
        };
        answers.push(yes);
        if answers.len() < CONSENT_SCREENS {
            step.set(Step::Consent { proof, answers });
        } else {
            send_visit(proof, answers);
        }
    };

    let submit_pin = move || {
        if busy.get_untracked() {
            return;
        }
        let entered = pin.get_untracked();
        // A malformed PIN is told at once and never sent: it must not count against the card.
        if let Some(finding) = check::pin(&entered) {
            pin_error.set(Some(finding.message));
            return;
        }
        pin_error.set(None);
        error.set(None);
        busy.set(true);
        let request = PinCheck {
            person_id: card.get_untracked(),
            pin: entered.clone(),
        };
        spawn_local(async move {
            let outcome = api.pin_check(&request).await;
            busy.try_set(false);
            match outcome {
                Ok(()) => go(Step::Consent {
                    proof: Proof::Pin(entered),
                    answers: Vec::new(),
                }),
                Err(e) => match e.code() {
                    Some(ProblemCode::PinLocked) => go(Step::Locked),
                    Some(ProblemCode::PinWrong) => {
                        pin.try_set(String::new());
                        pin_error.try_set(Some(e.message()));
                    }
                    // The endpoint's own check of the field, or a refusal for the whole screen.
                    _ => match e.field_errors().iter().find(|f| f.field == "pin") {
                        Some(field) => {
                            pin_error.try_set(Some(field.message.clone()));
                        }
                        None => {
                            error.try_set(Some(e.message()));
                        }
                    },
                },
            }
            load_people();
        });
    };

    let open_staff = move || {
        go(Step::Staff);
        staff_user.set(session.peek(|s| s.map(|s| s.account.id.clone()).unwrap_or_default()));
    };

    let submit_staff = move || {
        if busy.get_untracked() {
            return;
        }
        let Some(reader_id) = reader.with_untracked(|r| r.as_ref().map(|r| r.id.clone())) else {
            return;
        };
        let user_id = staff_user.get_untracked().trim().to_owned();
        let passcode = staff_passcode.get_untracked();
        let findings = check::staff_mode(&user_id, &passcode);
        user_error.set(validate::message_for(&findings, "user_id").map(str::to_owned));
        passcode_error.set(validate::message_for(&findings, "passcode").map(str::to_owned));
        error.set(None);
        if !findings.is_empty() {
            return;
        }
        busy.set(true);
        let request = StaffMode { user_id, passcode };
        spawn_local(async move {
            let outcome = api.staff_mode(&reader_id, &request).await;
            busy.try_set(false);
            match outcome {
                Ok(answer) => {
                    readers.put(answer);
                    go(Step::Idle);
                }
                Err(e) if e.code() == Some(ProblemCode::PasscodeInvalid) => {
                    staff_passcode.try_set(String::new());
                    passcode_error.try_set(Some(e.message()));
                }
                Err(e) => {
                    error.try_set(Some(e.message()));
                }
            }
        });
    };

    let stop = move || {
        if busy.get_untracked() {
            return;
        }
        let Some(reader_id) = reader.with_untracked(|r| r.as_ref().map(|r| r.id.clone())) else {
            return;
        };
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let outcome = api.cancel_reader(&reader_id).await;
            busy.try_set(false);
            match outcome {
                Ok(answer) => {
                    readers.put(answer);
                    go(Step::Idle);
                }
                Err(e) => {
                    error.try_set(Some(e.message()));
                }
            }
        });
    };

    // The screen's text: the reader's own wording for each step.
    let message = move || -> String {
        if !readers.is_read() {
            return labels::READER_SCREEN_INITIALIZING.to_owned();
        }
        let Some(shown) = reader.get() else {
            return labels::READERS_NONE.to_owned();
        };
        match step.get() {
            Step::Idle => idle_message(&shown),
            Step::ChooseMethod => labels::READER_SCREEN_CHOOSE_METHOD,
            Step::Face => labels::READER_SCREEN_FACE_FRAME,
            Step::Pin => labels::READER_SCREEN_ENTER_PIN,
            Step::Consent { answers, .. } => {
                consent_question(answers.len()).unwrap_or(labels::PROCESSING)
            }
            Step::Sending => labels::PROCESSING,
            Step::Done => labels::TRAINER_DONE,
            Step::Refused(_) | Step::Locked => "",
            Step::Staff => labels::READER_SCREEN_ENTER_PASSCODE,
        }
        .to_owned()
    };
    // The refusals the screen reports, besides the errors of its own calls.
    let shown_error = move || match step.get() {
        Step::Refused(why) => Some(why),
        Step::Locked => Some(catalogue::PROBLEM_PIN_LOCKED.to_owned()),
        _ => error.get(),
    };

    let idle = move || {
        let pending = visual_pending();
        let visual = mode() == Some(ReaderMode::Visual);
        view! {
            <div class="panel-trainer">
                <label class="panel-field">
                    <span class="panel-field-label">{labels::READER_SCREEN_CARD}</span>
                    <select
                        id="panel_person"
                        class="field-input"
                        aria-busy=move || people_loading.get().to_string()
                        on:change=move |ev| picked_person.set(event_target_value(&ev))
                    >
                        {move || people.get().into_iter().map(|p| {
                            let id = p.id.clone();
                            let label = person_label(&p);
                            view! {
                                <option value=p.id prop:selected=move || chosen_person.with(|c| c.as_deref() == Some(id.as_str()))>
                                    {label}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                </label>
                <button
                    type="button"
                    class="panel-button"
                    disabled=move || busy.get() || chosen_person.with(Option::is_none)
                    on:click=move |_| place_card()
                >
                    {labels::READER_SCREEN_PLACE}
                </button>
            </div>
            <div class="panel-actions panel-actions-staff">
                {(!pending).then(|| view! {
                    <button type="button" class="panel-button panel-button-staff" disabled=move || busy.get() on:click=move |_| open_staff()>
                        {labels::READER_SCREEN_STAFF}
                    </button>
                })}
                {visual.then(|| view! {
                    <button type="button" class="panel-button panel-button-stop" disabled=move || busy.get() on:click=move |_| stop()>
                        {labels::READER_SCREEN_STOP}
                    </button>
                })}
            </div>
        }
        .into_any()
    };

    let choose_method = move || {
        let face = mode() != Some(ReaderMode::PinOnly);
        view! {
            <div class="panel-actions panel-actions-column">
                {face.then(|| view! {
                    <button type="button" class="panel-button" on:click=move |_| go(Step::Face)>
                        {labels::TRAINER_FACE}
                    </button>
                })}
                <button type="button" class="panel-button" on:click=move |_| go(Step::Pin)>
                    {labels::TRAINER_PIN}
                </button>
                <button type="button" class="panel-button panel-button-quiet" on:click=move |_| go(Step::Idle)>
                    {labels::READER_SCREEN_QUIT}
                </button>
            </div>
            <p class="panel-screen-note">{labels::READER_SCREEN_PRIVACY}</p>
        }
        .into_any()
    };

    let face = move || {
        view! {
            <div class="panel-face" aria-hidden="true">
                <div class="panel-face-oval"></div>
            </div>
            <div class="panel-actions panel-actions-column">
                <button
                    type="button"
                    class="panel-button"
                    on:click=move |_| go(Step::Consent { proof: Proof::Face, answers: Vec::new() })
                >
                    {labels::READER_SCREEN_TAKE_PHOTO}
                </button>
                <button type="button" class="panel-button panel-button-quiet" on:click=move |_| go(Step::Idle)>
                    {labels::READER_SCREEN_QUIT}
                </button>
            </div>
        }
        .into_any()
    };

    let pin_form = move || {
        view! {
            <form
                class="panel-form"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit_pin();
                }
            >
                <TextField id="panel_pin" label=labels::READER_SCREEN_PIN_FIELD value=pin error=pin_error input_type="password" inputmode=Some("numeric") />
                <div class="panel-actions">
                    <button type="submit" class="panel-button" disabled=move || busy.get()>
                        {labels::READER_SCREEN_CONFIRM_INPUT}
                    </button>
                    <button type="button" class="panel-button panel-button-quiet" on:click=move |_| go(Step::Idle)>
                        {labels::READER_SCREEN_QUIT}
                    </button>
                </div>
            </form>
        }
        .into_any()
    };

    let consent = move |asked: usize| {
        view! { <ConsentScreen screen=asked on_answer=Callback::new(answer) /> }.into_any()
    };

    let staff_form = move || {
        view! {
            <form
                class="panel-form"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit_staff();
                }
            >
                <TextField id="panel_user" label=labels::LABEL_USER_ID value=staff_user error=user_error />
                <TextField id="panel_passcode" label=labels::PASSCODE_LABEL value=staff_passcode error=passcode_error input_type="password" inputmode=Some("numeric") />
                <div class="panel-actions">
                    <button type="submit" class="panel-button" disabled=move || busy.get()>
                        {labels::READER_SCREEN_CONFIRM_INPUT}
                    </button>
                    <button type="button" class="panel-button panel-button-quiet" on:click=move |_| go(Step::Idle)>
                        {labels::BACK}
                    </button>
                </div>
            </form>
        }
        .into_any()
    };

    let acknowledge = move |label: &'static str| {
        view! {
            <div class="panel-actions">
                <button type="button" class="panel-button" on:click=move |_| go(Step::Idle)>{label}</button>
            </div>
        }
        .into_any()
    };

    let body = move || {
        if reader.with(Option::is_none) {
            return ().into_any();
        }
        match step.get() {
            Step::Idle => idle(),
            Step::ChooseMethod => choose_method(),
            Step::Face => face(),
            Step::Pin => pin_form(),
            Step::Consent { answers, .. } => consent(answers.len()),
            Step::Sending => ().into_any(),
            Step::Done | Step::Refused(_) => acknowledge(catalogue::OK),
            Step::Locked => acknowledge(labels::READER_SCREEN_QUIT),
            Step::Staff => staff_form(),
        }
    };

    let reader_options = move || {
        list.get()
            .into_iter()
            .map(|r| {
                let id = r.id.clone();
                view! {
                    <option value=r.id prop:selected=move || reader.with(|c| c.as_ref().is_some_and(|c| c.id == id))>
                        {r.label}
                    </option>
                }
            })
            .collect_view()
    };

    view! {
        <aside class="reader-panel" data-testid="reader-panel" aria-labelledby="reader-panel-heading">
            <h2 id="reader-panel-heading" class="reader-panel-heading">{labels::PANEL_HEADING}</h2>
            <p class="reader-panel-note">{labels::PANEL_NOTE}</p>
            <label class="panel-field">
                <span class="panel-field-label">{labels::PANEL_READER}</span>
                <select
                    id="panel_reader"
                    class="field-input"
                    disabled=move || !readers.is_read()
                    on:change=move |ev| {
                        picked_reader.set(event_target_value(&ev));
                        go(Step::Idle);
                    }
                >
                    {reader_options}
                </select>
            </label>
            <div class="panel-device">
                <p class="panel-device-name">{move || reader.with(|r| r.as_ref().map(|r| r.device_name.clone()))}</p>
                <div class="panel-screen" data-testid="reader-screen" aria-live="polite">
                    <p class="panel-screen-message" data-testid="reader-screen-message">{message}</p>
                    <p class="panel-screen-error" data-testid="reader-screen-error" role="alert">
                        {shown_error}
                        {move || readers.error()}
                    </p>
                    {body}
                </div>
            </div>
        </aside>
    }
}
