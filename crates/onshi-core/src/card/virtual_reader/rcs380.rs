//! The virtual Sony RC-S380: Port-100 frames over bulk endpoints.

use super::{Endpoint, Picc, TypeBOptions, VirtualDevice};
use crate::card::{
    port100::{self, Frame},
    reader::PipeError,
    virtual_card::Iso7816Card,
};

/// A Sony RC-S380: Port-100 frames over bulk endpoints.
pub struct VirtualRcs380 {
    usb: Endpoint,
    picc: Picc,
    violations: Vec<String>,
    /// Whether the host has sent its ACK (the soft reset drivers start with).
    reset: bool,
    command_type: Option<u8>,
    /// Whether InSetRF chose Type B 106 kbit/s since the field was last switched off.
    rf_set: bool,
    /// InSetProtocol settings since InSetRF, by key.
    protocol: [Option<u8>; 0x14],
}

impl Default for VirtualRcs380 {
    fn default() -> Self {
        VirtualRcs380::new()
    }
}

impl VirtualRcs380 {
    pub fn new() -> VirtualRcs380 {
        VirtualRcs380 {
            usb: Endpoint::default(),
            picc: Picc::new(),
            violations: Vec::new(),
            reset: false,
            command_type: None,
            rf_set: false,
            protocol: [None; 0x14],
        }
    }

    type_b_reader_methods!();

    /// Answers one command with its response payload, or `None` for the error frame.
    fn command(&mut self, code: u8, params: &[u8]) -> Option<Vec<u8>> {
        use port100::{cmd, status};
        if !self.reset {
            self.violations
                .push(format!("command {code:02X} before the host's opening ACK"));
        }
        if code == cmd::SET_COMMAND_TYPE {
            if params != [0x01] {
                self.violations.push(format!(
                    "SetCommandType {params:02X?}: this model speaks type 01"
                ));
                return Some(vec![status::PARAMETER_ERROR]);
            }
            self.command_type = Some(0x01);
            return Some(vec![status::SUCCESS]);
        }
        if code == cmd::GET_FIRMWARE_VERSION {
            return Some(vec![0x11, 0x01]);
        }
        if self.command_type.is_none() {
            self.violations
                .push(format!("command {code:02X} before SetCommandType"));
            return Some(vec![status::COMMAND_TYPE_ERROR]);
        }
        match code {
            cmd::SWITCH_RF => match params {
                [0x00] => {
                    self.picc.field_off();
                    self.rf_set = false;
                    self.protocol = [None; 0x14];
                    Some(vec![status::SUCCESS])
                }
                [0x01] => {
                    self.picc.field_on();
                    Some(vec![status::SUCCESS])
                }
                _ => {
                    self.violations.push(format!("SwitchRF {params:02X?}"));
                    Some(vec![status::PARAMETER_ERROR])
                }
            },
            cmd::IN_SET_RF => {
                if params != port100::TYPE_B_106 {
                    self.violations.push(format!(
                        "InSetRF {params:02X?}: this model does Type B 106 kbit/s only"
                    ));
                    return Some(vec![status::PARAMETER_ERROR]);
                }
                self.rf_set = true;
                self.protocol = [None; 0x14];
                self.picc.field_on();
                Some(vec![status::SUCCESS])
            }
            cmd::IN_SET_PROTOCOL => {
                let pairs = params.chunks_exact(2);
                if !pairs.remainder().is_empty()
                    || pairs.clone().any(|p| p[0] > port100::protocol_key::LAST)
                {
                    self.violations.push(format!(
                        "InSetProtocol {params:02X?}: not (key, value) pairs"
                    ));
                    return Some(vec![status::PARAMETER_ERROR]);
                }
                for pair in pairs {
                    self.protocol[usize::from(pair[0])] = Some(pair[1]);
                }
                Some(vec![status::SUCCESS])
            }
            cmd::IN_COMM_RF => Some(self.in_comm_rf(params)),
            _ => {
                self.violations
                    .push(format!("command {code:02X} this model does not know"));
                None
            }
        }
    }

    fn in_comm_rf(&mut self, params: &[u8]) -> Vec<u8> {
        use port100::{comm_error, protocol_key as key};
        let [_, _, frame @ ..] = params else {
            self.violations
                .push(format!("InCommRF {params:02X?} without a timeout"));
            return port100::comm_result(comm_error::PROTOCOL, &[]);
        };
        if !self.rf_set {
            self.violations
                .push("InCommRF before InSetRF chose Type B".to_owned());
            return port100::comm_result(comm_error::RF_OFF, &[]);
        }
        let framing = [
            key::ADD_CRC,
            key::CHECK_CRC,
            key::ADD_SOF,
            key::CHECK_SOF,
            key::ADD_EOF,
            key::CHECK_EOF,
        ];
        if framing
            .iter()
            .any(|&k| self.protocol[usize::from(k)] != Some(0x01))
        {
            self.violations.push(
                "InCommRF before InSetProtocol set Type B framing (CRC, SOF, EOF)".to_owned(),
            );
            return port100::comm_result(comm_error::PROTOCOL, &[]);
        }
        match self.picc.rf(frame, &mut self.violations) {
            Some(answer) => port100::comm_result(0, &answer),
            None => port100::comm_result(comm_error::RECEIVE_TIMEOUT, &[]),
        }
    }
}

impl VirtualDevice for VirtualRcs380 {
    fn bulk_out(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        self.usb.plugged()?;
        match port100::parse_frame(bytes) {
            Ok(Frame::Ack) => {
                // The host's ACK cancels whatever was pending: a soft reset.
                self.usb.queue.clear();
                self.reset = true;
            }
            Ok(Frame::Data([port100::COMMAND, code, params @ ..])) => {
                let (code, params) = (*code, params.to_vec());
                self.usb.push(port100::ACK.to_vec());
                match self.command(code, &params) {
                    Some(payload) => self.usb.push(port100::response(code, &payload)),
                    None => self.usb.push(port100::ERROR_FRAME.to_vec()),
                }
            }
            Ok(other) => {
                self.violations
                    .push(format!("{other:02X?} is not a command frame"));
                self.usb.push(port100::ERROR_FRAME.to_vec());
            }
            Err(e) => {
                self.violations.push(e.to_string());
                self.usb.push(port100::ERROR_FRAME.to_vec());
            }
        }
        Ok(())
    }

    fn bulk_in(&mut self, max_len: usize) -> Result<Vec<u8>, PipeError> {
        self.usb.pop(max_len)
    }
}
