//! Type B activation and the reader's half of ISO-DEP, against blocks written by hand from
//! docs/card-reader.md §2.1 (aruneko's sequence) and ISO 14443-4's block rules.

use onshi_core::card::iso14443b::{self, Atqb, Block, IsoDep, IsoDepError, MAX_RETRIES, Step};

use crate::card_support::hex;

/// SELECT JPKI AP, as card-reader.md §3 writes it.
const SELECT_JPKI: &str = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01";

#[test]
fn sensb_and_attrib_are_the_researched_bytes() {
    assert_eq!(iso14443b::SENSB_REQ.to_vec(), hex("05 00 10"));
    assert_eq!(
        iso14443b::attrib([0x12, 0x34, 0x56, 0x78]),
        hex("1D 12 34 56 78 00 08 01 00")
    );
    assert!(iso14443b::check_attrib_answer(&hex("00")).is_ok());
    assert!(iso14443b::check_attrib_answer(&hex("10")).is_ok());
    assert!(iso14443b::check_attrib_answer(&hex("01")).is_err());
    assert!(iso14443b::check_attrib_answer(&[]).is_err());
}

#[test]
fn atqb_fields() {
    fn check(input: &str, fsc: usize, fwi: u8, iso_dep: bool) {
        let atqb = Atqb::parse(&hex(input)).expect(input);
        assert_eq!(atqb.pupi, [0x4D, 0x4E, 0x00, 0x01], "{input}");
        assert_eq!(
            (atqb.fsc(), atqb.fwi, atqb.iso_dep),
            (fsc, fwi, iso_dep),
            "{input}"
        );
    }
    // 50, PUPI, application data, protocol info (bit rates, FSCI|type, FWI|ADC|FO).
    check("50 4D 4E 00 01 00 00 00 00 00 81 80", 256, 8, true);
    check("50 4D 4E 00 01 00 00 00 00 00 21 40", 32, 4, true);
    check("50 4D 4E 00 01 00 00 00 00 00 01 E0", 16, 14, true);
    check("50 4D 4E 00 01 00 00 00 00 00 80 80", 256, 8, false);
    // The extended ATQB (PARAM 10 allows it) carries a fourth protocol byte.
    check("50 4D 4E 00 01 00 00 00 00 00 71 70 01", 128, 7, true);
    for bad in [
        "51 4D 4E 00 01 00 00 00 00 00 81 80",
        "50 4D 4E 00 01 00 00 00 00 00 81",
        "50 4D 4E 00 01 00 00 00 00 00 81 80 01 02",
        "",
    ] {
        assert!(Atqb::parse(&hex(bad)).is_err(), "{bad}");
    }
}

#[test]
fn frame_waiting_times() {
    // (256 × 16 / 13.56 MHz) × 2^FWI + 49152 / 13.56 MHz, in whole microseconds rounded up.
    assert_eq!(iso14443b::fwt_us(0), 3927);
    assert_eq!(iso14443b::fwt_us(4), 8458);
    assert_eq!(iso14443b::fwt_us(8), 80954);
    assert_eq!(iso14443b::fwt_us(14), 4_952_657);
    // FWI 15 is reserved: read as 4.
    assert_eq!(iso14443b::fwt_us(15), 8458);
}

#[test]
fn blocks_both_ways() {
    fn check(input: &str, expected: Block<'_>) {
        let bytes = hex(input);
        assert_eq!(Block::parse(&bytes), Ok(expected), "for {input}");
    }
    check(
        "02 90 00",
        Block::I {
            number: 0,
            chaining: false,
            inf: &[0x90, 0x00],
        },
    );
    check(
        "03",
        Block::I {
            number: 1,
            chaining: false,
            inf: &[],
        },
    );
    check(
        "12 AA",
        Block::I {
            number: 0,
            chaining: true,
            inf: &[0xAA],
        },
    );
    check(
        "13 AA",
        Block::I {
            number: 1,
            chaining: true,
            inf: &[0xAA],
        },
    );
    // With a CID byte (PCB bit 4) it is skipped.
    check(
        "0A 00 90 00",
        Block::I {
            number: 0,
            chaining: false,
            inf: &[0x90, 0x00],
        },
    );
    check("A2", Block::RAck { number: 0 });
    check("A3", Block::RAck { number: 1 });
    check("B2", Block::RNak { number: 0 });
    check("B3", Block::RNak { number: 1 });
    check("F2 01", Block::Wtx { wtxm: 1 });
    // The power level bits (7–8) are not part of WTXM.
    check("F2 C5", Block::Wtx { wtxm: 5 });
    check("C2", Block::Deselect);
    for bad in [
        "", "00 90 00", "22 90 00", "A2 00", "F2", "F2 01 02", "E2 01", "C2 00", "A6",
    ] {
        assert!(Block::parse(&hex(bad)).is_err(), "{bad} is no block");
    }

    fn encoded(block: Block<'_>, expected: &str) {
        assert_eq!(block.encode(), hex(expected));
    }
    // aruneko: I-blocks `02 | pni`, R(ACK) `A2 | pni`.
    encoded(
        Block::I {
            number: 0,
            chaining: false,
            inf: &[0x00, 0xA4],
        },
        "02 00 A4",
    );
    encoded(
        Block::I {
            number: 1,
            chaining: false,
            inf: &[],
        },
        "03",
    );
    encoded(
        Block::I {
            number: 1,
            chaining: true,
            inf: &[0xAA],
        },
        "13 AA",
    );
    encoded(Block::RAck { number: 1 }, "A3");
    encoded(Block::RNak { number: 0 }, "B2");
    encoded(Block::Wtx { wtxm: 59 }, "F2 3B");
    encoded(Block::Deselect, "C2");
}

/// A step that sends `block` and waits `wait_us`.
fn send(block: &str, wait_us: u32) -> Step {
    Step::Send {
        block: hex(block),
        wait_us,
    }
}

const FWT: u32 = 10_000;

#[test]
fn one_apdu_per_i_block_with_toggling_numbers() {
    let mut session = IsoDep::with_limits(256, FWT);
    let mut exchange = session.exchange(hex(SELECT_JPKI));
    assert_eq!(exchange.start(), send(&format!("02 {SELECT_JPKI}"), FWT));
    assert_eq!(
        exchange.received(&hex("02 90 00")),
        Ok(Step::Done(hex("90 00")))
    );

    let mut exchange = session.exchange(hex("00 B0 00 00 07"));
    assert_eq!(exchange.start(), send("03 00 B0 00 00 07", FWT));
    assert_eq!(
        exchange.received(&hex("03 30 82 04 1A 30 82 03 90 00")),
        Ok(Step::Done(hex("30 82 04 1A 30 82 03 90 00")))
    );

    let mut exchange = session.exchange(hex("00 A4 02 0C 02 00 0A"));
    assert_eq!(exchange.start(), send("02 00 A4 02 0C 02 00 0A", FWT));
}

#[test]
fn a_chained_response_is_acknowledged_and_joined() {
    let mut session = IsoDep::with_limits(256, FWT);
    let mut exchange = session.exchange(hex("00 B0 00 00 00"));
    assert_eq!(exchange.start(), send("02 00 B0 00 00 00", FWT));
    // Card chains (bit 0x10): R(ACK) with the toggled number, then the next part.
    assert_eq!(exchange.received(&hex("12 01 02 03")), Ok(send("A3", FWT)));
    assert_eq!(exchange.received(&hex("13 04 05")), Ok(send("A2", FWT)));
    assert_eq!(
        exchange.received(&hex("02 06 90 00")),
        Ok(Step::Done(hex("01 02 03 04 05 06 90 00")))
    );
    // Three I-blocks came in, so the next command goes out with number 1.
    let mut exchange = session.exchange(hex("00 A4 02 0C 02 00 06"));
    assert_eq!(exchange.start(), send("03 00 A4 02 0C 02 00 06", FWT));
}

#[test]
fn a_command_longer_than_the_cards_frame_is_chained() {
    // FSC 16: 13 INF bytes per block (PCB and two CRC bytes take the rest).
    let mut session = IsoDep::with_limits(16, FWT);
    assert_eq!(session.max_inf(), 13);
    let command = hex("80 2A 00 80 10 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 00");
    let mut exchange = session.exchange(command);
    assert_eq!(
        exchange.start(),
        send("12 80 2A 00 80 10 00 01 02 03 04 05 06 07", FWT)
    );
    assert_eq!(
        exchange.received(&hex("A2")),
        Ok(send("03 08 09 0A 0B 0C 0D 0E 0F 00", FWT))
    );
    assert_eq!(
        exchange.received(&hex("03 90 00")),
        Ok(Step::Done(hex("90 00")))
    );
}

#[test]
fn waiting_time_extensions_are_answered_and_lengthen_the_wait() {
    let mut session = IsoDep::with_limits(256, FWT);
    let mut exchange = session.exchange(hex(SELECT_JPKI));
    exchange.start();
    assert_eq!(exchange.received(&hex("F2 05")), Ok(send("F2 05", 5 * FWT)));
    assert_eq!(exchange.received(&hex("F2 01")), Ok(send("F2 01", FWT)));
    assert_eq!(
        exchange.received(&hex("02 90 00")),
        Ok(Step::Done(hex("90 00")))
    );
    // A WTX inside a chained response keeps the block numbers where they were.
    let mut exchange = session.exchange(hex("00 B0 00 00 00"));
    exchange.start();
    assert_eq!(exchange.received(&hex("13 AA")), Ok(send("A2", FWT)));
    assert_eq!(
        exchange.received(&hex("F2 3B")),
        Ok(send("F2 3B", 59 * FWT))
    );
    assert_eq!(
        exchange.received(&hex("02 BB 90 00")),
        Ok(Step::Done(hex("AA BB 90 00")))
    );
    // WTXM 0 is not allowed.
    let mut exchange = session.exchange(hex(SELECT_JPKI));
    exchange.start();
    assert!(matches!(
        exchange.received(&hex("F2 00")),
        Err(IsoDepError::Protocol { .. })
    ));
}

#[test]
fn silence_is_answered_with_nak_then_the_card_counts_as_gone() {
    let mut session = IsoDep::with_limits(256, FWT);
    let mut exchange = session.exchange(hex(SELECT_JPKI));
    exchange.start();
    for _ in 0..MAX_RETRIES {
        assert_eq!(exchange.no_answer(), Ok(send("B2", FWT)));
    }
    assert_eq!(exchange.no_answer(), Err(IsoDepError::Mute));
}

#[test]
fn a_lost_i_block_is_sent_again() {
    let mut session = IsoDep::with_limits(256, FWT);
    let mut exchange = session.exchange(hex(SELECT_JPKI));
    exchange.start();
    // Nothing came back; the reader asks with R(NAK, 0); the card, whose last block was number 1,
    // answers R(ACK, 1): it never got the I-block, which goes out again.
    assert_eq!(exchange.no_answer(), Ok(send("B2", FWT)));
    assert_eq!(
        exchange.received(&hex("A3")),
        Ok(send(&format!("02 {SELECT_JPKI}"), FWT))
    );
    assert_eq!(
        exchange.received(&hex("02 90 00")),
        Ok(Step::Done(hex("90 00")))
    );
}

#[test]
fn a_lost_part_of_a_chained_response_is_asked_for_again() {
    let mut session = IsoDep::with_limits(256, FWT);
    let mut exchange = session.exchange(hex("00 B0 00 00 00"));
    exchange.start();
    assert_eq!(exchange.received(&hex("12 AA")), Ok(send("A3", FWT)));
    // In the card's chaining a lost block is asked for with the same R(ACK) (rule 5).
    assert_eq!(exchange.no_answer(), Ok(send("A3", FWT)));
    // A damaged block counts as lost.
    assert_eq!(exchange.received(&hex("E2 00")), Ok(send("A3", FWT)));
    assert_eq!(exchange.no_answer(), Err(IsoDepError::Mute));
}

#[test]
fn answers_out_of_turn_are_protocol_errors() {
    fn first_answer(answer: &str) -> Result<Step, IsoDepError> {
        let mut session = IsoDep::with_limits(256, FWT);
        let mut exchange = session.exchange(hex(SELECT_JPKI));
        exchange.start();
        exchange.received(&hex(answer))
    }
    for answer in ["03 90 00", "B2", "B3", "C2", "A2"] {
        assert!(
            matches!(first_answer(answer), Err(IsoDepError::Protocol { .. })),
            "{answer}"
        );
    }
    // While the command is still going out in chained blocks, the card may not answer with data.
    let mut session = IsoDep::with_limits(16, FWT);
    let mut exchange = session.exchange(vec![0; 20]);
    exchange.start();
    assert!(matches!(
        exchange.received(&hex("02 90 00")),
        Err(IsoDepError::Protocol { .. })
    ));
}
