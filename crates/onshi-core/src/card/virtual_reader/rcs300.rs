//! The virtual Sony RC-S300: CCID escape messages carrying pseudo-APDUs.

use super::{Endpoint, Picc, TypeBOptions, VirtualDevice};
use crate::card::{
    ccid::{self, CommandStatus, IccStatus, Status},
    reader::PipeError,
    tlv,
    virtual_card::Iso7816Card,
};

/// The generic error status of a successful pseudo-APDU: no failing object, `90 00`.
const ESCAPE_OK: [u8; 5] = [0xC0, 0x03, 0x00, 0x90, 0x00];

/// A Sony RC-S300's vendor interface: CCID escape messages carrying pseudo-APDUs. How the real
/// reader answers a Type B transparent exchange is not public; this model answers the way it answers
/// FeliCa (`C0` status, `96` status, `97` data, SW), and a silent card with the generic status
/// `01 64 01` (the transceive object failed: no response) — an inference, unproven on hardware.
pub struct VirtualRcs300 {
    usb: Endpoint,
    picc: Picc,
    violations: Vec<String>,
    session: bool,
    /// The standard and layer chosen by switch protocol.
    protocol: Option<(u8, u8)>,
    time_extensions: u8,
}

impl Default for VirtualRcs300 {
    fn default() -> Self {
        VirtualRcs300::new()
    }
}

impl VirtualRcs300 {
    pub fn new() -> VirtualRcs300 {
        VirtualRcs300 {
            usb: Endpoint::default(),
            picc: Picc::new(),
            violations: Vec::new(),
            session: false,
            protocol: None,
            time_extensions: 0,
        }
    }

    type_b_reader_methods!();

    /// The reader asks for more time (`bStatus` 0x80) this many times before each answer.
    pub fn set_time_extensions(&mut self, count: u8) {
        self.time_extensions = count;
    }

    /// Answers one pseudo-APDU with the escape response's data.
    fn pseudo_apdu(&mut self, apdu: &[u8]) -> Vec<u8> {
        use crate::card::rcs300::{function, protocol, session};
        let refused = |sw: [u8; 2]| {
            let mut out = vec![0xC0, 0x03, 0x01, sw[0], sw[1]];
            out.extend_from_slice(&[0x90, 0x00]);
            out
        };
        let ok = || {
            let mut out = ESCAPE_OK.to_vec();
            out.extend_from_slice(&[0x90, 0x00]);
            out
        };
        match apdu {
            [
                0xFF,
                0x50,
                0x00,
                function::MANAGE_SESSION,
                0x02,
                object,
                0x00,
                0x00,
            ] => {
                match *object {
                    session::START_TRANSPARENT => self.session = true,
                    session::END_TRANSPARENT => {
                        self.session = false;
                        self.protocol = None;
                        self.picc.field_off();
                    }
                    session::RF_OFF | session::RF_ON if !self.session => {
                        self.violations
                            .push(format!("RF {object:02X} outside a transparent session"));
                        return refused([0x6A, 0x81]);
                    }
                    session::RF_OFF => self.picc.field_off(),
                    session::RF_ON => self.picc.field_on(),
                    _ => {
                        self.violations
                            .push(format!("manage session object {object:02X}"));
                        return refused([0x6A, 0x81]);
                    }
                }
                ok()
            }
            [
                0xFF,
                0x50,
                0x00,
                function::SWITCH_PROTOCOL,
                0x04,
                0x8F,
                0x02,
                standard,
                layer,
                0x00,
            ] => {
                if !self.session {
                    self.violations
                        .push("switch protocol outside a transparent session".to_owned());
                    return refused([0x6A, 0x81]);
                }
                if (*standard, *layer) != (protocol::TYPE_B, protocol::LAYER_3) {
                    self.violations.push(format!(
                        "switch protocol to {standard:02X} {layer:02X}: this model does Type B layer 3 only"
                    ));
                    return refused([0x6A, 0x81]);
                }
                self.protocol = Some((*standard, *layer));
                ok()
            }
            [
                0xFF,
                0x50,
                0x00,
                function::TRANSPARENT_EXCHANGE,
                0x00,
                hi,
                lo,
                rest @ ..,
            ] => {
                let lc = usize::from(u16::from_be_bytes([*hi, *lo]));
                let (Some(objects), Some(&[0x00, 0x00, 0x00])) = (rest.get(..lc), rest.get(lc..))
                else {
                    self.violations
                        .push(format!("transparent exchange with a wrong Lc: {apdu:02X?}"));
                    return refused([0x67, 0x00]);
                };
                self.transparent_exchange(objects)
            }
            _ => {
                self.violations
                    .push(format!("pseudo-APDU this model does not know: {apdu:02X?}"));
                vec![0x6D, 0x00]
            }
        }
    }

    fn transparent_exchange(&mut self, objects: &[u8]) -> Vec<u8> {
        let refused = |sw: [u8; 2]| vec![0xC0, 0x03, 0x01, sw[0], sw[1], 0x90, 0x00];
        let Ok(objects) = tlv::parse_all(objects) else {
            self.violations.push(format!(
                "transparent exchange objects are not BER-TLV: {objects:02X?}"
            ));
            return refused([0x67, 0x00]);
        };
        let timer = objects.iter().find(|o| o.tag == 0x5F46).map(|o| o.value);
        let frame = objects.iter().find(|o| o.tag == 0x95).map(|o| o.value);
        let (Some([_, _, _, _]), Some(frame)) = (timer, frame) else {
            self.violations
                .push("transparent exchange without a 4-byte timer and a frame".to_owned());
            return refused([0x67, 0x00]);
        };
        if !self.session || self.protocol.is_none() || !self.picc.field {
            self.violations.push(
                "transparent exchange before session, Type B protocol and field were set up"
                    .to_owned(),
            );
            return refused([0x69, 0x85]);
        }
        match self.picc.rf(frame, &mut self.violations) {
            Some(answer) => {
                let mut out = ESCAPE_OK.to_vec();
                out.extend_from_slice(&[0x96, 0x02, 0x00, 0x00]);
                out.extend_from_slice(&tlv::encode(0x97, &answer));
                out.extend_from_slice(&[0x90, 0x00]);
                out
            }
            None => vec![0xC0, 0x03, 0x01, 0x64, 0x01, 0x90, 0x00],
        }
    }

    /// The escape replies' `bStatus`: the card counts as present and active while it is on the reader.
    fn status(&self, command: CommandStatus) -> Status {
        let icc = if self.picc.card.is_some() {
            IccStatus::Active
        } else {
            IccStatus::Absent
        };
        Status { icc, command }
    }
}

impl VirtualDevice for VirtualRcs300 {
    fn bulk_out(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        self.usb.plugged()?;
        let message = match ccid::parse(bytes) {
            Ok(message) => message,
            Err(e) => {
                // A real CCID device ignores a malformed message; the host then times out.
                self.violations.push(e.to_string());
                return Ok(());
            }
        };
        let h = message.header;
        if h.message_type != ccid::message::ESCAPE {
            self.violations.push(format!(
                "CCID message {:02X} on the vendor interface",
                h.message_type
            ));
            let reply = ccid::reply(
                ccid::message::SLOT_STATUS,
                h.slot,
                h.seq,
                self.status(CommandStatus::Failed),
                ccid::error_code::COMMAND_NOT_SUPPORTED,
                &[],
            );
            self.usb.push(reply);
            return Ok(());
        }
        if h.slot != ccid::SLOT || h.specific != [0x00; 3] {
            self.violations
                .push(format!("escape header {:02X?}", &bytes[..ccid::HEADER_LEN]));
            let reply = ccid::reply(
                ccid::message::ESCAPE_RESPONSE,
                h.slot,
                h.seq,
                self.status(CommandStatus::Failed),
                ccid::error_code::BAD_SLOT,
                &[],
            );
            self.usb.push(reply);
            return Ok(());
        }
        let data = message.data.to_vec();
        let answer = self.pseudo_apdu(&data);
        for _ in 0..self.time_extensions {
            let wait = ccid::reply(
                ccid::message::ESCAPE_RESPONSE,
                h.slot,
                h.seq,
                self.status(CommandStatus::TimeExtension),
                0x01,
                &[],
            );
            self.usb.push(wait);
        }
        let reply = ccid::reply(
            ccid::message::ESCAPE_RESPONSE,
            h.slot,
            h.seq,
            self.status(CommandStatus::Ok),
            0x00,
            &answer,
        );
        self.usb.push(reply);
        Ok(())
    }

    fn bulk_in(&mut self, max_len: usize) -> Result<Vec<u8>, PipeError> {
        self.usb.pop(max_len)
    }
}
