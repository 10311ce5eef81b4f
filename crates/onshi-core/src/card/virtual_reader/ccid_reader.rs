//! The virtual plain CCID reader: APDUs in XfrBlock, the contactless side run by the reader.

use super::{Endpoint, VirtualDevice};
use crate::card::{
    ccid::{self, CommandStatus, IccStatus, Status},
    reader::PipeError,
    virtual_card::Iso7816Card,
};

/// The ATR the virtual CCID reader reports: the JPKI card's contact ATR (card-reader.md §3, OpenSC
/// `card-jpki.c`).
pub const JPKI_ATR: [u8; 9] = [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14];

/// A plain CCID reader that exchanges APDUs (XfrBlock at APDU level) and runs the contactless side
/// itself.
pub struct VirtualCcid {
    usb: Endpoint,
    card: Option<Box<dyn Iso7816Card>>,
    /// A card that left on its own (`remove_after_commands`), kept for `remove()`.
    lifted: Option<Box<dyn Iso7816Card>>,
    powered: bool,
    violations: Vec<String>,
    time_extensions: u8,
    commands_until_removal: Option<usize>,
}

impl Default for VirtualCcid {
    fn default() -> Self {
        VirtualCcid::new()
    }
}

impl VirtualCcid {
    pub fn new() -> VirtualCcid {
        VirtualCcid {
            usb: Endpoint::default(),
            card: None,
            lifted: None,
            powered: false,
            violations: Vec::new(),
            time_extensions: 0,
            commands_until_removal: None,
        }
    }

    pub fn place(&mut self, card: Box<dyn Iso7816Card>) {
        self.remove();
        self.card = Some(card);
    }

    pub fn remove(&mut self) -> Option<Box<dyn Iso7816Card>> {
        self.powered = false;
        let mut card = self.card.take().or_else(|| self.lifted.take());
        if let Some(card) = card.as_mut() {
            card.power_off();
        }
        card
    }

    pub fn has_card(&self) -> bool {
        self.card.is_some()
    }

    pub fn unplug(&mut self) {
        self.usb.unplug();
    }

    /// The reader sends this many time extensions (`bStatus` 0x80) before each XfrBlock answer.
    pub fn set_time_extensions(&mut self, count: u8) {
        self.time_extensions = count;
    }

    /// The card answers `commands` more XfrBlocks, then leaves.
    pub fn remove_after_commands(&mut self, commands: usize) {
        self.commands_until_removal = Some(commands);
    }

    /// Each bulk-IN transfer carries at most `bytes`.
    pub fn set_packet_limit(&mut self, bytes: usize) {
        self.usb.packet_limit = Some(bytes);
    }

    pub fn violations(&self) -> &[String] {
        &self.violations
    }

    fn icc(&self) -> IccStatus {
        match (&self.card, self.powered) {
            (None, _) => IccStatus::Absent,
            (Some(_), true) => IccStatus::Active,
            (Some(_), false) => IccStatus::Inactive,
        }
    }

    fn status(&self, command: CommandStatus) -> Status {
        Status {
            icc: self.icc(),
            command,
        }
    }

    fn xfr_block(&mut self, slot: u8, seq: u8, apdu: &[u8]) -> Vec<u8> {
        use ccid::message::DATA_BLOCK;
        if let Some(left) = self.commands_until_removal {
            if left == 0 {
                self.powered = false;
                if let Some(card) = self.card.as_mut() {
                    card.power_off();
                }
                self.lifted = self.card.take();
                self.commands_until_removal = None;
            } else {
                self.commands_until_removal = Some(left - 1);
            }
        }
        let failed = self.status(CommandStatus::Failed);
        if self.card.is_none() {
            return ccid::reply(
                DATA_BLOCK,
                slot,
                seq,
                failed,
                ccid::error_code::ICC_MUTE,
                &[],
            );
        }
        if !self.powered {
            self.violations
                .push("XfrBlock to a card that is not powered".to_owned());
            let code = ccid::error_code::DEACTIVATED_PROTOCOL;
            return ccid::reply(DATA_BLOCK, slot, seq, failed, code, &[]);
        }
        if apdu.len() < 4 {
            self.violations
                .push(format!("XfrBlock with {apdu:02X?}, not an APDU"));
        }
        let response = match self.card.as_mut() {
            Some(card) => card.process(apdu),
            None => Vec::new(),
        };
        for _ in 0..self.time_extensions {
            let wait = self.status(CommandStatus::TimeExtension);
            self.usb
                .push(ccid::reply(DATA_BLOCK, slot, seq, wait, 0x01, &[]));
        }
        let ok = self.status(CommandStatus::Ok);
        ccid::reply(DATA_BLOCK, slot, seq, ok, 0x00, &response)
    }
}

impl VirtualDevice for VirtualCcid {
    fn bulk_out(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        use ccid::message;
        self.usb.plugged()?;
        let parsed = match ccid::parse(bytes) {
            Ok(m) => m,
            Err(e) => {
                self.violations.push(e.to_string());
                return Ok(());
            }
        };
        let (h, data) = (parsed.header, parsed.data.to_vec());
        if h.slot != ccid::SLOT {
            self.violations.push(format!("CCID slot {}", h.slot));
            let failed = self.status(CommandStatus::Failed);
            let reply = ccid::reply(
                message::SLOT_STATUS,
                h.slot,
                h.seq,
                failed,
                ccid::error_code::BAD_SLOT,
                &[],
            );
            self.usb.push(reply);
            return Ok(());
        }
        let reply = match h.message_type {
            message::ICC_POWER_ON => {
                if h.specific[0] > 3 {
                    self.violations.push(format!(
                        "IccPowerOn with bPowerSelect {:02X}",
                        h.specific[0]
                    ));
                }
                match self.card.as_mut() {
                    Some(card) => {
                        // Powering on again is a reset: the card starts over.
                        if self.powered {
                            card.power_off();
                        }
                        self.powered = true;
                        let ok = self.status(CommandStatus::Ok);
                        ccid::reply(message::DATA_BLOCK, h.slot, h.seq, ok, 0x00, &JPKI_ATR)
                    }
                    None => {
                        let failed = self.status(CommandStatus::Failed);
                        let code = ccid::error_code::ICC_MUTE;
                        ccid::reply(message::DATA_BLOCK, h.slot, h.seq, failed, code, &[])
                    }
                }
            }
            message::ICC_POWER_OFF => {
                if self.powered
                    && let Some(card) = self.card.as_mut()
                {
                    card.power_off();
                }
                self.powered = false;
                let ok = self.status(CommandStatus::Ok);
                ccid::reply(message::SLOT_STATUS, h.slot, h.seq, ok, 0x00, &[])
            }
            message::GET_SLOT_STATUS => {
                let ok = self.status(CommandStatus::Ok);
                ccid::reply(message::SLOT_STATUS, h.slot, h.seq, ok, 0x00, &[])
            }
            message::XFR_BLOCK => self.xfr_block(h.slot, h.seq, &data),
            other => {
                self.violations
                    .push(format!("CCID message {other:02X} this model does not know"));
                let failed = self.status(CommandStatus::Failed);
                let code = ccid::error_code::COMMAND_NOT_SUPPORTED;
                ccid::reply(message::SLOT_STATUS, h.slot, h.seq, failed, code, &[])
            }
        };
        self.usb.push(reply);
        Ok(())
    }

    fn bulk_in(&mut self, max_len: usize) -> Result<Vec<u8>, PipeError> {
        self.usb.pop(max_len)
    }
}
