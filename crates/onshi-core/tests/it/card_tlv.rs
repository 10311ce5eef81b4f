//! BER-TLV (docs/card-reader.md §3 "TLV layouts"): the My Number card's private-class tags with
//! long-form lengths, and refusals that say where the bytes went wrong.

use onshi_core::card::tlv::{self, Tlv, TlvError};
use proptest::prelude::*;

use crate::card_support::hex;

/// The header length and total size a reader learns from a file's first bytes.
#[test]
fn header_and_total_from_the_first_bytes() {
    fn check(head: &str, expected: (usize, usize)) {
        assert_eq!(
            tlv::header_len_and_total(&hex(head)),
            Ok(expected),
            "for {head}"
        );
    }
    // readmynumber-plus reads `FF 20 82 hh ll` for 基本4情報: 5 header bytes, then hhll.
    check("FF 20 82 01 2C DF 21 08", (5, 5 + 0x012C));
    // myna's `partial_decode`: `ff 40 82 00 9f` is followed by 159 more bytes.
    check("ff 40 82 00 9f", (5, 5 + 159));
    // EF 0001: `FF 10 0C` and the 12 digits.
    check("FF 10 0C 31 32", (3, 15));
    // The certificate read in two steps: `30 82 LL LL` (card-reader.md §3, "auth cert read").
    check("30 82 04 1A 30 82 03", (4, 4 + 0x041A));
    // The CA certificate's outer tag of EF 0004.
    check("7F 21 82 01 00", (5, 5 + 256));
    check("5F 4E 81 80", (4, 4 + 128));
    check("DF 22 00", (3, 3));
    check("04 83 01 00 00", (5, 5 + 0x010000));
}

#[test]
fn the_basic_four_file_parses_into_its_children() {
    // 基本4情報 written by hand as card-reader.md §3 describes it: FF 20 with a long-form length, DF 21
    // header, DF 22 氏名 "山田" (UTF-8), DF 23 住所 "東京", DF 24 "19800101", DF 25 "2".
    let body = hex(concat!(
        "DF 21 08 00 0A 00 12 00 1A 00 25 ",
        "DF 22 06 E5 B1 B1 E7 94 B0 ",
        "DF 23 06 E6 9D B1 E4 BA AC ",
        "DF 24 08 31 39 38 30 30 31 30 31 ",
        "DF 25 01 32",
    ));
    // The `82` form even for a short body, as readmynumber-plus sees on real cards.
    let mut file = hex("FF 20 82 00");
    file.push(body.len() as u8);
    file.extend_from_slice(&body);
    // Padding after the TLV, as a fixed-size EF returns it.
    file.extend_from_slice(&[0xFF; 4]);

    let (outer, rest) = tlv::parse_one(&file).expect("the file is one TLV and padding");
    assert_eq!(outer.tag, 0xFF20);
    assert!(outer.constructed);
    assert_eq!(rest, &[0xFF; 4]);
    let children = outer.children().expect("the children are TLVs");
    let tags: Vec<u32> = children.iter().map(|c| c.tag).collect();
    assert_eq!(tags, [0xDF21, 0xDF22, 0xDF23, 0xDF24, 0xDF25]);
    assert!(children.iter().all(|c| !c.constructed));
    assert_eq!(std::str::from_utf8(children[1].value), Ok("山田"));
    assert_eq!(std::str::from_utf8(children[2].value), Ok("東京"));
    assert_eq!(children[3].value, b"19800101");
    assert_eq!(children[4].value, b"2");
}

#[test]
fn parse_one_reads_tags_lengths_and_the_constructed_bit() {
    fn check(input: &str, tag: u32, constructed: bool, value: &str, rest: &str) {
        let bytes = hex(input);
        let (value_bytes, rest_bytes) = (hex(value), hex(rest));
        let expected = Tlv {
            tag,
            constructed,
            value: &value_bytes,
        };
        assert_eq!(
            tlv::parse_one(&bytes),
            Ok((expected, &rest_bytes[..])),
            "for {input}"
        );
    }
    check(
        "FF 10 0C 31 32 33 34 35 36 37 38 39 30 31 32",
        0xFF10,
        true,
        "31 32 33 34 35 36 37 38 39 30 31 32",
        "",
    );
    check("DF 21 02 00 0A DF 22", 0xDF21, false, "00 0A", "DF 22");
    check("5F 4E 01 AA", 0x5F4E, false, "AA", "");
    check("7F 21 03 5F 37 00", 0x7F21, true, "5F 37 00", "");
    check("30 00", 0x30, true, "", "");
    check("04 81 01 AB", 0x04, false, "AB", "");
    check("97 02 50 AA 90 00", 0x97, false, "50 AA", "90 00");
    // Three tag bytes: the second has bit 8 set, so the tag goes on.
    check("DF 81 05 01 EE", 0xDF8105, false, "EE", "");
}

#[test]
fn refusals_say_where_and_why() {
    fn check(input: &str, expected: TlvError) {
        assert_eq!(
            tlv::parse_one(&hex(input)).map(|_| ()),
            Err(expected),
            "for {input}"
        );
    }
    let truncated = |offset, needed, available| TlvError::Truncated {
        offset,
        needed,
        available,
    };
    check("", truncated(0, 1, 0));
    check("DF", truncated(0, 2, 1));
    check("DF 21", truncated(0, 3, 2));
    check("FF 20 82 01", truncated(0, 5, 4));
    check("DF 21 05 01 02", truncated(3, 5, 2));
    check("FF 20 82 01 2C 00", truncated(5, 0x012C, 1));
    check(
        "FF 20 80 DF 21 00 00 00",
        TlvError::IndefiniteLength { offset: 2 },
    );
    check(
        "30 85 01 02 03 04 05",
        TlvError::LengthForm {
            offset: 1,
            byte: 0x85,
        },
    );
    check(
        "30 FF",
        TlvError::LengthForm {
            offset: 1,
            byte: 0xFF,
        },
    );
    check(
        "DF 81 82 83 04 01 00",
        TlvError::TagTooLong {
            offset: 0,
            bytes: hex("DF 81 82 83 04"),
        },
    );
    assert_eq!(
        tlv::header_len_and_total(&hex("FF 20 82")),
        Err(truncated(0, 5, 3))
    );
}

#[test]
fn parse_all_needs_whole_tlvs_and_reports_offsets_in_the_whole_input() {
    let ok = hex("DF 24 02 31 39 DF 25 01 32");
    let all = tlv::parse_all(&ok).expect("two whole TLVs");
    assert_eq!(all.len(), 2);
    assert_eq!((all[1].tag, all[1].value), (0xDF25, &b"2"[..]));
    assert_eq!(tlv::parse_all(&[]), Ok(vec![]));
    assert_eq!(
        tlv::parse_all(&hex("DF 24 02 31 39 DF 25 03 32")),
        Err(TlvError::Truncated {
            offset: 8,
            needed: 3,
            available: 1
        })
    );
    assert_eq!(
        tlv::parse_all(&hex("DF 24 00 DF 25 80")),
        Err(TlvError::IndefiniteLength { offset: 5 })
    );
}

#[test]
fn encode_uses_the_shortest_length() {
    fn check(tag: u32, value_len: usize, expected_head: &str) {
        let value = vec![0xAB; value_len];
        let bytes = tlv::encode(tag, &value);
        let head = hex(expected_head);
        assert_eq!(
            &bytes[..head.len()],
            &head[..],
            "tag {tag:X}, {value_len} bytes"
        );
        assert_eq!(&bytes[head.len()..], &value[..]);
    }
    check(0xDF22, 0, "DF 22 00");
    check(0xDF22, 3, "DF 22 03");
    check(0xFF10, 12, "FF 10 0C");
    check(0x97, 0x7F, "97 7F");
    check(0x97, 0x80, "97 81 80");
    check(0x97, 0xFF, "97 81 FF");
    check(0xFF20, 0x012C, "FF 20 82 01 2C");
    check(0xFF40, 0x9F, "FF 40 81 9F");
    check(0x5F46, 4, "5F 46 04");
    check(0x30, 0x01_1170, "30 83 01 11 70");
    check(0, 1, "00 01");
}

proptest! {
    /// Whatever is encoded parses back to itself, and its header tells its size.
    #[test]
    fn encode_then_parse_is_the_identity(
        tag in prop_oneof![
            (0x00u32..=0x1E).prop_map(|n| 0xC0 | n),
            (0x1Fu32..=0x7F).prop_map(|n| 0xDF00 | n),
            (1u32..=0x7F, 0u32..=0x7F).prop_map(|(a, b)| 0x5F_0000 | (0x80 | a) << 8 | b),
        ],
        value in proptest::collection::vec(any::<u8>(), 0..600),
        trailer in proptest::collection::vec(any::<u8>(), 0..4),
    ) {
        let mut bytes = tlv::encode(tag, &value);
        let whole = bytes.len();
        prop_assert_eq!(tlv::header_len_and_total(&bytes).map(|(_, total)| total), Ok(whole));
        bytes.extend_from_slice(&trailer);
        let (parsed, rest) = tlv::parse_one(&bytes).expect("an encoded TLV parses");
        prop_assert_eq!(parsed.tag, tag);
        prop_assert_eq!(parsed.value, &value[..]);
        prop_assert_eq!(rest, &trailer[..]);
    }
}
