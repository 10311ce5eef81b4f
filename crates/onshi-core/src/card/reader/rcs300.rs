//! The RC-S300 driver: pseudo-APDUs in CCID escape messages, Type B and ISO-DEP run here.

use super::ccid_driver::read_reply;
use super::*;

/// The RC-S300's escape interface: pseudo-APDUs in `PC_to_RDR_Escape`.
struct Escape<P> {
    pipe: P,
    seq: u8,
}

impl<P: UsbPipe> Escape<P> {
    /// Sends one pseudo-APDU and returns the reader's answer data (`RDR_to_PC_Escape`), skipping
    /// time extensions.
    async fn call(&mut self, pseudo_apdu: &[u8], timeout_ms: u32) -> Result<Vec<u8>, LinkError> {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        self.pipe
            .send(&rcs300_protocol::escape(seq, pseudo_apdu))
            .await?;
        let reply = read_reply(
            &mut self.pipe,
            seq,
            ccid::message::ESCAPE_RESPONSE,
            timeout_ms,
        )
        .await?;
        if reply.status.command == CommandStatus::Failed {
            return Err(protocol(
                "RC-S300 escape failed (bStatus, bError)",
                &[reply.status.to_byte(), reply.error],
            ));
        }
        Ok(reply.data)
    }

    /// A session or protocol command: success or a protocol error.
    async fn control(&mut self, pseudo_apdu: &[u8]) -> Result<(), LinkError> {
        let data = self.call(pseudo_apdu, COMMAND_TIMEOUT_MS).await?;
        let response = rcs300_protocol::parse_response(&data)
            .map_err(|e| protocol("RC-S300 response", &e.bytes))?;
        if response.ok() {
            Ok(())
        } else {
            Err(protocol("RC-S300 refused a command", &data))
        }
    }

    async fn rf_off(&mut self) -> Result<(), LinkError> {
        self.control(&rcs300_protocol::manage_session(
            rcs300_protocol::session::RF_OFF,
        ))
        .await
    }
}

impl<P: UsbPipe> RfLink for Escape<P> {
    async fn transceive(
        &mut self,
        frame: &[u8],
        wait_us: u32,
    ) -> Result<Option<Vec<u8>>, LinkError> {
        let timeout_ms = ms_from_us(wait_us).saturating_add(USB_MARGIN_MS);
        let data = self
            .call(
                &rcs300_protocol::transparent_exchange(wait_us, frame),
                timeout_ms,
            )
            .await?;
        let response = rcs300_protocol::parse_response(&data)
            .map_err(|e| protocol("RC-S300 response", &e.bytes))?;
        if !response.sw.is_ok() {
            return Err(protocol("RC-S300 refused a transparent exchange", &data));
        }
        // No `97` object: the card did not answer (the generic status says why).
        Ok(response.data.map(<[u8]>::to_vec))
    }
}

/// Sony RC-S300 over its vendor-class interface. Type B through it is **unproven on hardware**: the
/// reader is switched to Type B layer 3 and this driver runs SENSB, ATTRIB and ISO-DEP itself, the
/// same code as the RC-S380's (see `rcs300`).
pub struct Rcs300<P> {
    chip: Escape<P>,
    card: Option<IsoDep>,
}

impl<P: UsbPipe> Rcs300<P> {
    pub fn new(pipe: P) -> Self {
        Rcs300 {
            chip: Escape { pipe, seq: 0 },
            card: None,
        }
    }
}

impl<P: UsbPipe> CardLink for Rcs300<P> {
    /// End any transparent session left open, start one, field off (the public drivers' order).
    async fn open(&mut self) -> Result<(), LinkError> {
        self.card = None;
        self.chip
            .control(&rcs300_protocol::manage_session(
                rcs300_protocol::session::END_TRANSPARENT,
            ))
            .await?;
        self.chip
            .control(&rcs300_protocol::manage_session(
                rcs300_protocol::session::START_TRANSPARENT,
            ))
            .await?;
        self.chip.rf_off().await
    }

    /// Field off and on (resetting a card left active), Type B layer 3, then SENSB_REQ and ATTRIB.
    async fn activate(&mut self) -> Result<bool, LinkError> {
        self.card = None;
        self.chip.rf_off().await?;
        self.chip
            .control(&rcs300_protocol::manage_session(
                rcs300_protocol::session::RF_ON,
            ))
            .await?;
        self.chip
            .control(&rcs300_protocol::switch_protocol(
                rcs300_protocol::protocol::TYPE_B,
                rcs300_protocol::protocol::LAYER_3,
            ))
            .await?;
        let Some(atqb) = sense_type_b(&mut self.chip).await? else {
            return Ok(false);
        };
        self.card = attrib_type_b(&mut self.chip, &atqb).await?;
        Ok(self.card.is_some())
    }

    async fn transmit(&mut self, command: &CommandApdu) -> Result<ResponseApdu, LinkError> {
        activated_transmit(&mut self.chip, &mut self.card, command).await
    }

    /// Field off and end the transparent session.
    async fn close(&mut self) -> Result<(), LinkError> {
        self.card = None;
        self.chip.rf_off().await?;
        self.chip
            .control(&rcs300_protocol::manage_session(
                rcs300_protocol::session::END_TRANSPARENT,
            ))
            .await
    }
}
