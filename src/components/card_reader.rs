//! The general-purpose card reader on 「マイナンバーカードで確認」: a clinic without a face
//! reader (or a home visit) connects a USB reader, the patient places the My Number card and enters
//! the 4-digit PIN on a patient-facing pad, and the card's signature of the endpoint's challenge
//! proves the card (decisions.md D7). The answer opens as 資格情報確認, like a face reader's result.
//!
//! The flow itself is one task per connected reader, which owns the driver and runs the core's
//! `card::session` over it, where every decision is made; the screen sends it what the patient and
//! staff do (the PIN, the consent answers, 中止, 切断) and shows the step and message it sets. The
//! PIN's format is checked here, before anything reaches the card (a malformed PIN must not cost a
//! try); the PIN is never logged or kept: the field is emptied as it is read, and the session drops
//! the PIN once the card has checked it.
//!
//! In training, 「仮想カードリーダーを使う」 connects the training world's virtual RC-S380 (in the
//! service worker) instead of a USB device, driven by the same driver; the trainer places and takes
//! the canned people's cards, which the world keeps.

use std::pin::pin;

use chrono::NaiveDate;
use futures::{
    StreamExt,
    channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded},
    future::{Either, select},
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;
use onshi_core::{
    card::{
        flow::{Notice, Step},
        mynumber::Pin,
        session::{self, Ended, Input},
    },
    catalogue,
    contract::groups::{CardQualification, Challenge},
};

use crate::{
    components::{
        TextField,
        consent::{ConsentScreen, consent_question},
    },
    error::{card_notice, pin_format_message},
    labels,
    platform::{training_reader::TrainingReaderError, usb::UsbError},
    route::Route,
    state::{
        Api, ClockHandle, FeatureGroup, HistoryEntry,
        card_reader::{self, Holder, TrainingReader},
        readers::readers_shown,
        use_api, use_capabilities, use_clock, use_readers,
    },
};

/// A result of the general reader, for the screen to open as 資格情報確認.
#[derive(Clone, Debug, PartialEq)]
pub struct CardResult {
    pub entry: HistoryEntry,
    /// The reader, as its status line names it.
    pub reader: String,
}

/// What the section tells staff and the patient (in its `role="alert"` line).
#[derive(Clone, Debug, PartialEq)]
enum Told {
    /// What the session tells: about the reader, the card or the endpoint's answer.
    Session(session::Told),
    Usb(UsbError),
    /// Training's virtual reader could not be opened or used.
    Training(TrainingReaderError),
}

/// The reader, as the section's bar shows it.
#[derive(Clone, Debug, PartialEq)]
enum Reader {
    None,
    Connecting,
    Connected { name: String, training: bool },
}

/// The screen's side, for the task: every write is a `try_`, as the screen may be gone.
#[derive(Clone, Copy)]
struct Ui {
    step: RwSignal<Step>,
    told: RwSignal<Option<Told>>,
    reader: RwSignal<Reader>,
    api: Api,
    clock: ClockHandle,
    on_result: Callback<CardResult>,
}

impl Ui {
    fn step(&self, step: Step) {
        self.step.try_set(step);
    }

    fn tell(&self, told: Option<Told>) {
        self.told.try_set(told);
    }
}

/// The endpoint as the session calls it.
struct SessionEndpoint(Api);

impl session::Endpoint for SessionEndpoint {
    type Answer = HistoryEntry;

    async fn challenge(&mut self) -> Result<Challenge, String> {
        self.0.challenge().await.map_err(|e| e.message())
    }

    async fn qualify_by_card(
        &mut self,
        request: &CardQualification,
    ) -> Result<HistoryEntry, String> {
        self.0
            .qualify_by_card(request)
            .await
            .map_err(|e| e.message())
    }
}

/// The section as the session sees it: its signals, and the input the screen sends.
struct SessionScreen {
    ui: Ui,
    inputs: UnboundedReceiver<Input>,
    /// The reader, as its status line names it.
    name: String,
    training: bool,
}

impl session::Screen for SessionScreen {
    type Answer = HistoryEntry;

    fn connected(&mut self) {
        self.ui.reader.try_set(Reader::Connected {
            name: self.name.clone(),
            training: self.training,
        });
    }

    fn show(&mut self, step: Step) {
        self.ui.step(step);
    }

    fn tell(&mut self, told: Option<session::Told>) {
        self.ui.tell(told.map(Told::Session));
    }

    async fn input(&mut self) -> Input {
        // The channel closes only once the screen and the unplug listener are both gone.
        self.inputs.next().await.unwrap_or(Input::Quit)
    }

    async fn input_within(&mut self, ms: u32) -> Option<Input> {
        let pause = pin!(card_reader::pause(ms));
        match select(self.inputs.next(), pause).await {
            Either::Left((input, _)) => Some(input.unwrap_or(Input::Quit)),
            Either::Right(_) => None,
        }
    }

    fn today(&self) -> Option<NaiveDate> {
        self.ui
            .step
            .try_get_untracked()
            .map(|_| self.ui.clock.now().jst_date())
    }

    fn answered(&mut self, entry: HistoryEntry) {
        self.ui.on_result.try_run(CardResult {
            entry,
            reader: self.name.clone(),
        });
    }
}

/// Which reader to connect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Usb,
    Training,
}

/// The task of one connected reader: the session drives it, then the device is let go.
async fn run(
    mut connected: card_reader::Connected,
    inputs: UnboundedReceiver<Input>,
    ui: Ui,
    training: bool,
) {
    let mut screen = SessionScreen {
        ui,
        inputs,
        name: connected.name.clone(),
        training,
    };
    let ended = session::run(
        &mut connected.link,
        &mut SessionEndpoint(ui.api),
        &mut screen,
    )
    .await;
    connected.close().await;
    ui.reader.try_set(Reader::None);
    ui.step(Step::PlaceCard);
    match ended {
        Ended::Failed(why) => ui.tell(Some(Told::Usb(UsbError::OpenFailed(why)))),
        ended => {
            if let Some(notice) = ended.notice() {
                ui.tell(Some(Told::Session(session::Told::Card(notice))));
            }
        }
    }
}

#[component]
pub fn CardReader(
    /// Called with each result, to open it as 資格情報確認.
    on_result: Callback<CardResult>,
) -> impl IntoView {
    let capabilities = use_capabilities();
    let readers = use_readers().list();
    let may_switch_readers = readers_shown();
    let ui = Ui {
        step: RwSignal::new(Step::PlaceCard),
        told: RwSignal::new(None),
        reader: RwSignal::new(Reader::None),
        api: use_api(),
        clock: use_clock(),
        on_result,
    };
    let inputs = StoredValue::new(None::<UnboundedSender<Input>>);
    let virtual_reader = StoredValue::new(None::<TrainingReader>);
    // The training world's card holders, read again as the flow moves on (a PIN locked while
    // rehearsing is marked, and the cards' counters change with the steps).
    let holders = RwSignal::new(Vec::<Holder>::new());
    let picked = RwSignal::new(String::new());
    // Whose card lies on the virtual reader (the trainer's view of the device).
    let on_reader = RwSignal::new(None::<String>);
    let pin = RwSignal::new(String::new());
    let pin_error = RwSignal::new(None::<String>);

    let send = move |input: Input| {
        inputs.with_value(|sender| {
            if let Some(sender) = sender {
                let _ = sender.unbounded_send(input);
            }
        });
    };
    on_cleanup(move || {
        // The task closes the reader when it hears this; the channel alone would not tell it, since
        // the unplug listener holds a sender too.
        inputs.try_with_value(|sender| {
            if let Some(sender) = sender {
                let _ = sender.unbounded_send(Input::Quit);
            }
        });
    });

    // The section is for endpoints that check a card's signature; while the capabilities are being
    // read it is shown, and an endpoint that lacks the group refuses with its own message.
    let offered = move || capabilities.offers(FeatureGroup::Card) != Some(false);
    let training = move || capabilities.training();

    let refresh_holders = move || {
        spawn_local(async move {
            // Without a fresh list the last one stays; placing a card tells what went wrong.
            if let Ok(list) = card_reader::training_holders().await {
                holders.try_set(list);
            }
        });
    };
    Effect::new(move |_| {
        ui.step.track();
        ui.told.track();
        if matches!(ui.reader.get(), Reader::Connected { training: true, .. }) {
            refresh_holders();
        }
    });

    let start = move |source: Source| {
        ui.tell(None);
        ui.reader.set(Reader::Connecting);
        pin_error.set(None);
        let (sender, receiver) = unbounded();
        inputs.set_value(Some(sender.clone()));
        spawn_local(async move {
            let connected = match source {
                Source::Usb => {
                    let unplugged = move || {
                        let _ = sender.unbounded_send(Input::Unplugged);
                    };
                    match card_reader::connect_usb(unplugged).await {
                        Ok(connected) => connected,
                        Err(error) => {
                            ui.reader.try_set(Reader::None);
                            ui.tell(Some(Told::Usb(error)));
                            return;
                        }
                    }
                }
                Source::Training => match card_reader::connect_training().await {
                    Ok((connected, reader)) => {
                        virtual_reader.try_update_value(|r| *r = Some(reader));
                        connected
                    }
                    Err(error) => {
                        ui.reader.try_set(Reader::None);
                        ui.tell(Some(Told::Training(error)));
                        return;
                    }
                },
            };
            run(connected, receiver, ui, source == Source::Training).await;
            virtual_reader.try_update_value(|r| *r = None);
        });
    };
    let connect_usb = move || {
        if ui.reader.get_untracked() != Reader::None {
            return;
        }
        if !card_reader::usb_available() {
            ui.tell(Some(Told::Usb(UsbError::Unavailable)));
            return;
        }
        start(Source::Usb);
    };
    let connect_virtual = move || {
        if ui.reader.get_untracked() != Reader::None {
            return;
        }
        on_reader.set(None);
        start(Source::Training);
    };

    let chosen = move || {
        let id = picked.get_untracked();
        holders.with_untracked(|all| {
            all.iter()
                .find(|p| p.id == id)
                .or_else(|| all.first())
                .cloned()
        })
    };
    let place = move || {
        let (Some(person), Some(reader)) = (chosen(), virtual_reader.get_value()) else {
            return;
        };
        spawn_local(async move {
            match reader.place(&person.id).await {
                Ok(true) => {
                    on_reader.try_set(Some(person.name));
                }
                Ok(false) => {}
                Err(error) => ui.tell(Some(Told::Training(error))),
            }
        });
    };
    let take = move || {
        on_reader.set(None);
        let Some(reader) = virtual_reader.get_value() else {
            return;
        };
        spawn_local(async move {
            if let Err(error) = reader.take().await {
                ui.tell(Some(Told::Training(error)));
            }
        });
    };

    let submit_pin = move || {
        // Read once and emptied at once: the digits are not kept on the screen after 確定.
        let entered = pin.get_untracked();
        pin.set(String::new());
        match Pin::parse(&entered) {
            Ok(parsed) => {
                pin_error.set(None);
                send(Input::Pin(parsed));
            }
            Err(error) => pin_error.set(Some(pin_format_message(&error).to_owned())),
        }
    };
    let cancel = move || {
        pin.set(String::new());
        pin_error.set(None);
        send(Input::Cancel);
    };

    let bar = move || match ui.reader.get() {
        Reader::None => view! {
            <div class="card-reader-bar">
                <button type="button" class="button button-primary" on:click=move |_| connect_usb()>
                    {labels::CARD_READER_CONNECT}
                </button>
                {training().then(|| view! {
                    <button type="button" class="button" on:click=move |_| connect_virtual()>
                        {labels::CARD_READER_VIRTUAL}
                    </button>
                })}
            </div>
        }
        .into_any(),
        Reader::Connecting => view! {
            <div class="card-reader-bar">
                <p class="card-reader-status" role="status">{labels::CARD_READER_CONNECTING}</p>
            </div>
        }
        .into_any(),
        Reader::Connected { name, .. } => view! {
            <div class="card-reader-bar">
                <p class="card-reader-status" role="status" data-testid="card-reader-status">
                    {labels::card_reader_connected(&name)}
                </p>
                <button type="button" class="button" on:click=move |_| send(Input::Disconnect)>
                    {labels::CARD_READER_DISCONNECT}
                </button>
            </div>
        }
        .into_any(),
    };

    let trainer = move || {
        let shown = matches!(ui.reader.get(), Reader::Connected { training: true, .. });
        shown.then(|| {
            view! {
                <div class="card-reader-trainer" data-testid="card-reader-trainer">
                    <p class="card-reader-trainer-note">{labels::CARD_READER_VIRTUAL_NOTE}</p>
                    <div class="card-reader-trainer-controls">
                        <label class="panel-field">
                            <span class="panel-field-label">{labels::CARD_READER_CARD}</span>
                            <select
                                id="card_reader_person"
                                class="field-input"
                                on:change=move |ev| picked.set(event_target_value(&ev))
                            >
                                {move || {
                                    // A PIN locked while rehearsing is marked, as on the reader panel.
                                    holders.with(|all| all.iter().map(|p| {
                                        let id = p.id.clone();
                                        let label = format!(
                                            "{}{}",
                                            p.name,
                                            if p.locked { labels::TRAINER_PIN_LOCKED } else { "" }
                                        );
                                        view! {
                                            <option value=p.id.clone() prop:selected=move || picked.with(|c| *c == id)>
                                                {label}
                                            </option>
                                        }
                                    }).collect_view())
                                }}
                            </select>
                        </label>
                        // Like a real reader, the flow notices a card taken off only at its next poll;
                        // a card laid down before then would pass for the old one still lying there, so
                        // the next card waits until the reader has seen the last one go. Before the
                        // worker has listed the cards there is nothing to place.
                        <button
                            type="button"
                            class="button"
                            disabled=move || {
                                on_reader.with(Option::is_some)
                                    || ui.step.with(|s| *s == Step::TakeCard)
                                    || holders.with(Vec::is_empty)
                            }
                            on:click=move |_| place()
                        >
                            {labels::READER_SCREEN_PLACE}
                        </button>
                        <button type="button" class="button" on:click=move |_| take()>
                            {labels::CARD_READER_TAKE}
                        </button>
                    </div>
                    <p class="card-reader-trainer-card" data-testid="card-reader-on-reader">
                        {move || on_reader.get().map(|name| labels::card_reader_on_reader(&name))}
                    </p>
                </div>
            }
        })
    };

    let told = move || {
        ui.told.get().map(|told| match told {
            Told::Session(session::Told::Card(Notice::PinBlocked)) => {
                let to_readers = may_switch_readers.get() && readers.with(|l| !l.is_empty());
                view! {
                    <p>{catalogue::CARD_PIN_BLOCKED}</p>
                    <p class="card-reader-guidance">{labels::CARD_PIN_BLOCKED_GUIDANCE}</p>
                    <p class="card-reader-links">
                        {to_readers.then(|| view! {
                            <A href=Route::Readers.path() attr:class="button button-small">{labels::CARD_TO_READERS}</A>
                        })}
                        <A href=Route::Inquiry.path() attr:class="button button-small">{labels::CARD_TO_INQUIRY}</A>
                    </p>
                }
                .into_any()
            }
            Told::Session(session::Told::Card(notice)) => {
                view! { <p>{card_notice(&notice)}</p> }.into_any()
            }
            Told::Session(session::Told::Endpoint(message)) => view! { <p>{message}</p> }.into_any(),
            Told::Usb(error) => view! { <p>{error.message()}</p> }.into_any(),
            Told::Training(error) => view! { <p>{error.message()}</p> }.into_any(),
        })
    };

    let pin_pad = move |tries_left: u8| {
        view! {
            <form
                class="panel-form card-pin"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit_pin();
                }
            >
                <TextField
                    id="card_pin"
                    label=labels::READER_SCREEN_PIN_FIELD
                    value=pin
                    error=pin_error
                    input_type="password"
                    inputmode=Some("numeric")
                    maxlength=Some(4)
                />
                <p class="card-pin-tries" data-testid="card-pin-tries">{labels::card_pin_tries_left(tries_left)}</p>
                <div class="panel-actions">
                    <button type="submit" class="panel-button">{labels::READER_SCREEN_CONFIRM_INPUT}</button>
                    <button type="button" class="panel-button panel-button-quiet" on:click=move |_| cancel()>
                        {labels::READER_SCREEN_STOP}
                    </button>
                </div>
            </form>
        }
        .into_any()
    };

    let patient = move || {
        let connected = matches!(ui.reader.get(), Reader::Connected { .. });
        connected.then(|| {
            let step = ui.step.get();
            let message = match &step {
                Step::PlaceCard => labels::CARD_PLACE,
                Step::Reading => labels::CARD_READING,
                Step::Pin { .. } => labels::READER_SCREEN_ENTER_PIN,
                Step::Verifying { .. } => labels::CARD_VERIFYING,
                Step::Consent { answers } => {
                    consent_question(answers.len()).unwrap_or(labels::CARD_CHECKING)
                }
                Step::Checking => labels::CARD_CHECKING,
                Step::TakeCard => labels::CARD_TAKE,
            };
            let body = match step {
                Step::Pin { tries_left } => pin_pad(tries_left),
                Step::Consent { answers } => view! {
                    <ConsentScreen screen=answers.len() on_answer=Callback::new(move |yes| send(Input::Answer(yes))) />
                }
                .into_any(),
                _ => ().into_any(),
            };
            view! {
                <div class="card-patient" role="region" aria-label=labels::CARD_PATIENT_SCREEN data-testid="card-patient">
                    <p class="card-patient-message" data-testid="card-patient-message">{message}</p>
                    {body}
                </div>
            }
        })
    };

    view! {
        <section class="card-reader" aria-labelledby="card-reader-heading" data-testid="card-reader">
            <h2 id="card-reader-heading" class="card-reader-heading">{labels::CARD_READER_HEADING}</h2>
            {move || match offered() {
                false => view! {
                    <p class="card-reader-unavailable" data-testid="card-reader-unavailable">
                        {labels::CARD_READER_UNAVAILABLE}
                    </p>
                }
                .into_any(),
                true => view! {
                    <p class="card-reader-intro">{labels::CARD_READER_INTRO}</p>
                    {bar}
                    {trainer}
                    <div class="card-reader-alert" role="alert" data-testid="card-reader-error">{told}</div>
                    {patient}
                }
                .into_any(),
            }}
        </section>
    }
}
