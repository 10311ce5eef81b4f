//! The general reader's session (`card::session`) over every virtual reader, with a scripted screen
//! and a fake endpoint that checks the card's signature of its challenge. Each case is a script of
//! what the trainer does to the reader and what the patient and staff send, and the steps and
//! messages the session must show in answer, in order.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::NaiveDate;
use onshi_core::canned::people::person;
use onshi_core::card::flow::{Notice, Step};
use onshi_core::card::mynumber::Pin;
use onshi_core::card::pki;
use onshi_core::card::reader::driver;
use onshi_core::card::session::{self, Ended, Endpoint, Input, Screen, Told};
use onshi_core::card::testpki;
use onshi_core::card::virtual_card::{self, Iso7816Card, VirtualCard, VirtualCardData};
use onshi_core::card::virtual_reader::{Shared, VirtualCcid, VirtualRcs300, VirtualRcs380};
use onshi_core::catalogue;
use onshi_core::contract::groups::ConsentChoices;
use onshi_core::contract::groups::{CardQualification, Challenge};
use onshi_core::time::{Rfc3339, Timestamp};

use crate::card_readers::Rig;
use crate::card_support::block_on;

/// One thing the script does: to the reader (as the trainer would) or on the screen.
#[derive(Clone, Debug)]
enum Act {
    /// Places this canned person's card (the same card each time, so its PIN counter carries over).
    Place(&'static str),
    /// Places this person's card, which leaves the reader after answering `n` more exchanges.
    PlaceLeaving(&'static str, usize),
    /// Places a contactless card that is not a My Number card.
    PlaceOther,
    /// Takes the card off.
    Take,
    /// Pulls the reader's USB cable.
    Unplug,
    /// The patient enters this PIN.
    Pin(&'static str),
    /// The patient answers the consent screen shown.
    Answer(bool),
    /// 「中止」.
    Cancel,
    /// 「切断」.
    Disconnect,
    /// The browser says the device was unplugged.
    Unplugged,
}

/// What the screen was shown, in order.
#[derive(Clone, Debug, PartialEq)]
enum Seen {
    Connected,
    Step(Step),
    Told(Option<Told>),
    /// The endpoint's answer: whose card it found.
    Answered(String),
}

/// A card that answers every command with 「ファイルなし」 (6A 82), as a transit card would.
struct OtherCard;

impl Iso7816Card for OtherCard {
    fn process(&mut self, _command: &[u8]) -> Vec<u8> {
        vec![0x6A, 0x82]
    }

    fn power_off(&mut self) {}
}

/// A card the screen keeps while the reader holds it, so a PIN locked stays locked.
struct Kept(Rc<RefCell<VirtualCard>>);

impl Iso7816Card for Kept {
    fn process(&mut self, command: &[u8]) -> Vec<u8> {
        self.0.borrow_mut().process(command)
    }

    fn power_off(&mut self) {
        self.0.borrow_mut().power_off();
    }
}

/// The screen: plays the script, records what it is shown. With the script spent, the screen is
/// gone (`Input::Quit`), so every case ends.
struct ScriptScreen<D: Rig> {
    device: Shared<D>,
    script: VecDeque<Act>,
    cards: HashMap<&'static str, Rc<RefCell<VirtualCard>>>,
    seen: Vec<Seen>,
}

impl<D: Rig> ScriptScreen<D> {
    fn new(device: Shared<D>, script: &[Act]) -> ScriptScreen<D> {
        ScriptScreen {
            device,
            script: script.iter().cloned().collect(),
            cards: HashMap::new(),
            seen: Vec::new(),
        }
    }

    fn card(&mut self, id: &'static str) -> Rc<RefCell<VirtualCard>> {
        self.cards
            .entry(id)
            .or_insert_with(|| {
                let person = person(id).expect("a canned person");
                let data = VirtualCardData::for_person(&person).expect("a person with a card");
                Rc::new(RefCell::new(VirtualCard::new(data)))
            })
            .clone()
    }

    /// Does a reader act and says `None`, or turns a screen act into its input.
    fn play(&mut self, act: Act) -> Option<Input> {
        match act {
            Act::Place(id) => {
                let card = self.card(id);
                self.device.with(|d| d.put(Box::new(Kept(card))));
                None
            }
            Act::PlaceLeaving(id, exchanges) => {
                let card = self.card(id);
                self.device.with(|d| {
                    d.put(Box::new(Kept(card)));
                    d.leave_after(exchanges);
                });
                None
            }
            Act::PlaceOther => {
                self.device.with(|d| d.put(Box::new(OtherCard)));
                None
            }
            Act::Take => {
                drop(self.device.with(|d| d.take()));
                None
            }
            Act::Unplug => {
                self.device.with(|d| d.pull_plug());
                None
            }
            Act::Pin(text) => Some(Input::Pin(Pin::parse(text).expect("a 4-digit PIN"))),
            Act::Answer(yes) => Some(Input::Answer(yes)),
            Act::Cancel => Some(Input::Cancel),
            Act::Disconnect => Some(Input::Disconnect),
            Act::Unplugged => Some(Input::Unplugged),
        }
    }
}

impl<D: Rig> Screen for ScriptScreen<D> {
    type Answer = String;

    fn connected(&mut self) {
        self.seen.push(Seen::Connected);
    }

    fn show(&mut self, step: Step) {
        self.seen.push(Seen::Step(step));
    }

    fn tell(&mut self, told: Option<Told>) {
        self.seen.push(Seen::Told(told));
    }

    async fn input(&mut self) -> Input {
        // Reader acts happen while the screen waits; the first screen act is the input.
        while let Some(act) = self.script.pop_front() {
            if let Some(input) = self.play(act) {
                return input;
            }
        }
        Input::Quit
    }

    async fn input_within(&mut self, _ms: u32) -> Option<Input> {
        // One poll's pause: a reader act happens during it, a screen act ends it early.
        match self.script.pop_front() {
            Some(act) => self.play(act),
            None => Some(Input::Quit),
        }
    }

    fn today(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2026, 12, 7)
    }

    fn answered(&mut self, person_id: String) {
        self.seen.push(Seen::Answered(person_id));
    }
}

/// Where the fake endpoint fails, if anywhere.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fails {
    Nowhere,
    Challenge,
    /// The challenge's nonce is not base64.
    Nonce,
    Qualification,
}

const CHALLENGE_REFUSED: &str = "チャレンジを発行できません";
const QUALIFICATION_REFUSED: &str = "資格確認できません";

/// The endpoint: issues one nonce, and answers a qualification whose signature of it checks out
/// with the person whose certificate it carries.
struct FakeEndpoint {
    fails: Fails,
    nonce: Vec<u8>,
    requests: Vec<CardQualification>,
}

impl FakeEndpoint {
    fn new(fails: Fails) -> FakeEndpoint {
        FakeEndpoint {
            fails,
            nonce: (0..32).collect(),
            requests: Vec::new(),
        }
    }
}

impl Endpoint for FakeEndpoint {
    type Answer = String;

    async fn challenge(&mut self) -> Result<Challenge, String> {
        match self.fails {
            Fails::Challenge => Err(CHALLENGE_REFUSED.to_owned()),
            Fails::Nonce => Ok(Challenge {
                nonce: "not base64!".to_owned(),
                expires_at: expiry(),
            }),
            Fails::Nowhere | Fails::Qualification => Ok(Challenge {
                nonce: STANDARD.encode(&self.nonce),
                expires_at: expiry(),
            }),
        }
    }

    async fn qualify_by_card(&mut self, request: &CardQualification) -> Result<String, String> {
        self.requests.push(request.clone());
        if self.fails == Fails::Qualification {
            return Err(QUALIFICATION_REFUSED.to_owned());
        }
        let certificate = STANDARD.decode(&request.certificate).expect("base64");
        let signature = STANDARD.decode(&request.signature).expect("base64");
        assert_eq!(request.nonce, STANDARD.encode(&self.nonce));
        pki::verify_signature(&certificate, &self.nonce, &signature)
            .expect("the card signed the challenge");
        let holder = testpki::CARDS
            .iter()
            .find(|card| card.certificate == certificate.as_slice())
            .expect("a canned person's certificate");
        Ok(holder.person_id.to_owned())
    }
}

/// When the fake's nonce stops being accepted (the session does not look).
fn expiry() -> Rfc3339 {
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).expect("a date");
    Rfc3339(Timestamp::from_jst(today, 10, 1, 0).expect("a time"))
}

/// What a run left behind.
struct Outcome {
    ended: Ended,
    seen: Vec<Seen>,
    requests: Vec<CardQualification>,
    /// The PIN tries each placed card has left.
    tries: HashMap<&'static str, u8>,
}

/// Runs the session on a fresh `D` with the script and the endpoint failing as given.
fn run<D: Rig>(script: &[Act], fails: Fails) -> Outcome {
    let device = Shared::new(D::create());
    let mut link = driver(D::MODEL, device.clone());
    let mut screen = ScriptScreen::new(device.clone(), script);
    let mut endpoint = FakeEndpoint::new(fails);
    let ended = block_on(session::run(&mut link, &mut endpoint, &mut screen));
    assert_eq!(
        device.with(|d| d.complaints()),
        Vec::<String>::new(),
        "the reader saw nothing it would refuse"
    );
    Outcome {
        ended,
        seen: screen.seen,
        requests: endpoint.requests,
        tries: screen
            .cards
            .iter()
            .map(|(id, card)| (*id, card.borrow().auth_tries_left()))
            .collect(),
    }
}

fn step(step: Step) -> Seen {
    Seen::Step(step)
}

fn told(notice: Notice) -> Seen {
    Seen::Told(Some(Told::Card(notice)))
}

fn endpoint_told(message: &str) -> Seen {
    Seen::Told(Some(Told::Endpoint(message.to_owned())))
}

const QUIET: Seen = Seen::Told(None);

fn consent(answers: &[bool]) -> Seen {
    step(Step::Consent {
        answers: answers.to_vec(),
    })
}

/// A card found and read up to the PIN pad with `tries` left.
fn read_to_pin(tries: u8) -> Vec<Seen> {
    vec![
        QUIET,
        step(Step::Reading),
        step(Step::Pin { tries_left: tries }),
    ]
}

/// The right PIN, then the three consent screens answered yes, no, yes, up to 確認しています.
fn verified_and_consented(tries: u8) -> Vec<Seen> {
    vec![
        step(Step::Verifying { tries_left: tries }),
        QUIET,
        consent(&[]),
        consent(&[true]),
        consent(&[true, false]),
        step(Step::Checking),
    ]
}

const ANSWERS: [Act; 3] = [Act::Answer(true), Act::Answer(false), Act::Answer(true)];

const TARO: &str = "shinbashi-taro";
const HANAKO: &str = "shinbashi-hanako";

/// One case: the script, where the endpoint fails, what the screen is shown after the reader is
/// prepared (`Connected, PlaceCard` come first in every case), and why the session ended.
struct Case {
    name: &'static str,
    script: Vec<Act>,
    fails: Fails,
    seen: Vec<Seen>,
    ended: Ended,
}

fn cat<T: Clone>(parts: &[&[T]]) -> Vec<T> {
    parts.iter().flat_map(|p| p.iter().cloned()).collect()
}

fn cases() -> Vec<Case> {
    let take_then_next = [step(Step::TakeCard), step(Step::PlaceCard)];
    vec![
        Case {
            name: "two cards, one after the other, each signed and answered",
            script: cat(&[
                &[Act::Place(TARO), Act::Pin("1234")],
                &ANSWERS,
                &[Act::Take, Act::Place(HANAKO), Act::Pin("1234")],
                &ANSWERS,
                &[Act::Take],
            ]),
            fails: Fails::Nowhere,
            seen: cat(&[
                &read_to_pin(3),
                &verified_and_consented(3),
                &[Seen::Answered(TARO.to_owned())],
                &take_then_next,
                &read_to_pin(3),
                &verified_and_consented(3),
                &[Seen::Answered(HANAKO.to_owned())],
                &take_then_next,
            ]),
            ended: Ended::Gone,
        },
        Case {
            name: "a wrong PIN is told with the tries left and asked again",
            script: cat(&[
                &[Act::Place(TARO), Act::Pin("0000"), Act::Pin("1234")],
                &ANSWERS,
            ]),
            fails: Fails::Nowhere,
            seen: cat(&[
                &read_to_pin(3),
                &[
                    step(Step::Verifying { tries_left: 3 }),
                    told(Notice::PinWrong { tries_left: 2 }),
                    step(Step::Pin { tries_left: 2 }),
                ],
                &verified_and_consented(2),
                &[Seen::Answered(TARO.to_owned()), step(Step::TakeCard)],
            ]),
            ended: Ended::Gone,
        },
        Case {
            name: "the third wrong PIN locks the card, and a locked card is told at once",
            script: vec![
                Act::Place(TARO),
                Act::Pin("0000"),
                Act::Pin("0000"),
                Act::Pin("0000"),
                Act::Take,
                Act::Place(TARO),
                Act::Take,
            ],
            fails: Fails::Nowhere,
            seen: cat(&[
                &read_to_pin(3),
                &[
                    step(Step::Verifying { tries_left: 3 }),
                    told(Notice::PinWrong { tries_left: 2 }),
                    step(Step::Pin { tries_left: 2 }),
                    step(Step::Verifying { tries_left: 2 }),
                    told(Notice::PinWrong { tries_left: 1 }),
                    step(Step::Pin { tries_left: 1 }),
                    step(Step::Verifying { tries_left: 1 }),
                    told(Notice::PinBlocked),
                ],
                &take_then_next,
                &[QUIET, step(Step::Reading), told(Notice::PinBlocked)],
                &take_then_next,
            ]),
            ended: Ended::Gone,
        },
        Case {
            name: "another kind of card is told and waited for to be taken off",
            script: vec![Act::PlaceOther, Act::Take],
            fails: Fails::Nowhere,
            seen: cat(&[
                &[QUIET, step(Step::Reading), told(Notice::NotMyNumberCard)],
                &take_then_next,
            ]),
            ended: Ended::Gone,
        },
        Case {
            name: "a card taken off at the PIN pad is told and the next card waited for",
            script: vec![Act::Place(TARO), Act::Take, Act::Pin("1234")],
            fails: Fails::Nowhere,
            seen: cat(&[
                &read_to_pin(3),
                &[
                    step(Step::Verifying { tries_left: 3 }),
                    told(Notice::CardRemoved),
                    step(Step::PlaceCard),
                ],
            ]),
            ended: Ended::Gone,
        },
        Case {
            name: "a card leaving while it is read is told and the next card waited for",
            script: vec![Act::PlaceLeaving(TARO, 2)],
            fails: Fails::Nowhere,
            seen: vec![
                QUIET,
                step(Step::Reading),
                told(Notice::CardRemoved),
                step(Step::PlaceCard),
            ],
            ended: Ended::Gone,
        },
        Case {
            name: "a reader unplugged mid-session ends it, told as unplugged",
            script: vec![Act::Place(TARO), Act::Unplug, Act::Pin("1234")],
            fails: Fails::Nowhere,
            seen: cat(&[
                &read_to_pin(3),
                &[
                    step(Step::Verifying { tries_left: 3 }),
                    told(Notice::Unplugged),
                ],
            ]),
            ended: Ended::Unplugged,
        },
        Case {
            name: "a reader unplugged while waiting for a card ends the session",
            script: vec![Act::Unplug],
            fails: Fails::Nowhere,
            seen: vec![],
            ended: Ended::Unplugged,
        },
        Case {
            name: "the browser telling of the unplug ends the session at the PIN pad",
            script: vec![Act::Place(TARO), Act::Unplugged],
            fails: Fails::Nowhere,
            seen: read_to_pin(3),
            ended: Ended::Unplugged,
        },
        Case {
            name: "the endpoint refusing the challenge is told, and the card waited off",
            script: cat(&[
                &[Act::Place(TARO), Act::Pin("1234")],
                &ANSWERS,
                &[Act::Take],
            ]),
            fails: Fails::Challenge,
            seen: cat(&[
                &read_to_pin(3),
                &verified_and_consented(3),
                &[endpoint_told(CHALLENGE_REFUSED)],
                &take_then_next,
            ]),
            ended: Ended::Gone,
        },
        Case {
            name: "a challenge that is not base64 is an unexpected answer",
            script: cat(&[&[Act::Place(TARO), Act::Pin("1234")], &ANSWERS]),
            fails: Fails::Nonce,
            seen: cat(&[
                &read_to_pin(3),
                &verified_and_consented(3),
                &[
                    endpoint_told(catalogue::UNEXPECTED_RESPONSE),
                    step(Step::TakeCard),
                ],
            ]),
            ended: Ended::Gone,
        },
        Case {
            name: "the endpoint refusing the qualification is told",
            script: cat(&[&[Act::Place(TARO), Act::Pin("1234")], &ANSWERS]),
            fails: Fails::Qualification,
            seen: cat(&[
                &read_to_pin(3),
                &verified_and_consented(3),
                &[endpoint_told(QUALIFICATION_REFUSED), step(Step::TakeCard)],
            ]),
            ended: Ended::Gone,
        },
        Case {
            name: "中止 at the PIN pad spends no try and waits for the card to be taken off",
            script: vec![Act::Place(TARO), Act::Cancel, Act::Take],
            fails: Fails::Nowhere,
            seen: cat(&[&read_to_pin(3), &take_then_next]),
            ended: Ended::Gone,
        },
        Case {
            name: "中止 on a consent screen sends nothing to the endpoint",
            script: vec![
                Act::Place(TARO),
                Act::Pin("1234"),
                Act::Answer(true),
                Act::Cancel,
            ],
            fails: Fails::Nowhere,
            seen: cat(&[
                &read_to_pin(3),
                &[
                    step(Step::Verifying { tries_left: 3 }),
                    QUIET,
                    consent(&[]),
                    consent(&[true]),
                    step(Step::TakeCard),
                ],
            ]),
            ended: Ended::Gone,
        },
        Case {
            name: "切断 at the PIN pad ends the session",
            script: vec![Act::Place(TARO), Act::Disconnect],
            fails: Fails::Nowhere,
            seen: read_to_pin(3),
            ended: Ended::Disconnect,
        },
        Case {
            name: "切断 while waiting for a card ends the session",
            script: vec![Act::Disconnect],
            fails: Fails::Nowhere,
            seen: vec![],
            ended: Ended::Disconnect,
        },
    ]
}

/// Every case on reader `D`.
fn every_case<D: Rig>() {
    for case in cases() {
        let outcome = run::<D>(&case.script, case.fails);
        let expected = cat(&[&[Seen::Connected, step(Step::PlaceCard)], &case.seen]);
        assert_eq!(outcome.seen, expected, "{}", case.name);
        assert_eq!(outcome.ended, case.ended, "{}", case.name);
    }
}

/// What the endpoint is sent: the challenge's nonce, the card's certificate, today, and the
/// consents in D9's order.
fn sends_the_proof_and_the_consents<D: Rig>() {
    let script = cat(&[&[Act::Place(TARO), Act::Pin("1234")], &ANSWERS]);
    let outcome = run::<D>(&script, Fails::Nowhere);
    let [request] = outcome.requests.as_slice() else {
        panic!("one request, not {:?}", outcome.requests);
    };
    let taro = testpki::card(TARO).expect("Taro's test card");
    assert_eq!(request.certificate, STANDARD.encode(taro.certificate));
    assert_eq!(request.qualification_date, "2026-12-07");
    assert_eq!(request.treatment, None);
    assert_eq!(
        request.consents,
        ConsentChoices {
            medical: true,
            checkups: false,
            limit: true,
        }
    );
    assert_eq!(outcome.tries.get(TARO), Some(&3));
}

/// A wrong PIN costs the card a try; 中止 and a malformed nonce do not.
fn the_card_keeps_count_of_the_tries<D: Rig>() {
    let locked = run::<D>(
        &[
            Act::Place(TARO),
            Act::Pin("0000"),
            Act::Pin("0000"),
            Act::Pin("0000"),
        ],
        Fails::Nowhere,
    );
    assert_eq!(locked.tries.get(TARO), Some(&0));
    assert!(locked.requests.is_empty());
    let cancelled = run::<D>(&[Act::Place(TARO), Act::Cancel], Fails::Nowhere);
    assert_eq!(cancelled.tries.get(TARO), Some(&3));
}

macro_rules! on_every_reader {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[test]
            fn rcs380() {
                super::$scenario::<super::VirtualRcs380>();
            }
            #[test]
            fn rcs300() {
                super::$scenario::<super::VirtualRcs300>();
            }
            #[test]
            fn ccid() {
                super::$scenario::<super::VirtualCcid>();
            }
        }
    )*};
}
on_every_reader!(
    every_case,
    sends_the_proof_and_the_consents,
    the_card_keeps_count_of_the_tries,
);

#[test]
fn only_an_unplugged_reader_is_told_once_the_reader_is_let_go() {
    assert_eq!(Ended::Unplugged.notice(), Some(Notice::Unplugged));
    for ended in [
        Ended::Disconnect,
        Ended::Gone,
        Ended::Failed("stall".to_owned()),
    ] {
        assert_eq!(ended.notice(), None, "{ended:?}");
    }
}

#[test]
fn a_reader_unplugged_before_it_is_prepared_is_never_connected() {
    let device = Shared::new(VirtualRcs380::new());
    device.with(|d| d.unplug());
    let mut link = driver(VirtualRcs380::MODEL, device.clone());
    let mut screen = ScriptScreen::new(device, &[]);
    let ended = block_on(session::run(
        &mut link,
        &mut FakeEndpoint::new(Fails::Nowhere),
        &mut screen,
    ));
    assert_eq!(ended, Ended::Unplugged);
    assert_eq!(screen.seen, Vec::new());
}

#[test]
fn the_training_card_holders_are_the_canned_people_with_a_test_card() {
    let holders: Vec<String> = virtual_card::card_holders()
        .into_iter()
        .map(|p| p.id)
        .collect();
    let with_cards: Vec<String> = testpki::CARDS
        .iter()
        .map(|c| c.person_id.to_owned())
        .collect();
    assert_eq!(holders, with_cards);
}
