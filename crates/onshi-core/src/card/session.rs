//! The general reader's session: one connected reader, card after card, from waiting for a card to
//! the endpoint's answer, in the order `flow` describes. It is an async driver generic over the
//! reader (`CardLink`), the endpoint (the two calls it makes: `POST /challenges` and 資格確認 by the
//! card) and the screen (what it shows, what the patient and staff send it, the clock). Every
//! decision is made here: how many PIN tries are left, a locked PIN, another kind of card, a card
//! taken off or a reader unplugged mid-session, the endpoint's refusal, 中止, and which step comes
//! next. The app only renders the steps and messages and passes on input; host tests drive the
//! same session over the virtual readers.
//!
//! Only the session talks to the reader, so exchanges never interleave. The PIN is dropped as soon
//! as the card has checked it.

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::NaiveDate;

use super::{
    flow::{self, Next, Notice, POLL_MS, Step},
    mynumber::{self, CardError, Pin},
    reader::{CardLink, LinkError, PipeError},
};
use crate::{
    catalogue,
    contract::groups::{CardQualification, Challenge},
};

/// What the screen sends the session.
#[derive(Debug)]
pub enum Input {
    /// The PIN the patient entered (its format already checked, so a malformed PIN costs no try).
    Pin(Pin),
    /// The patient's answer to the consent screen shown.
    Answer(bool),
    /// 「中止」 on the PIN pad or a consent screen.
    Cancel,
    /// 「切断」.
    Disconnect,
    /// The device was unplugged (the browser says so before the next transfer would).
    Unplugged,
    /// The screen is gone.
    Quit,
}

/// What staff and the patient are told besides the step (the app words each one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Told {
    /// About the reader or the card.
    Card(Notice),
    /// The endpoint's message: its problem's title, or why no answer came.
    Endpoint(String),
}

/// Why the session stopped driving the reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ended {
    /// Staff pressed 「切断」.
    Disconnect,
    /// The reader was unplugged.
    Unplugged,
    /// The reader did not answer when it was prepared; the text is the driver's.
    Failed(String),
    /// The screen is gone.
    Gone,
}

impl Ended {
    /// What the card side tells once the reader is let go (the app words a failed preparation
    /// itself, as a USB failure).
    pub fn notice(&self) -> Option<Notice> {
        match self {
            Ended::Unplugged => Some(Notice::Unplugged),
            Ended::Disconnect | Ended::Failed(_) | Ended::Gone => None,
        }
    }
}

/// The calls the session makes to the endpoint. An error is the message staff are shown.
// Used single-threaded (wasm) and only through generics, as the drivers are.
#[allow(async_fn_in_trait)]
pub trait Endpoint {
    /// What a successful 資格確認 answers (the app's history entry).
    type Answer;
    /// `POST /challenges`.
    async fn challenge(&mut self) -> Result<Challenge, String>;
    /// 資格確認 by the card's signature of the challenge.
    async fn qualify_by_card(
        &mut self,
        request: &CardQualification,
    ) -> Result<Self::Answer, String>;
}

/// The screen as the session sees it.
#[allow(async_fn_in_trait)]
pub trait Screen {
    /// What a successful 資格確認 answers, handed to [`Screen::answered`].
    type Answer;
    /// The reader was prepared and is now in use.
    fn connected(&mut self);
    /// Shows this step on the patient-facing panel.
    fn show(&mut self, step: Step);
    /// Tells (or, with `None`, stops telling) staff and the patient something.
    fn tell(&mut self, told: Option<Told>);
    /// The next input, however long it takes.
    async fn input(&mut self) -> Input;
    /// The next input if one comes within `ms` milliseconds; `None` once they have passed.
    async fn input_within(&mut self, ms: u32) -> Option<Input>;
    /// Today in Japan, for 資格確認日; `None` when the screen is gone.
    fn today(&self) -> Option<NaiveDate>;
    /// The endpoint's answer for the card just read.
    fn answered(&mut self, answer: Self::Answer);
}

/// Why one card's session ended early.
enum Stop {
    Card(CardError),
    Endpoint(String),
    Cancelled,
    Ended(Ended),
}

impl From<CardError> for Stop {
    fn from(error: CardError) -> Stop {
        Stop::Card(error)
    }
}

/// Prepares the reader, drives it card after card until the reader goes or the screen says stop,
/// and leaves the reader idle. The caller lets the device itself go.
pub async fn run<L, E, S>(link: &mut L, endpoint: &mut E, screen: &mut S) -> Ended
where
    L: CardLink,
    E: Endpoint,
    S: Screen<Answer = E::Answer>,
{
    let ended = match link.open().await {
        Ok(()) => {
            screen.connected();
            drive(link, endpoint, screen).await
        }
        Err(LinkError::Pipe(PipeError::Disconnected)) => Ended::Unplugged,
        Err(error) => Ended::Failed(error.to_string()),
    };
    // A reader already unplugged has nothing left to close, so a failure is of no interest.
    let _ = link.close().await;
    ended
}

/// Why the session must stop, if this input says so.
fn ending(input: &Input) -> Option<Ended> {
    match input {
        Input::Disconnect => Some(Ended::Disconnect),
        Input::Unplugged => Some(Ended::Unplugged),
        Input::Quit => Some(Ended::Gone),
        Input::Pin(_) | Input::Answer(_) | Input::Cancel => None,
    }
}

/// The next input meant for the card being read, or why the session must stop.
async fn next_input<S: Screen>(screen: &mut S) -> Result<Input, Ended> {
    let input = screen.input().await;
    match ending(&input) {
        Some(ended) => Err(ended),
        None => Ok(input),
    }
}

/// Asks the reader every [`POLL_MS`] until a card is there (`present`) or gone (`!present`),
/// listening to the screen in between.
async fn wait_for_card<L: CardLink, S: Screen>(
    link: &mut L,
    screen: &mut S,
    present: bool,
) -> Result<(), Ended> {
    loop {
        match link.activate().await {
            Ok(found) if found == present => return Ok(()),
            Ok(_) => {}
            Err(LinkError::Pipe(PipeError::Disconnected)) => return Err(Ended::Unplugged),
            // A card that leaves while it is activated is what the wait for its removal waits for.
            Err(LinkError::CardRemoved | LinkError::NoCard) if !present => return Ok(()),
            Err(_) => screen.tell(Some(Told::Card(Notice::ReaderFailed))),
        }
        // Nothing but stopping means anything without a card being read.
        if let Some(ended) = screen.input_within(POLL_MS).await.as_ref().and_then(ending) {
            return Err(ended);
        }
    }
}

/// One card, from reading it to the endpoint's answer.
async fn card_session<L, E, S>(link: &mut L, endpoint: &mut E, screen: &mut S) -> Result<(), Stop>
where
    L: CardLink,
    E: Endpoint,
    S: Screen<Answer = E::Answer>,
{
    screen.show(Step::Reading);
    mynumber::check_card(link).await?;
    let mut tries_left = mynumber::auth_pin_tries(link).await?;
    let certificate = mynumber::read_auth_certificate(link).await?;

    loop {
        screen.show(Step::Pin { tries_left });
        // The PIN lives only in this block: once the card has checked it, it is gone, not kept for
        // the rest of the session.
        let verified = {
            let pin = loop {
                match next_input(screen).await.map_err(Stop::Ended)? {
                    Input::Pin(pin) => break pin,
                    Input::Cancel => return Err(Stop::Cancelled),
                    _ => {}
                }
            };
            screen.show(Step::Verifying { tries_left });
            mynumber::verify_auth_pin(link, &pin).await
        };
        match verified {
            Ok(()) => break,
            Err(error) => match flow::after_error(&error) {
                (Next::Step(Step::Pin { tries_left: left }), notice) => {
                    tries_left = left;
                    screen.tell(Some(Told::Card(notice)));
                }
                _ => return Err(Stop::Card(error)),
            },
        }
    }
    screen.tell(None);

    let mut answers = Vec::new();
    let consents = loop {
        screen.show(Step::Consent {
            answers: answers.clone(),
        });
        match next_input(screen).await.map_err(Stop::Ended)? {
            Input::Answer(yes) => match flow::answer(&answers, yes) {
                Ok(given) => answers = given,
                Err(choices) => break choices,
            },
            Input::Cancel => return Err(Stop::Cancelled),
            _ => {}
        }
    };

    screen.show(Step::Checking);
    // The challenge is asked for only now, so its 60 seconds are spent on signing, not on the
    // patient's answers.
    let challenge = endpoint.challenge().await.map_err(Stop::Endpoint)?;
    let nonce = STANDARD
        .decode(&challenge.nonce)
        .map_err(|_| Stop::Endpoint(catalogue::UNEXPECTED_RESPONSE.to_owned()))?;
    let signature = mynumber::sign_auth(link, &mynumber::digest_info_sha256(&nonce)).await?;
    let Some(today) = screen.today() else {
        return Err(Stop::Ended(Ended::Gone));
    };
    let request = CardQualification {
        nonce: challenge.nonce,
        certificate: STANDARD.encode(&certificate),
        signature: STANDARD.encode(&signature),
        qualification_date: today.format("%Y-%m-%d").to_string(),
        treatment: None,
        consents,
    };
    let answer = endpoint
        .qualify_by_card(&request)
        .await
        .map_err(Stop::Endpoint)?;
    screen.answered(answer);
    Ok(())
}

/// Drives a prepared reader card after card until the reader goes or the screen says stop.
pub async fn drive<L, E, S>(link: &mut L, endpoint: &mut E, screen: &mut S) -> Ended
where
    L: CardLink,
    E: Endpoint,
    S: Screen<Answer = E::Answer>,
{
    loop {
        screen.show(Step::PlaceCard);
        if let Err(ended) = wait_for_card(link, screen, true).await {
            return ended;
        }
        // A new card: what was told about the last one is over.
        screen.tell(None);
        let next = match card_session(link, endpoint, screen).await {
            Ok(()) => Next::Step(Step::TakeCard),
            Err(Stop::Card(error)) => {
                let (next, notice) = flow::after_error(&error);
                screen.tell(Some(Told::Card(notice)));
                next
            }
            Err(Stop::Endpoint(message)) => {
                screen.tell(Some(Told::Endpoint(message)));
                Next::Step(Step::TakeCard)
            }
            Err(Stop::Cancelled) => Next::Step(Step::TakeCard),
            Err(Stop::Ended(ended)) => return ended,
        };
        match next {
            Next::Disconnected => return Ended::Unplugged,
            Next::Step(Step::PlaceCard) => {}
            Next::Step(_) => {
                screen.show(Step::TakeCard);
                if let Err(ended) = wait_for_card(link, screen, false).await {
                    return ended;
                }
            }
        }
    }
}
