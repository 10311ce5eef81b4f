//! The general reader's flow (`card::flow`): where each failure of the reader or the card leads and
//! what staff are told, and the consent screens' answers as D9 maps them.

use onshi_core::{
    card::{
        apdu::{StatusWord, TooLong},
        flow::{self, CONSENT_SCREENS, Next, Notice, Step},
        mynumber::CardError,
        reader::{LinkError, PipeError},
    },
    contract::groups::ConsentChoices,
};

#[test]
fn a_card_taken_off_mid_exchange_goes_back_to_waiting_for_a_card() {
    for error in [LinkError::CardRemoved, LinkError::NoCard] {
        assert_eq!(
            flow::after_error(&CardError::Link(error)),
            (Next::Step(Step::PlaceCard), Notice::CardRemoved)
        );
    }
}

#[test]
fn an_unplugged_reader_goes_back_to_connecting_one() {
    assert_eq!(
        flow::after_error(&CardError::Link(LinkError::Pipe(PipeError::Disconnected))),
        (Next::Disconnected, Notice::Unplugged)
    );
}

#[test]
fn a_reader_that_fails_otherwise_waits_for_the_card_to_be_taken_off() {
    for error in [
        LinkError::Pipe(PipeError::Timeout(1000)),
        LinkError::Pipe(PipeError::Transfer("stall".to_owned())),
        LinkError::Protocol {
            what: "ACK",
            bytes: vec![0x00, 0x00, 0xFF],
        },
        LinkError::Command(TooLong { len: 300 }),
    ] {
        assert_eq!(
            flow::after_error(&CardError::Link(error.clone())),
            (Next::Step(Step::TakeCard), Notice::ReaderFailed),
            "{error:?}"
        );
    }
}

#[test]
fn a_wrong_pin_asks_again_with_the_tries_the_card_gave() {
    assert_eq!(
        flow::after_error(&CardError::PinWrong { tries_left: 2 }),
        (
            Next::Step(Step::Pin { tries_left: 2 }),
            Notice::PinWrong { tries_left: 2 }
        )
    );
}

#[test]
fn a_blocked_pin_or_the_last_try_spent_is_the_lock_guidance() {
    for error in [CardError::PinBlocked, CardError::PinWrong { tries_left: 0 }] {
        assert_eq!(
            flow::after_error(&error),
            (Next::Step(Step::TakeCard), Notice::PinBlocked),
            "{error:?}"
        );
    }
}

#[test]
fn another_card_or_a_refusal_waits_for_the_card_to_be_taken_off() {
    assert_eq!(
        flow::after_error(&CardError::NotMyNumberCard),
        (Next::Step(Step::TakeCard), Notice::NotMyNumberCard)
    );
    for error in [
        CardError::Refused {
            step: "SELECT EF 000A",
            sw: StatusWord(0x6A, 0x82),
        },
        CardError::Malformed { what: "署名" },
    ] {
        assert_eq!(
            flow::after_error(&error),
            (Next::Step(Step::TakeCard), Notice::CardFailed),
            "{error:?}"
        );
    }
}

#[test]
fn the_three_answers_map_to_the_choices_in_d9_order() {
    let first = flow::answer(&[], true).expect("a second screen follows");
    assert_eq!(first, vec![true]);
    let second = flow::answer(&first, false).expect("a third screen follows");
    assert_eq!(
        flow::answer(&second, true),
        Err(ConsentChoices {
            medical: true,
            checkups: false,
            limit: true,
        })
    );
    assert_eq!(CONSENT_SCREENS, 3);
}

#[test]
fn the_consent_screen_shown_counts_the_answers() {
    assert_eq!(Step::Consent { answers: vec![] }.consent_screen(), Some(0));
    assert_eq!(
        Step::Consent {
            answers: vec![true, false]
        }
        .consent_screen(),
        Some(2)
    );
    assert_eq!(Step::Pin { tries_left: 3 }.consent_screen(), None);
    assert!(Step::Pin { tries_left: 3 }.asks_patient());
    assert!(!Step::PlaceCard.asks_patient());
}
