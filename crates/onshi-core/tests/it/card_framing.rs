//! The reader framings against byte sequences written by hand from docs/card-reader.md: Port-100
//! (§2.1), the RC-S300 escape pseudo-APDUs (§2.2) and CCID (§4). Frames whose checksums the research
//! does not print were computed by hand from its formula (LCS and DCS make their bytes sum to zero).

use onshi_core::card::apdu::StatusWord;
use onshi_core::card::ccid::{self, CcidError, CommandStatus, IccStatus, Reply, Status};
use onshi_core::card::port100::{self, CommResult, Frame, FrameError};
use onshi_core::card::rcs300;

use crate::card_support::hex;

#[test]
fn port100_command_frames_match_the_research() {
    fn check(code: u8, params: &str, expected: &str) {
        assert_eq!(
            port100::command(code, &hex(params)),
            hex(expected),
            "command {code:02X} {params}"
        );
    }
    // Verbatim in xcx-pasorich's s380-driver.js (card-reader.md §2.1).
    check(0x2A, "01", "00 00 FF FF FF 03 00 FD D6 2A 01 FF 00");
    check(0x06, "00", "00 00 FF FF FF 03 00 FD D6 06 00 24 00");
    // InSetRF 03 07 0F 07 (Type B 106): LEN 6, LCS FA, DCS = -(D6+00+03+07+0F+07) = 0A.
    check(
        0x00,
        "03 07 0F 07",
        "00 00 FF FF FF 06 00 FA D6 00 03 07 0F 07 0A 00",
    );
    // InSetProtocol for Type B: LEN 12, LCS F4, DCS E6.
    check(
        0x02,
        "0B 01 09 01 0C 01 0A 01 00 14",
        "00 00 FF FF FF 0C 00 F4 D6 02 0B 01 09 01 0C 01 0A 01 00 14 E6 00",
    );
    // InCommRF, 30 ms → (30 + 1) × 10 = 310 = 0x0136, SENSB_REQ 05 00 10.
    check(
        0x04,
        "36 01 05 00 10",
        "00 00 FF FF FF 07 00 F9 D6 04 36 01 05 00 10 DA 00",
    );
}

#[test]
fn port100_parameter_lists_are_the_researched_ones() {
    assert_eq!(port100::TYPE_B_106.to_vec(), hex("03 07 0F 07"));
    assert_eq!(
        port100::PROTOCOL_DEFAULTS.to_vec(),
        hex(
            "0018 0101 0201 0300 0400 0500 0600 0708 0800 0900 0A00 0B00 0C00 0E04 0F00 1000 1100 1200 1306"
        )
    );
    assert_eq!(
        port100::PROTOCOL_TYPE_B.to_vec(),
        hex("0B 01 09 01 0C 01 0A 01 00 14")
    );
    assert_eq!(port100::ACK.to_vec(), hex("00 00 FF 00 FF 00"));
    assert_eq!(port100::ERROR_FRAME.to_vec(), hex("00 00 FF FF FF"));
}

#[test]
fn port100_frames_parse_both_ways() {
    fn check(input: &str, expected: Result<Frame<'_>, ()>) {
        let bytes = hex(input);
        assert_eq!(
            port100::parse_frame(&bytes).map_err(|_| ()),
            expected,
            "for {input}"
        );
    }
    check("00 00 FF 00 FF 00", Ok(Frame::Ack));
    check("00 00 FF FF FF", Ok(Frame::Error));
    // The two golden command frames, as a device reads them.
    check(
        "00 00 FF FF FF 03 00 FD D6 2A 01 FF 00",
        Ok(Frame::Data(&[0xD6, 0x2A, 0x01])),
    );
    check(
        "00 00 FF FF FF 03 00 FD D6 06 00 24 00",
        Ok(Frame::Data(&[0xD6, 0x06, 0x00])),
    );
    // SetCommandType's answer, D7 2B 00: DCS = -(D7 + 2B) = FE.
    check(
        "00 00 FF FF FF 03 00 FD D7 2B 00 FE 00",
        Ok(Frame::Data(&[0xD7, 0x2B, 0x00])),
    );
    assert_eq!(
        port100::response(0x2A, &[0x00]),
        hex("00 00 FF FF FF 03 00 FD D7 2B 00 FE 00")
    );
}

#[test]
fn port100_refuses_damaged_frames() {
    fn check(input: &str, expected: fn(&FrameError) -> bool) {
        let bytes = hex(input);
        let result = port100::parse_frame(&bytes);
        assert!(
            result.as_ref().is_err_and(expected),
            "for {input}: {result:?}"
        );
    }
    // LCS off by one.
    check("00 00 FF FF FF 03 00 FC D6 2A 01 FF 00", |e| {
        matches!(e, FrameError::LengthChecksum { .. })
    });
    // DCS off by one.
    check("00 00 FF FF FF 03 00 FD D6 2A 01 FE 00", |e| {
        matches!(e, FrameError::DataChecksum { .. })
    });
    // One data byte changed, so the DCS no longer fits.
    check("00 00 FF FF FF 03 00 FD D6 2A 02 FF 00", |e| {
        matches!(e, FrameError::DataChecksum { .. })
    });
    check("00 00 FF FF FF 03 00 FD D6 2A 01 FF", |e| {
        matches!(
            e,
            FrameError::Truncated {
                needed: 13,
                have: 12,
                ..
            }
        )
    });
    check("00 00 FF FF FF 03 00 FD D6 2A 01 FF 01", |e| {
        matches!(e, FrameError::Postamble { .. })
    });
    check("00 00 FF FF FF 03 00 FD D6 2A 01 FF 00 00", |e| {
        matches!(e, FrameError::Postamble { .. })
    });
    check("01 00 FF FF FF 03 00 FD D6 2A 01 FF 00", |e| {
        matches!(e, FrameError::NotAFrame { .. })
    });
    check("00 00 FF 03 FD D6 2A 01 FF 00", |e| {
        matches!(e, FrameError::NotAFrame { .. })
    });
}

#[test]
fn port100_frame_lengths_from_the_header() {
    fn check(head: &str, expected: Option<usize>) {
        assert_eq!(port100::frame_len(&hex(head)), expected, "for {head}");
    }
    check("00 00 FF 00 FF 00", Some(6));
    check("00 00 FF FF FF", Some(5));
    check("00 00 FF FF FF 03 00", Some(13));
    // A full 256-byte ISO-DEP answer: LEN 0x0108 → 8 + 264 + 2.
    check("00 00 FF FF FF 08 01 F7 D7 05", Some(274));
    check("00 00 FF FF", None);
    check("12 34", None);
}

#[test]
fn port100_responses_and_in_comm_rf() {
    assert_eq!(
        port100::response_payload(0x2A, &hex("D7 2B 00")),
        Ok(&[0x00][..])
    );
    assert!(port100::response_payload(0x2A, &hex("D7 07 00")).is_err());
    assert!(port100::response_payload(0x2A, &hex("D6 2B 00")).is_err());

    // nfcpy: (ms + 1) × 10 in 0.1 ms units, capped at FFFF; 0 stays 0.
    assert_eq!(port100::comm_timeout(30), 310);
    assert_eq!(port100::comm_timeout(0), 0);
    assert_eq!(port100::comm_timeout(6552), 65530);
    assert_eq!(port100::comm_timeout(6553), 0xFFFF);
    assert_eq!(
        port100::in_comm_rf(310, &hex("05 00 10")),
        hex("36 01 05 00 10")
    );

    // InCommRF answers: D7 05 + LE32 error word + one byte + the card's bytes. With an ATQB the
    // response data's byte 7 is 50 and bytes 8..12 the PUPI (aruneko).
    let data = hex("D7 05 00 00 00 00 00 50 4D 4E 00 01 00 00 00 00 00 81 80");
    assert_eq!(data[7], 0x50);
    let payload = port100::response_payload(0x04, &data).expect("D7 05");
    let result = port100::parse_comm_result(payload).expect("long enough");
    assert_eq!(result.error, 0);
    assert_eq!(&result.data[1..5], &data[8..12]);
    assert_eq!(
        port100::parse_comm_result(&hex("80 00 00 00 00")),
        Ok(CommResult {
            error: port100::comm_error::RECEIVE_TIMEOUT,
            data: &[]
        })
    );
    assert_eq!(port100::comm_error::RECEIVE_TIMEOUT, 0x80);
    assert!(port100::parse_comm_result(&hex("80 00 00 00")).is_err());
    // The same answer as a device frames it (LEN 0x13, LCS ED, DCS 37).
    assert_eq!(
        port100::response(
            0x04,
            &port100::comm_result(0, &hex("50 4D 4E 00 01 00 00 00 00 00 81 80"))
        ),
        hex(
            "00 00 FF FF FF 13 00 ED D7 05 00 00 00 00 00 50 4D 4E 00 01 00 00 00 00 00 81 80 37 00"
        )
    );
    // No card: error word 0x80 (DCS A4).
    assert_eq!(
        port100::response(0x04, &port100::comm_result(0x80, &[])),
        hex("00 00 FF FF FF 07 00 F9 D7 05 80 00 00 00 00 A4 00")
    );
}

#[test]
fn ccid_select_jpki_via_xfr_block_matches_the_research() {
    // card-reader.md §4: SELECT JPKI via XfrBlock, seq 2.
    let select = hex("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01");
    assert_eq!(
        ccid::xfr_block(2, &select),
        hex("6F 0F 00 00 00 00 02 00 00 00 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01")
    );
    let answer = hex("80 02 00 00 00 00 02 00 00 00 90 00");
    let reply = Reply::parse(&answer).expect("a DataBlock");
    assert_eq!(reply.message_type, ccid::message::DATA_BLOCK);
    assert_eq!(reply.seq, 2);
    assert_eq!(
        reply.status,
        Status {
            icc: IccStatus::Active,
            command: CommandStatus::Ok
        }
    );
    assert_eq!(reply.data, &[0x90, 0x00]);
    let out = hex("6F 0F 00 00 00 00 02 00 00 00 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01");
    let parsed = ccid::parse(&out).expect("an XfrBlock");
    assert_eq!(parsed.header.message_type, 0x6F);
    assert_eq!(parsed.header.length, 15);
    assert_eq!(parsed.data, &select[..]);
}

#[test]
fn ccid_commands_and_replies() {
    fn check(built: Vec<u8>, expected: &str) {
        assert_eq!(built, hex(expected));
    }
    check(ccid::icc_power_on(1), "62 00 00 00 00 00 01 00 00 00");
    check(ccid::icc_power_off(3), "63 00 00 00 00 00 03 00 00 00");
    check(ccid::get_slot_status(0xFF), "65 00 00 00 00 00 FF 00 00 00");
    check(
        ccid::escape(4, &hex("AA BB")),
        "6B 02 00 00 00 00 04 00 00 00 AA BB",
    );
    // A DataBlock for no card: bStatus 0x42 (failed, absent), bError FE (ICC mute).
    check(
        ccid::reply(
            0x80,
            0,
            7,
            Status {
                icc: IccStatus::Absent,
                command: CommandStatus::Failed,
            },
            0xFE,
            &[],
        ),
        "80 00 00 00 00 00 07 42 FE 00",
    );
    assert_eq!(ccid::message_len(&hex("80 00 01 00 00 00 07 00 00")), None);
    assert_eq!(
        ccid::message_len(&hex("80 00 01 00 00 00 07 00 00 00")),
        Some(266)
    );
}

#[test]
fn ccid_status_bits() {
    fn check(byte: u8, icc: IccStatus, command: CommandStatus) {
        let status = Status::from_byte(byte);
        assert_eq!(status, Status { icc, command }, "bStatus {byte:02X}");
        assert_eq!(status.to_byte(), byte);
    }
    check(0x00, IccStatus::Active, CommandStatus::Ok);
    check(0x01, IccStatus::Inactive, CommandStatus::Ok);
    check(0x02, IccStatus::Absent, CommandStatus::Ok);
    check(0x42, IccStatus::Absent, CommandStatus::Failed);
    check(0x41, IccStatus::Inactive, CommandStatus::Failed);
    check(0x80, IccStatus::Active, CommandStatus::TimeExtension);
    check(0x40, IccStatus::Active, CommandStatus::Failed);
}

#[test]
fn ccid_refuses_messages_of_the_wrong_length() {
    assert!(matches!(
        ccid::parse(&hex("80 02 00 00 00 00 02 00 00")),
        Err(CcidError::ShortHeader { .. })
    ));
    assert!(matches!(
        ccid::parse(&hex("80 02 00 00 00 00 02 00 00 00 90")),
        Err(CcidError::Length {
            needed: 12,
            have: 11,
            ..
        })
    ));
    assert!(matches!(
        ccid::parse(&hex("80 02 00 00 00 00 02 00 00 00 90 00 00")),
        Err(CcidError::Length {
            needed: 12,
            have: 13,
            ..
        })
    ));
}

#[test]
fn rcs300_pseudo_apdus_match_the_research() {
    fn check(built: Vec<u8>, expected: &str) {
        assert_eq!(built, hex(expected), "expected {expected}");
    }
    use rcs300::session;
    check(
        rcs300::manage_session(session::END_TRANSPARENT),
        "FF 50 00 00 02 82 00 00",
    );
    check(
        rcs300::manage_session(session::START_TRANSPARENT),
        "FF 50 00 00 02 81 00 00",
    );
    check(
        rcs300::manage_session(session::RF_OFF),
        "FF 50 00 00 02 83 00 00",
    );
    check(
        rcs300::manage_session(session::RF_ON),
        "FF 50 00 00 02 84 00 00",
    );
    check(
        rcs300::switch_protocol(0x03, 0x00),
        "FF 50 00 02 04 8F 02 03 00 00",
    );
    check(
        rcs300::switch_protocol(rcs300::protocol::TYPE_B, rcs300::protocol::LAYER_3),
        "FF 50 00 02 04 8F 02 01 03 00",
    );
    // xcx-pasorich's FeliCa polling: 100 ms = 100000 µs = A0 86 01 00, a 6-byte frame, Lc 0x0011.
    check(
        rcs300::transparent_exchange(100_000, &hex("06 00 FF FF 01 00")),
        "FF 50 00 01 00 00 11 5F 46 04 A0 86 01 00 95 82 00 06 06 00 FF FF 01 00 00 00 00",
    );
    // SENSB_REQ, 30 ms.
    check(
        rcs300::transparent_exchange(30_000, &hex("05 00 10")),
        "FF 50 00 01 00 00 0E 5F 46 04 30 75 00 00 95 82 00 03 05 00 10 00 00 00",
    );
    // In the escape header: 6B, dwLength 8 (LE), slot 00, seq, 00 00 00.
    check(
        rcs300::escape(1, &rcs300::manage_session(session::START_TRANSPARENT)),
        "6B 08 00 00 00 00 01 00 00 00 FF 50 00 00 02 81 00 00",
    );
}

#[test]
fn rcs300_responses() {
    // A card's answer: generic status OK, response status, 97 data, SW 90 00.
    let answer = hex("C0 03 00 90 00 96 02 00 00 97 02 50 AA 90 00");
    let response = rcs300::parse_response(&answer).expect("TLVs and a status word");
    assert_eq!(response.data, Some(&[0x50, 0xAA][..]));
    assert_eq!(response.response_status, Some(&[0x00, 0x00][..]));
    assert_eq!(response.sw, StatusWord::OK);
    assert!(response.ok());
    // No answer from the card: no 97, and the generic status names the failing object.
    let silent = hex("C0 03 01 64 01 90 00");
    let response = rcs300::parse_response(&silent).expect("TLVs and a status word");
    assert_eq!(response.data, None);
    assert!(!response.ok());
    // A refused pseudo-APDU.
    let only_sw = hex("6A 81");
    let refused = rcs300::parse_response(&only_sw).expect("only a status word");
    assert_eq!(refused.sw, StatusWord(0x6A, 0x81));
    assert!(!refused.ok());
    assert!(rcs300::parse_response(&hex("90")).is_err());
    assert!(rcs300::parse_response(&hex("97 05 01 90 00")).is_err());
}
