//! The drivers (`Rcs380`, `Rcs300`, `Ccid`, through `driver`) against the virtual readers, and against
//! scripted pipes whose bytes are written by hand from docs/card-reader.md. Every virtual-reader
//! test also checks that the device saw nothing it would refuse.

use std::cell::RefCell;
use std::rc::Rc;

use onshi_core::canned::people::person;
use onshi_core::card::apdu::{CommandApdu, ResponseApdu, StatusWord};
use onshi_core::card::iso14443b::MAX_RETRIES;
use onshi_core::card::mynumber;
use onshi_core::card::reader::{
    AnyReader, CardLink, Ccid, LinkError, PipeError, Rcs300, Rcs380, ReaderModel, driver,
};
use onshi_core::card::testpki;
use onshi_core::card::virtual_card::{Iso7816Card, VirtualCard, VirtualCardData};
use onshi_core::card::virtual_reader::{
    Shared, TypeBOptions, VirtualCcid, VirtualDevice, VirtualRcs300, VirtualRcs380,
};

use crate::card_support::{CardLog, Io, ScriptPipe, TestCard, block_on, hex};

/// What the tests need of each virtual reader, so every scenario runs on all three.
pub trait Rig: VirtualDevice + Sized + 'static {
    const MODEL: ReaderModel;
    fn create() -> Self;
    fn put(&mut self, card: Box<dyn Iso7816Card>);
    fn take(&mut self) -> Option<Box<dyn Iso7816Card>>;
    fn card_present(&self) -> bool;
    fn pull_plug(&mut self);
    fn packet_limit(&mut self, bytes: usize);
    fn complaints(&self) -> Vec<String>;
    /// The card leaves after answering `n` more exchanges (blocks or XfrBlocks).
    fn leave_after(&mut self, n: usize);
    /// The RF frames the reader sent (none for CCID, whose reader keeps them to itself).
    fn air(&self) -> Vec<Vec<u8>>;
}

/// One `Rig` per virtual reader; they differ only in how the card is told to leave and whether the
/// test can see the RF frames.
macro_rules! rig {
    ($device:ty, $model:expr, leave = $leave:ident, air = |$me:ident| $air:expr) => {
        impl Rig for $device {
            const MODEL: ReaderModel = $model;
            fn create() -> Self {
                <$device>::new()
            }
            fn put(&mut self, card: Box<dyn Iso7816Card>) {
                self.place(card)
            }
            fn take(&mut self) -> Option<Box<dyn Iso7816Card>> {
                self.remove()
            }
            fn card_present(&self) -> bool {
                self.has_card()
            }
            fn pull_plug(&mut self) {
                self.unplug()
            }
            fn packet_limit(&mut self, bytes: usize) {
                self.set_packet_limit(bytes)
            }
            fn complaints(&self) -> Vec<String> {
                self.violations().to_vec()
            }
            fn leave_after(&mut self, n: usize) {
                self.$leave(n)
            }
            fn air(&self) -> Vec<Vec<u8>> {
                let $me = self;
                $air
            }
        }
    };
}
rig!(
    VirtualRcs380,
    ReaderModel::Rcs380,
    leave = remove_after_blocks,
    air = |me| me.rf_frames().to_vec()
);
rig!(
    VirtualRcs300,
    ReaderModel::Rcs300,
    leave = remove_after_blocks,
    air = |me| me.rf_frames().to_vec()
);
rig!(
    VirtualCcid,
    ReaderModel::Ccid,
    leave = remove_after_commands,
    air = |_me| Vec::new()
);

/// A virtual reader with a test card on it, and an opened driver for it.
fn rig_with_card<D: Rig>() -> (Shared<D>, AnyReader<Shared<D>>, Rc<RefCell<CardLog>>) {
    let device = Shared::new(D::create());
    let (card, log) = TestCard::boxed();
    device.with(|d| d.put(card));
    let mut reader = driver(D::MODEL, device.clone());
    block_on(reader.open()).expect("the reader opens");
    (device, reader, log)
}

fn no_complaints<D: Rig>(device: &Shared<D>) {
    assert_eq!(device.with(|d| d.complaints()), Vec::<String>::new());
}

fn select_jpki() -> CommandApdu {
    CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(hex("D3 92 F0 00 26 01 00 00 00 01"))
}

/// READ BINARY of 256 bytes from offset `p2`: 258 bytes back, more than one 256-byte frame.
fn read_256(p2: u8) -> CommandApdu {
    CommandApdu::new(0x00, 0xB0, 0x00, p2).with_le(0)
}

fn counting_from(start: u8, len: usize) -> Vec<u8> {
    (0..len).map(|i| start.wrapping_add(i as u8)).collect()
}

fn reads_a_card<D: Rig>() {
    let (device, mut reader, log) = rig_with_card::<D>();
    assert_eq!(block_on(reader.activate()), Ok(true));
    assert_eq!(
        block_on(reader.transmit(&select_jpki())),
        Ok(ResponseApdu {
            data: vec![],
            sw: StatusWord::OK
        })
    );
    let long = block_on(reader.transmit(&read_256(7))).expect("a long response");
    assert_eq!(long.data, counting_from(7, 256));
    assert!(long.sw.is_ok());
    let echo = CommandApdu::new(0x80, 0xEC, 0, 0).with_data(counting_from(0, 200));
    let answer = block_on(reader.transmit(&echo)).expect("an echo");
    assert_eq!(answer.data, counting_from(0, 200));
    // The card saw exactly the three APDUs, whole.
    assert_eq!(
        log.borrow().commands,
        [
            select_jpki().encode().expect("short"),
            read_256(7).encode().expect("short"),
            echo.encode().expect("short"),
        ]
    );
    block_on(reader.close()).expect("the reader closes");
    assert!(
        log.borrow().power_offs >= 1,
        "closing switches the card off"
    );
    no_complaints(&device);
}

fn waits_for_a_card<D: Rig>() {
    let device = Shared::new(D::create());
    let mut reader = driver(D::MODEL, device.clone());
    block_on(reader.open()).expect("the reader opens");
    for _ in 0..3 {
        assert_eq!(block_on(reader.activate()), Ok(false));
    }
    assert_eq!(
        block_on(reader.transmit(&select_jpki())),
        Err(LinkError::NoCard)
    );
    let (card, log) = TestCard::boxed();
    device.with(|d| d.put(card));
    assert_eq!(block_on(reader.activate()), Ok(true));
    assert!(block_on(reader.transmit(&select_jpki())).is_ok());
    assert_eq!(log.borrow().commands.len(), 1);
    no_complaints(&device);
}

fn notices_a_removed_card<D: Rig>() {
    let (device, mut reader, log) = rig_with_card::<D>();
    assert_eq!(block_on(reader.activate()), Ok(true));
    assert!(block_on(reader.transmit(&select_jpki())).is_ok());
    let card = device.with(|d| d.take());
    assert!(card.is_some());
    assert!(!device.with(|d| d.card_present()));
    assert_eq!(
        log.borrow().power_offs,
        1,
        "taking the card off cuts its power"
    );
    assert_eq!(
        block_on(reader.transmit(&select_jpki())),
        Err(LinkError::CardRemoved)
    );
    // After that the driver wants a new activation.
    assert_eq!(
        block_on(reader.transmit(&select_jpki())),
        Err(LinkError::NoCard)
    );
    assert_eq!(block_on(reader.activate()), Ok(false));
    no_complaints(&device);
}

fn notices_a_card_leaving_mid_exchange<D: Rig>() {
    let (device, mut reader, log) = rig_with_card::<D>();
    assert_eq!(block_on(reader.activate()), Ok(true));
    // The card answers the first block of a chained response, then leaves (CCID: the first command).
    device.with(|d| d.leave_after(1));
    let first = block_on(reader.transmit(&read_256(0)));
    if D::MODEL == ReaderModel::Ccid {
        assert!(first.is_ok());
        assert_eq!(
            block_on(reader.transmit(&read_256(0))),
            Err(LinkError::CardRemoved)
        );
    } else {
        assert_eq!(first, Err(LinkError::CardRemoved));
    }
    assert!(!device.with(|d| d.card_present()));
    assert_eq!(log.borrow().power_offs, 1);
    // The card is still the test's to take back.
    assert!(device.with(|d| d.take()).is_some());
    no_complaints(&device);
}

fn reports_an_unplugged_reader<D: Rig>() {
    let (device, mut reader, _log) = rig_with_card::<D>();
    assert_eq!(block_on(reader.activate()), Ok(true));
    device.with(|d| d.pull_plug());
    let disconnected = Err(LinkError::Pipe(PipeError::Disconnected));
    assert_eq!(block_on(reader.transmit(&select_jpki())), disconnected);
    assert_eq!(
        block_on(reader.activate()),
        Err(LinkError::Pipe(PipeError::Disconnected))
    );
    assert_eq!(
        block_on(reader.open()),
        Err(LinkError::Pipe(PipeError::Disconnected))
    );
    assert_eq!(
        block_on(reader.close()),
        Err(LinkError::Pipe(PipeError::Disconnected))
    );
    no_complaints(&device);
}

fn reassembles_answers_split_into_packets<D: Rig>() {
    let (device, mut reader, _log) = rig_with_card::<D>();
    device.with(|d| d.packet_limit(64));
    assert_eq!(block_on(reader.activate()), Ok(true));
    let long = block_on(reader.transmit(&read_256(0))).expect("a long response");
    assert_eq!(long.data, counting_from(0, 256));
    no_complaints(&device);
}

/// The scenarios every reader must pass, one test per reader each (named `<scenario>::<reader>`).
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
    reads_a_card,
    waits_for_a_card,
    notices_a_removed_card,
    notices_a_card_leaving_mid_exchange,
    reports_an_unplugged_reader,
    reassembles_answers_split_into_packets,
);

/// An RC-S380 or RC-S300 whose card has these options.
fn type_b_rig<D: Rig>(
    options: TypeBOptions,
    set: fn(&mut D, TypeBOptions),
) -> (Shared<D>, AnyReader<Shared<D>>, Rc<RefCell<CardLog>>) {
    let (device, mut reader, log) = rig_with_card::<D>();
    device.with(|d| set(d, options));
    assert_eq!(block_on(reader.activate()), Ok(true));
    (device, reader, log)
}

/// The PCBs of the ISO-DEP blocks the reader sent (frames after SENSB_REQ and ATTRIB).
fn pcbs(frames: &[Vec<u8>]) -> Vec<u8> {
    frames
        .iter()
        .filter(|f| !matches!(f.first(), Some(0x05 | 0x1D)))
        .filter_map(|f| f.first().copied())
        .collect()
}

#[test]
fn rcs380_chains_commands_and_responses_for_a_card_with_small_frames() {
    let options = TypeBOptions {
        max_frame_code: 0,
        response_inf_max: Some(10),
        ..TypeBOptions::default()
    };
    let (device, mut reader, log) =
        type_b_rig::<VirtualRcs380>(options, VirtualRcs380::set_card_options);
    let echo = CommandApdu::new(0x80, 0xEC, 0, 0).with_data(counting_from(0x40, 30));
    let answer = block_on(reader.transmit(&echo)).expect("an echo");
    assert_eq!(answer.data, counting_from(0x40, 30));
    assert_eq!(log.borrow().commands, [echo.encode().expect("short")]);
    // 36 command bytes in 13-byte blocks (FSC 16): two chained I-blocks and a last one; then the
    // 32-byte response in 10-byte parts, each acknowledged with R(ACK).
    assert_eq!(
        pcbs(device.with(|d| d.rf_frames().to_vec()).as_slice()),
        [0x12, 0x13, 0x02, 0xA3, 0xA2, 0xA3]
    );
    no_complaints(&device);
}

#[test]
fn rcs300_chains_commands_and_responses_for_a_card_with_small_frames() {
    let options = TypeBOptions {
        max_frame_code: 2,
        response_inf_max: Some(100),
        ..TypeBOptions::default()
    };
    let (device, mut reader, _log) =
        type_b_rig::<VirtualRcs300>(options, VirtualRcs300::set_card_options);
    let echo = CommandApdu::new(0x80, 0xEC, 0, 0).with_data(counting_from(0, 60));
    assert_eq!(
        block_on(reader.transmit(&echo)).map(|r| r.data),
        Ok(counting_from(0, 60))
    );
    let long = block_on(reader.transmit(&read_256(1))).expect("a long response");
    assert_eq!(long.data, counting_from(1, 256));
    no_complaints(&device);
}

fn answers_waiting_time_extensions<D: Rig>(set: fn(&mut D, TypeBOptions)) {
    let options = TypeBOptions {
        wtx_requests: 2,
        wtxm: 7,
        ..TypeBOptions::default()
    };
    let (device, mut reader, log) = type_b_rig::<D>(options, set);
    let long = block_on(reader.transmit(&read_256(3))).expect("an answer after two S(WTX)");
    assert_eq!(long.data, counting_from(3, 256));
    assert!(block_on(reader.transmit(&select_jpki())).is_ok());
    assert_eq!(log.borrow().commands.len(), 2);
    let frames = device.with(|d| d.air());
    let wtx_answers = frames.iter().filter(|f| f[..] == [0xF2, 0x07]).count();
    assert_eq!(wtx_answers, 4, "two S(WTX) answers per APDU");
    no_complaints(&device);
}

#[test]
fn rcs380_answers_waiting_time_extensions() {
    answers_waiting_time_extensions::<VirtualRcs380>(VirtualRcs380::set_card_options);
}
#[test]
fn rcs300_answers_waiting_time_extensions() {
    answers_waiting_time_extensions::<VirtualRcs300>(VirtualRcs300::set_card_options);
}

#[test]
fn ccid_and_rcs300_read_on_past_time_extensions() {
    let (device, mut reader, _log) = rig_with_card::<VirtualCcid>();
    device.with(|d| d.set_time_extensions(3));
    assert_eq!(block_on(reader.activate()), Ok(true));
    let long = block_on(reader.transmit(&read_256(9))).expect("an answer after time extensions");
    assert_eq!(long.data, counting_from(9, 256));
    no_complaints(&device);

    let (device, mut reader, _log) = rig_with_card::<VirtualRcs300>();
    device.with(|d| d.set_time_extensions(2));
    assert_eq!(block_on(reader.activate()), Ok(true));
    assert!(block_on(reader.transmit(&select_jpki())).is_ok());
    no_complaints(&device);
}

#[test]
fn the_pupi_changes_with_each_activation() {
    let (device, mut reader, _log) = rig_with_card::<VirtualRcs380>();
    assert_eq!(block_on(reader.activate()), Ok(true));
    assert_eq!(block_on(reader.activate()), Ok(true));
    let frames = device.with(|d| d.rf_frames().to_vec());
    let attribs: Vec<&Vec<u8>> = frames.iter().filter(|f| f.first() == Some(&0x1D)).collect();
    assert_eq!(attribs.len(), 2);
    assert_ne!(attribs[0][1..5], attribs[1][1..5]);
    for attrib in attribs {
        assert_eq!(attrib[5..], hex("00 08 01 00")[..]);
    }
    // SENSB_REQ went out as card-reader.md §2.1 writes it.
    assert!(frames.iter().any(|f| f[..] == hex("05 00 10")[..]));
    no_complaints(&device);
}

#[test]
fn a_second_activation_resets_the_card() {
    let (device, mut reader, log) = rig_with_card::<VirtualRcs380>();
    assert_eq!(block_on(reader.activate()), Ok(true));
    assert!(block_on(reader.transmit(&select_jpki())).is_ok());
    assert_eq!(block_on(reader.activate()), Ok(true));
    assert_eq!(
        log.borrow().power_offs,
        1,
        "the field went off between the activations"
    );
    assert!(block_on(reader.transmit(&select_jpki())).is_ok());
    no_complaints(&device);
}

#[test]
fn the_driver_for_each_model() {
    let device = Shared::new(VirtualRcs380::new());
    assert!(matches!(
        driver(ReaderModel::Rcs380, device.clone()),
        AnyReader::Rcs380(_)
    ));
    assert!(matches!(
        driver(ReaderModel::Rcs300, device.clone()),
        AnyReader::Rcs300(_)
    ));
    assert!(matches!(
        driver(ReaderModel::Ccid, device.clone()),
        AnyReader::Ccid(_)
    ));
    for model in [ReaderModel::Rcs380, ReaderModel::Rcs300, ReaderModel::Ccid] {
        assert_eq!(driver(model, device.clone()).model(), model);
    }
}

#[test]
fn a_driver_for_the_wrong_reader_fails_with_a_protocol_error() {
    // An RC-S300 is not a Port-100 device (nfcpy #240: "expected ack"): the CCID-framed device
    // ignores Port-100 bytes, so the driver hears nothing.
    let device = Shared::new(VirtualRcs300::new());
    let mut reader = Rcs380::new(device.clone());
    assert!(matches!(
        block_on(reader.open()),
        Err(LinkError::Pipe(PipeError::Timeout(_)))
    ));
    assert!(!device.with(|d| d.violations().is_empty()));
    // A Port-100 device answers CCID bytes with the error frame.
    let device = Shared::new(VirtualRcs380::new());
    let mut reader = Ccid::new(device.clone());
    assert!(matches!(
        block_on(reader.open()),
        Err(LinkError::Protocol { .. })
    ));
}

// Scripted conversations: the driver's bytes must be exactly these, written from the research.

fn ack() -> Io {
    Io::In(hex("00 00 FF 00 FF 00"))
}

#[test]
fn rcs380_opens_and_closes_with_the_researched_frames() {
    let script = vec![
        // nfcpy and aruneko: ACK first (soft reset); nothing left over to drain.
        Io::Out(hex("00 00 FF 00 FF 00")),
        Io::Silence,
        Io::Out(hex("00 00 FF FF FF 03 00 FD D6 2A 01 FF 00")),
        ack(),
        Io::In(hex("00 00 FF FF FF 03 00 FD D7 2B 00 FE 00")),
        Io::Out(hex("00 00 FF FF FF 03 00 FD D6 06 00 24 00")),
        ack(),
        Io::In(hex("00 00 FF FF FF 03 00 FD D7 07 00 22 00")),
        // close: SwitchRF off, then ACK.
        Io::Out(hex("00 00 FF FF FF 03 00 FD D6 06 00 24 00")),
        ack(),
        Io::In(hex("00 00 FF FF FF 03 00 FD D7 07 00 22 00")),
        Io::Out(hex("00 00 FF 00 FF 00")),
    ];
    let mut reader = Rcs380::new(ScriptPipe::new(script));
    assert_eq!(block_on(reader.open()), Ok(()));
    assert_eq!(block_on(reader.close()), Ok(()));
}

/// The Type B set-up commands and their answers (InSetRF, InSetProtocol ×2).
fn rcs380_type_b_settings() -> Vec<Io> {
    vec![
        Io::Out(hex("00 00 FF FF FF 06 00 FA D6 00 03 07 0F 07 0A 00")),
        ack(),
        Io::In(hex("00 00 FF FF FF 03 00 FD D7 01 00 28 00")),
        Io::Out(hex(concat!(
            "00 00 FF FF FF 28 00 D8 D6 02 00 18 01 01 02 01 03 00 04 00 05 00 06 00 07 08 ",
            "08 00 09 00 0A 00 0B 00 0C 00 0E 04 0F 00 10 00 11 00 12 00 13 06 4B 00"
        ))),
        ack(),
        Io::In(hex("00 00 FF FF FF 03 00 FD D7 03 00 26 00")),
        Io::Out(hex(
            "00 00 FF FF FF 0C 00 F4 D6 02 0B 01 09 01 0C 01 0A 01 00 14 E6 00",
        )),
        ack(),
        Io::In(hex("00 00 FF FF FF 03 00 FD D7 03 00 26 00")),
    ]
}

fn rcs380_switch_rf_off() -> Vec<Io> {
    vec![
        Io::Out(hex("00 00 FF FF FF 03 00 FD D6 06 00 24 00")),
        ack(),
        Io::In(hex("00 00 FF FF FF 03 00 FD D7 07 00 22 00")),
    ]
}

#[test]
fn rcs380_polls_with_the_researched_frames_and_sees_no_card() {
    let mut script = rcs380_switch_rf_off();
    script.extend(rcs380_type_b_settings());
    script.extend([
        // InCommRF, 30 ms, SENSB_REQ; the answer: error word 0x80 (receive timeout).
        Io::Out(hex("00 00 FF FF FF 07 00 F9 D6 04 36 01 05 00 10 DA 00")),
        ack(),
        Io::In(hex("00 00 FF FF FF 07 00 F9 D7 05 80 00 00 00 00 A4 00")),
    ]);
    let pipe = ScriptPipe::new(script);
    let mut reader = Rcs380::new(pipe.clone());
    assert_eq!(block_on(reader.activate()), Ok(false));
    assert!(pipe.finished());
}

#[test]
fn rcs380_activates_a_card_and_exchanges_an_i_block() {
    let mut script = rcs380_switch_rf_off();
    script.extend(rcs380_type_b_settings());
    script.extend([
        Io::Out(hex("00 00 FF FF FF 07 00 F9 D6 04 36 01 05 00 10 DA 00")),
        ack(),
        // ATQB 50 4D 4E 00 01 … FSC 256, FWI 8.
        Io::In(hex(
            "00 00 FF FF FF 13 00 ED D7 05 00 00 00 00 00 50 4D 4E 00 01 00 00 00 00 00 81 80 37 00",
        )),
    ]);
    // aruneko sends the settings again before ATTRIB.
    script.extend(rcs380_type_b_settings());
    script.extend([
        // ATTRIB 1D 4D 4E 00 01 00 08 01 00; FWT(8) = 80954 µs → 81 ms → timeout (81+1)×10 = 820
        // = 0x0334. LEN 13, LCS F3, DCS = -(D6+04+34+03+1D+4D+4E+01+08+01) = 2D.
        Io::Out(hex(
            "00 00 FF FF FF 0D 00 F3 D6 04 34 03 1D 4D 4E 00 01 00 08 01 00 2D 00",
        )),
        ack(),
        // Answer 00 (MBLI 0, CID 0): D7 05 00000000 00 00, DCS = -(D7+05) = 24.
        Io::In(hex("00 00 FF FF FF 08 00 F8 D7 05 00 00 00 00 00 00 24 00")),
        // I-block 02 + SELECT JPKI (card-reader.md §3): D6 04, the timeout, PCB and 15 APDU bytes = LEN
        // 0x14, LCS EC.
        Io::Out(hex(concat!(
            "00 00 FF FF FF 14 00 EC D6 04 34 03 02 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01 ",
            "B2 00"
        ))),
        ack(),
        // The card's I-block 02 90 00: D7 05 00000000 00 02 90 00, DCS = -(D7+05+02+90) = 92.
        Io::In(hex(
            "00 00 FF FF FF 0A 00 F6 D7 05 00 00 00 00 00 02 90 00 92 00",
        )),
    ]);
    let pipe = ScriptPipe::new(script);
    let mut reader = Rcs380::new(pipe.clone());
    assert_eq!(block_on(reader.activate()), Ok(true));
    assert_eq!(
        block_on(reader.transmit(&select_jpki())),
        Ok(ResponseApdu {
            data: vec![],
            sw: StatusWord::OK
        })
    );
    assert!(pipe.finished());
}

#[test]
fn rcs380_refuses_error_frames_and_bad_checksums() {
    fn open_with(answer: Vec<Io>) -> Result<(), LinkError> {
        let mut script = vec![
            Io::Out(hex("00 00 FF 00 FF 00")),
            Io::Silence,
            Io::Out(hex("00 00 FF FF FF 03 00 FD D6 2A 01 FF 00")),
        ];
        script.extend(answer);
        block_on(Rcs380::new(ScriptPipe::new(script)).open())
    }
    let protocol = |r: Result<(), LinkError>| matches!(r, Err(LinkError::Protocol { .. }));
    // The error frame instead of data.
    assert!(protocol(open_with(vec![
        ack(),
        Io::In(hex("00 00 FF FF FF"))
    ])));
    // No ACK first.
    assert!(protocol(open_with(vec![Io::In(hex(
        "00 00 FF FF FF 03 00 FD D7 2B 00 FE 00"
    ))])));
    // A damaged DCS.
    assert!(protocol(open_with(vec![
        ack(),
        Io::In(hex("00 00 FF FF FF 03 00 FD D7 2B 00 FF 00"))
    ])));
    // An answer to another command.
    assert!(protocol(open_with(vec![
        ack(),
        Io::In(hex("00 00 FF FF FF 03 00 FD D7 07 00 22 00"))
    ])));
    // A failed status (07: command type error).
    assert!(protocol(open_with(vec![
        ack(),
        Io::In(hex("00 00 FF FF FF 03 00 FD D7 2B 07 F7 00"))
    ])));
    // Silence after the ACK.
    assert!(matches!(
        open_with(vec![ack(), Io::Silence]),
        Err(LinkError::Pipe(PipeError::Timeout(_)))
    ));
}

#[test]
fn rcs300_opens_with_the_researched_escapes() {
    let ok = "C0 03 00 90 00 90 00";
    let reply = |seq: u8| {
        let mut bytes = hex("83 07 00 00 00 00");
        bytes.push(seq);
        bytes.extend(hex("00 00 00"));
        bytes.extend(hex(ok));
        Io::In(bytes)
    };
    let script = vec![
        Io::Out(hex("6B 08 00 00 00 00 01 00 00 00 FF 50 00 00 02 82 00 00")),
        reply(1),
        Io::Out(hex("6B 08 00 00 00 00 02 00 00 00 FF 50 00 00 02 81 00 00")),
        reply(2),
        Io::Out(hex("6B 08 00 00 00 00 03 00 00 00 FF 50 00 00 02 83 00 00")),
        reply(3),
        // activate: RF off, RF on, Type B layer 3, SENSB_REQ for 30 ms with no answer.
        Io::Out(hex("6B 08 00 00 00 00 04 00 00 00 FF 50 00 00 02 83 00 00")),
        reply(4),
        Io::Out(hex("6B 08 00 00 00 00 05 00 00 00 FF 50 00 00 02 84 00 00")),
        reply(5),
        Io::Out(hex(
            "6B 0A 00 00 00 00 06 00 00 00 FF 50 00 02 04 8F 02 01 03 00",
        )),
        reply(6),
        Io::Out(hex(concat!(
            "6B 18 00 00 00 00 07 00 00 00 ",
            "FF 50 00 01 00 00 0E 5F 46 04 30 75 00 00 95 82 00 03 05 00 10 00 00 00"
        ))),
        Io::In(hex("83 07 00 00 00 00 07 00 00 00 C0 03 01 64 01 90 00")),
    ];
    let pipe = ScriptPipe::new(script);
    let mut reader = Rcs300::new(pipe.clone());
    assert_eq!(block_on(reader.open()), Ok(()));
    assert_eq!(block_on(reader.activate()), Ok(false));
    assert!(pipe.finished());
}

#[test]
fn ccid_exchanges_select_jpki_as_the_research_writes_it() {
    let script = vec![
        Io::Out(hex("65 00 00 00 00 00 01 00 00 00")),
        Io::In(hex("81 00 00 00 00 00 01 01 00 00")),
        // No card yet: bStatus 0x42, bError FE.
        Io::Out(hex("62 00 00 00 00 00 02 00 00 00")),
        Io::In(hex("80 00 00 00 00 00 02 42 FE 00")),
        Io::Out(hex("62 00 00 00 00 00 03 00 00 00")),
        Io::In(hex(
            "80 09 00 00 00 00 03 00 00 00 3B E0 00 FF 81 31 FE 45 14",
        )),
        Io::Out(hex(
            "6F 0F 00 00 00 00 04 00 00 00 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01",
        )),
        // A time extension first (bStatus 0x80), then the answer with the same bSeq.
        Io::In(hex("80 00 00 00 00 00 04 80 01 00")),
        Io::In(hex("80 02 00 00 00 00 04 00 00 00 90 00")),
        Io::Out(hex("63 00 00 00 00 00 05 00 00 00")),
        Io::In(hex("81 00 00 00 00 00 05 01 00 00")),
    ];
    let pipe = ScriptPipe::new(script);
    let mut reader = Ccid::new(pipe.clone());
    assert_eq!(block_on(reader.open()), Ok(()));
    assert_eq!(block_on(reader.activate()), Ok(false));
    assert_eq!(block_on(reader.activate()), Ok(true));
    assert_eq!(
        block_on(reader.transmit(&select_jpki())),
        Ok(ResponseApdu {
            data: vec![],
            sw: StatusWord::OK
        })
    );
    assert_eq!(block_on(reader.close()), Ok(()));
    assert!(pipe.finished());
}

#[test]
fn ccid_refuses_a_reply_to_another_command() {
    let script = vec![
        Io::Out(hex("65 00 00 00 00 00 01 00 00 00")),
        Io::In(hex("81 00 00 00 00 00 09 01 00 00")),
    ];
    assert!(matches!(
        block_on(Ccid::new(ScriptPipe::new(script)).open()),
        Err(LinkError::Protocol { .. })
    ));
}

#[test]
fn ccid_reports_a_card_gone_mute_mid_exchange() {
    let script = vec![
        Io::Out(hex("62 00 00 00 00 00 01 00 00 00")),
        Io::In(hex(
            "80 09 00 00 00 00 01 00 00 00 3B E0 00 FF 81 31 FE 45 14",
        )),
        Io::Out(hex(
            "6F 0F 00 00 00 00 02 00 00 00 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01",
        )),
        Io::In(hex("80 00 00 00 00 00 02 42 FE 00")),
    ];
    let mut reader = Ccid::new(ScriptPipe::new(script));
    assert_eq!(block_on(reader.activate()), Ok(true));
    assert_eq!(
        block_on(reader.transmit(&select_jpki())),
        Err(LinkError::CardRemoved)
    );
    assert_eq!(
        block_on(reader.transmit(&select_jpki())),
        Err(LinkError::NoCard)
    );
}

#[test]
fn a_card_that_never_answers_is_given_up_after_the_retries() {
    // Over the RC-S380: the I-block and MAX_RETRIES R(NAK)s all time out.
    let (device, mut reader, _log) = rig_with_card::<VirtualRcs380>();
    assert_eq!(block_on(reader.activate()), Ok(true));
    device.with(|d| d.remove_after_blocks(0));
    assert_eq!(
        block_on(reader.transmit(&select_jpki())),
        Err(LinkError::CardRemoved)
    );
    // The I-block, then MAX_RETRIES R(NAK)s, each met with silence.
    let frames = device.with(|d| d.rf_frames().to_vec());
    let tail: Vec<u8> = frames[frames.len() - usize::from(MAX_RETRIES) - 1..]
        .iter()
        .map(|f| f[0])
        .collect();
    let mut expected = vec![0x02];
    expected.resize(usize::from(MAX_RETRIES) + 1, 0xB2);
    assert_eq!(tail, expected);
    no_complaints(&device);
}

// A real virtual My Number card (Part B's `VirtualCard`) through each virtual reader and driver.

/// A command APDU from the research's bytes (short form, case 2 to 4 as the length byte says).
fn apdu(text: &str) -> CommandApdu {
    let bytes = hex(text);
    let (header, body) = bytes.split_at(4);
    let command = CommandApdu::new(header[0], header[1], header[2], header[3]);
    match body {
        [] => command,
        [le] => command.with_le(*le),
        [lc, rest @ ..] if rest.len() == usize::from(*lc) => command.with_data(rest.to_vec()),
        [lc, rest @ .., le] if rest.len() == usize::from(*lc) => {
            command.with_data(rest.to_vec()).with_le(*le)
        }
        _ => panic!("not a short APDU: {text}"),
    }
}

fn reads_the_jpki_token_of_a_virtual_my_number_card<D: Rig>(tune: fn(&mut D)) {
    let taro = person("shinbashi-taro").expect("a canned person");
    let data = VirtualCardData::for_person(&taro).expect("新橋 太郎 has a test card");
    let device = Shared::new(D::create());
    device.with(|d| {
        d.put(Box::new(VirtualCard::new(data)));
        tune(d);
    });
    let mut reader = driver(D::MODEL, device.clone());
    block_on(reader.open()).expect("the reader opens");
    assert_eq!(block_on(reader.activate()), Ok(true));

    // card-reader.md §3: SELECT the JPKI AP, SELECT EF 0006, READ BINARY its 32 bytes.
    let mut ok = |text: &str| {
        let response = block_on(reader.transmit(&apdu(text))).expect("the card answers");
        assert_eq!(response.sw, StatusWord::OK, "for {text}");
        response.data
    };
    assert_eq!(
        ok("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"),
        Vec::<u8>::new()
    );
    assert_eq!(ok("00 A4 02 0C 02 00 06"), Vec::<u8>::new());
    let token = ok("00 B0 00 00 20");
    assert!(token.starts_with(b"JPKIAPICCTOKEN2"), "{token:02X?}");

    // The certificate is long: a dozen READ BINARYs of up to 256 bytes, each chained over the air.
    block_on(mynumber::check_card(&mut reader)).expect("a My Number card");
    let certificate =
        block_on(mynumber::read_auth_certificate(&mut reader)).expect("the certificate");
    assert_eq!(
        Some(certificate.as_slice()),
        testpki::card("shinbashi-taro").map(|c| c.certificate)
    );
    block_on(reader.close()).expect("the reader closes");
    no_complaints(&device);
}

#[test]
fn rcs380_reads_the_jpki_token_of_a_virtual_my_number_card() {
    reads_the_jpki_token_of_a_virtual_my_number_card::<VirtualRcs380>(|_| {});
}
#[test]
fn rcs300_reads_the_jpki_token_of_a_virtual_my_number_card() {
    reads_the_jpki_token_of_a_virtual_my_number_card::<VirtualRcs300>(|_| {});
}
#[test]
fn ccid_reads_the_jpki_token_of_a_virtual_my_number_card() {
    reads_the_jpki_token_of_a_virtual_my_number_card::<VirtualCcid>(|d| d.set_time_extensions(1));
}
#[test]
fn rcs380_reads_a_virtual_my_number_card_with_small_frames_and_wtx() {
    reads_the_jpki_token_of_a_virtual_my_number_card::<VirtualRcs380>(|d| {
        d.set_card_options(TypeBOptions {
            max_frame_code: 1,
            response_inf_max: Some(40),
            wtx_requests: 1,
            wtxm: 3,
            ..TypeBOptions::default()
        });
        d.set_packet_limit(64);
    });
}
#[test]
fn rcs300_reads_a_virtual_my_number_card_with_small_frames_and_wtx() {
    reads_the_jpki_token_of_a_virtual_my_number_card::<VirtualRcs300>(|d| {
        d.set_card_options(TypeBOptions {
            max_frame_code: 0,
            response_inf_max: Some(17),
            wtx_requests: 2,
            wtxm: 1,
            ..TypeBOptions::default()
        });
        d.set_time_extensions(1);
    });
}
