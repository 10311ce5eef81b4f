//! The general reader's flow at reception, as the steps the patient-facing panel shows and
//! where each failure leads. `session` drives it over a real or virtual reader; what is decided here
//! needs no I/O, so it is tested on the host.
//!
//! The order: connect the reader, wait for a card, check it is a My Number card, ask how many PIN
//! tries are left, read the 利用者証明用 certificate, take the PIN on the pad and have the card check
//! it, ask the three consent questions (decisions.md D9), then sign the endpoint's challenge
//! (decisions.md D7) and send the proof. A card that was read stays on the reader until it is taken
//! off, so the flow waits for that before it looks for the next one: otherwise it would read the
//! same card again at once.

use super::{
    mynumber::CardError,
    reader::{LinkError, PipeError},
};
use crate::contract::groups::ConsentChoices;

/// How many consent screens the patient answers (decisions.md D9): 診療・薬剤・手術情報, 特定健診等情報,
/// 限度額情報や特定疾病療養受療証情報.
pub const CONSENT_SCREENS: usize = 3;

/// How often the reader is asked whether a card is there, in milliseconds.
pub const POLL_MS: u32 = 300;

/// What the patient-facing panel shows while a reader is connected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// No card yet: the reader is asked every [`POLL_MS`].
    PlaceCard,
    /// A card is there and being read (My Number card?, PIN tries, certificate).
    Reading,
    /// The PIN pad, with the tries the card has left.
    Pin { tries_left: u8 },
    /// The card is checking the PIN.
    Verifying { tries_left: u8 },
    /// The consent screens: the answers given so far, in D9's order.
    Consent { answers: Vec<bool> },
    /// 「確認しています…」: the challenge, the card's signature and the endpoint's answer.
    Checking,
    /// The card is done with (or cannot be used): waiting for it to be taken off the reader.
    TakeCard,
}

impl Step {
    /// The consent screen shown, counting from 0, if this is one.
    pub fn consent_screen(&self) -> Option<usize> {
        match self {
            Step::Consent { answers } if answers.len() < CONSENT_SCREENS => Some(answers.len()),
            _ => None,
        }
    }

    /// Whether the patient is being asked something (the PIN or a consent), as opposed to waiting.
    pub fn asks_patient(&self) -> bool {
        matches!(self, Step::Pin { .. } | Step::Consent { .. })
    }
}

/// The patient's answer to the current consent screen: the next screen, or, after the last one, the
/// choices (decisions.md D9's mapping of the three questions).
pub fn answer(answers: &[bool], yes: bool) -> Result<Vec<bool>, ConsentChoices> {
    let mut given = answers.to_vec();
    given.push(yes);
    if given.len() < CONSENT_SCREENS {
        return Ok(given);
    }
    let at = |i: usize| given.get(i).copied().unwrap_or(false);
    Err(ConsentChoices {
        medical: at(0),
        checkups: at(1),
        limit: at(2),
    })
}

/// What staff and the patient are told besides the step (the app words each one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The card left the reader in the middle of an exchange.
    CardRemoved,
    /// The card on the reader is not a My Number card.
    NotMyNumberCard,
    /// A wrong PIN; the card allows `tries_left` more.
    PinWrong { tries_left: u8 },
    /// The PIN is blocked: staff do 目視確認 or use the insurance card instead.
    PinBlocked,
    /// The card refused a step or holds data in an unexpected form.
    CardFailed,
    /// The reader did not answer as its protocol says, or a transfer failed.
    ReaderFailed,
    /// The reader was unplugged.
    Unplugged,
}

/// Where a failure leaves the flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// On to this step, with the reader still connected.
    Step(Step),
    /// The reader is gone: back to 「カードリーダーを接続」.
    Disconnected,
}

/// Where a failure of the reader or the card leads, and what to tell.
pub fn after_error(error: &CardError) -> (Next, Notice) {
    match error {
        CardError::Link(link) => after_link_error(link),
        CardError::NotMyNumberCard => (Next::Step(Step::TakeCard), Notice::NotMyNumberCard),
        // A card that says "wrong, none left" is blocked from now on.
        CardError::PinWrong { tries_left: 0 } | CardError::PinBlocked => {
            (Next::Step(Step::TakeCard), Notice::PinBlocked)
        }
        CardError::PinWrong { tries_left } => (
            Next::Step(Step::Pin {
                tries_left: *tries_left,
            }),
            Notice::PinWrong {
                tries_left: *tries_left,
            },
        ),
        CardError::Refused { .. } | CardError::Malformed { .. } => {
            (Next::Step(Step::TakeCard), Notice::CardFailed)
        }
    }
}

/// Where a failure between the app and the card leads, and what to tell.
pub fn after_link_error(error: &LinkError) -> (Next, Notice) {
    match error {
        LinkError::Pipe(PipeError::Disconnected) => (Next::Disconnected, Notice::Unplugged),
        // The card is gone already, so the flow looks for the next one straight away.
        LinkError::CardRemoved | LinkError::NoCard => {
            (Next::Step(Step::PlaceCard), Notice::CardRemoved)
        }
        LinkError::Pipe(_) | LinkError::Protocol { .. } | LinkError::Command(_) => {
            (Next::Step(Step::TakeCard), Notice::ReaderFailed)
        }
    }
}
