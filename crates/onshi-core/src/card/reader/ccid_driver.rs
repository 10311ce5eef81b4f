//! The plain CCID driver: APDUs in XfrBlock, the contactless protocol run by the reader; and the
//! reading of a CCID reply, which the RC-S300 driver shares (its escape messages are CCID too).

use super::*;

/// A CCID reply with its data owned.
pub(super) struct CcidReply {
    pub(super) status: ccid::Status,
    pub(super) error: u8,
    pub(super) data: Vec<u8>,
}

/// Reads the reply to the command with sequence number `seq`, reading on past time extensions
/// (`bStatus` 0x80: the card needs longer, the real reply follows with the same `bSeq`).
pub(super) async fn read_reply<P: UsbPipe>(
    pipe: &mut P,
    seq: u8,
    message_type: u8,
    timeout_ms: u32,
) -> Result<CcidReply, LinkError> {
    loop {
        let bytes = read_message(pipe, timeout_ms, ccid::message_len).await?;
        let reply = Reply::parse(&bytes).map_err(|_| protocol("damaged CCID message", &bytes))?;
        if reply.seq != seq {
            return Err(protocol("CCID reply to another command (bSeq)", &bytes));
        }
        if reply.message_type != message_type {
            return Err(protocol("CCID reply of the wrong type", &bytes));
        }
        if reply.status.command == CommandStatus::TimeExtension {
            continue;
        }
        return Ok(CcidReply {
            status: reply.status,
            error: reply.error,
            data: reply.data.to_vec(),
        });
    }
}

/// A plain CCID reader (class 0x0B), exchanging APDUs with XfrBlock: the reader runs the contactless
/// protocol itself. Reachable only where the browser lets a page claim a smart-card interface.
pub struct Ccid<P> {
    pipe: P,
    seq: u8,
    powered: bool,
}

impl<P: UsbPipe> Ccid<P> {
    pub fn new(pipe: P) -> Self {
        Ccid {
            pipe,
            seq: 0,
            powered: false,
        }
    }

    async fn call(
        &mut self,
        build: fn(u8) -> Vec<u8>,
        message_type: u8,
    ) -> Result<CcidReply, LinkError> {
        self.seq = self.seq.wrapping_add(1);
        self.pipe.send(&build(self.seq)).await?;
        read_reply(&mut self.pipe, self.seq, message_type, CCID_TIMEOUT_MS).await
    }

    /// Whether a failed reply means "no card answers" (absent, or mute).
    fn no_card(reply: &CcidReply) -> bool {
        reply.status.icc == IccStatus::Absent || reply.error == ccid::error_code::ICC_MUTE
    }

    fn failed(what: &'static str, reply: &CcidReply) -> LinkError {
        protocol(what, &[reply.status.to_byte(), reply.error])
    }
}

impl<P: UsbPipe> CardLink for Ccid<P> {
    /// Asks for the slot's status: proves the reader answers CCID.
    async fn open(&mut self) -> Result<(), LinkError> {
        self.powered = false;
        let reply = self
            .call(ccid::get_slot_status, ccid::message::SLOT_STATUS)
            .await?;
        if reply.status.command == CommandStatus::Failed {
            return Err(Self::failed(
                "CCID GetSlotStatus failed (bStatus, bError)",
                &reply,
            ));
        }
        Ok(())
    }

    /// Powers the card on (the reader activates it); no card or a mute one is `Ok(false)`.
    async fn activate(&mut self) -> Result<bool, LinkError> {
        self.powered = false;
        let reply = self
            .call(ccid::icc_power_on, ccid::message::DATA_BLOCK)
            .await?;
        match reply.status.command {
            CommandStatus::Ok => {
                self.powered = true;
                Ok(true)
            }
            _ if Self::no_card(&reply) => Ok(false),
            _ => Err(Self::failed(
                "CCID IccPowerOn failed (bStatus, bError)",
                &reply,
            )),
        }
    }

    async fn transmit(&mut self, command: &CommandApdu) -> Result<ResponseApdu, LinkError> {
        if !self.powered {
            return Err(LinkError::NoCard);
        }
        let apdu = command.encode()?;
        self.seq = self.seq.wrapping_add(1);
        self.pipe.send(&ccid::xfr_block(self.seq, &apdu)).await?;
        let reply = read_reply(
            &mut self.pipe,
            self.seq,
            ccid::message::DATA_BLOCK,
            CCID_TIMEOUT_MS,
        )
        .await;
        let reply = match reply {
            Ok(reply) => reply,
            Err(e) => {
                self.powered = false;
                return Err(e);
            }
        };
        match reply.status.command {
            CommandStatus::Ok => ResponseApdu::parse(&reply.data)
                .map_err(|e| protocol("response APDU without a status word", &e.bytes)),
            _ if Self::no_card(&reply) => {
                self.powered = false;
                Err(LinkError::CardRemoved)
            }
            _ => {
                self.powered = false;
                Err(Self::failed(
                    "CCID XfrBlock failed (bStatus, bError)",
                    &reply,
                ))
            }
        }
    }

    async fn close(&mut self) -> Result<(), LinkError> {
        self.powered = false;
        let reply = self
            .call(ccid::icc_power_off, ccid::message::SLOT_STATUS)
            .await?;
        if reply.status.command == CommandStatus::Failed {
            return Err(Self::failed(
                "CCID IccPowerOff failed (bStatus, bError)",
                &reply,
            ));
        }
        Ok(())
    }
}
