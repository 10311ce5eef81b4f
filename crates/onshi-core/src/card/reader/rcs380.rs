//! The RC-S380 driver: Port-100 commands over the vendor interface, Type B and ISO-DEP run here.

use super::*;

/// The Port-100 chip behind an RC-S380: commands and their answers.
struct Port100<P> {
    pipe: P,
}

impl<P: UsbPipe> Port100<P> {
    /// Sends a command, reads the ACK and then the data frame, and returns the payload after
    /// `D7 <code + 1>`.
    async fn command(
        &mut self,
        code: u8,
        params: &[u8],
        timeout_ms: u32,
    ) -> Result<Vec<u8>, LinkError> {
        self.pipe.send(&port100::command(code, params)).await?;
        let ack = read_message(&mut self.pipe, ACK_TIMEOUT_MS, port100::frame_len).await?;
        if ack != port100::ACK {
            return Err(protocol("Port-100 frame where an ACK was due", &ack));
        }
        let bytes = read_message(&mut self.pipe, timeout_ms, port100::frame_len).await?;
        match port100::parse_frame(&bytes) {
            Ok(Frame::Data(data)) => port100::response_payload(code, data)
                .map(<[u8]>::to_vec)
                .map_err(|e| protocol("Port-100 response to another command", &e.data)),
            Ok(Frame::Error) => Err(protocol("Port-100 error frame", &bytes)),
            Ok(Frame::Ack) => Err(protocol("a second Port-100 ACK", &bytes)),
            Err(_) => Err(protocol("damaged Port-100 frame", &bytes)),
        }
    }

    /// A set-up command whose answer is one status byte, `00` for success.
    async fn setup(&mut self, code: u8, params: &[u8]) -> Result<(), LinkError> {
        let payload = self.command(code, params, COMMAND_TIMEOUT_MS).await?;
        match payload.first() {
            Some(&port100::status::SUCCESS) => Ok(()),
            _ => Err(protocol("Port-100 status", &payload)),
        }
    }

    /// RF settings for Type B at 106 kbit/s, as aruneko and nfcpy send them.
    async fn set_type_b(&mut self) -> Result<(), LinkError> {
        self.setup(port100::cmd::IN_SET_RF, &port100::TYPE_B_106)
            .await?;
        self.setup(port100::cmd::IN_SET_PROTOCOL, &port100::PROTOCOL_DEFAULTS)
            .await?;
        self.setup(port100::cmd::IN_SET_PROTOCOL, &port100::PROTOCOL_TYPE_B)
            .await
    }

    async fn rf_off(&mut self) -> Result<(), LinkError> {
        self.setup(port100::cmd::SWITCH_RF, &[0x00]).await
    }
}

impl<P: UsbPipe> RfLink for Port100<P> {
    async fn transceive(
        &mut self,
        frame: &[u8],
        wait_us: u32,
    ) -> Result<Option<Vec<u8>>, LinkError> {
        let ms = ms_from_us(wait_us);
        let params = port100::in_comm_rf(port100::comm_timeout(ms), frame);
        let payload = self
            .command(
                port100::cmd::IN_COMM_RF,
                &params,
                ms.saturating_add(USB_MARGIN_MS),
            )
            .await?;
        let result = port100::parse_comm_result(&payload)
            .map_err(|e| protocol("InCommRF answer", &e.payload))?;
        // Any error bit (receive timeout, CRC, parity, collision…) means no usable answer; ISO-DEP
        // treats that as a lost block and asks again, and a card that stays silent has left.
        Ok((result.error == 0).then(|| result.data.to_vec()))
    }
}

/// Sony RC-S380 over its vendor-class interface (Port-100), with Type B activation and ISO-DEP run
/// here: the sequence aruneko/WebUSB-MyNumberCard uses, plus waiting-time extensions and
/// retransmissions.
pub struct Rcs380<P> {
    chip: Port100<P>,
    card: Option<IsoDep>,
}

impl<P: UsbPipe> Rcs380<P> {
    pub fn new(pipe: P) -> Self {
        Rcs380 {
            chip: Port100 { pipe },
            card: None,
        }
    }
}

impl<P: UsbPipe> CardLink for Rcs380<P> {
    /// Soft reset (the host's ACK), throw away answers a killed session left queued, SetCommandType
    /// 01, field off (nfcpy's and aruneko's initialisation). The drain ends on a receive timeout, so
    /// the pipe must keep a timed-out transfer for the next receive rather than lose its bytes (the
    /// WebUSB adapter does: WebUSB cannot cancel a transfer).
    async fn open(&mut self) -> Result<(), LinkError> {
        self.card = None;
        self.chip.pipe.send(&port100::ACK).await?;
        for _ in 0..DRAIN_MAX {
            match self.chip.pipe.receive(TRANSFER_MAX, 10).await {
                Ok(_) => {}
                Err(PipeError::Timeout(_)) => break,
                Err(e) => return Err(e.into()),
            }
        }
        self.chip
            .setup(port100::cmd::SET_COMMAND_TYPE, &[0x01])
            .await?;
        self.chip.rf_off().await
    }

    /// Field off first, so that a card still active from an earlier session is reset and answers
    /// SENSB_REQ again; then the Type B settings, SENSB_REQ, the settings once more (as aruneko's
    /// proven sequence does) and ATTRIB.
    async fn activate(&mut self) -> Result<bool, LinkError> {
        self.card = None;
        self.chip.rf_off().await?;
        self.chip.set_type_b().await?;
        let Some(atqb) = sense_type_b(&mut self.chip).await? else {
            return Ok(false);
        };
        self.chip.set_type_b().await?;
        self.card = attrib_type_b(&mut self.chip, &atqb).await?;
        Ok(self.card.is_some())
    }

    async fn transmit(&mut self, command: &CommandApdu) -> Result<ResponseApdu, LinkError> {
        activated_transmit(&mut self.chip, &mut self.card, command).await
    }

    /// Field off, then the host's ACK, as nfcpy and aruneko close.
    async fn close(&mut self) -> Result<(), LinkError> {
        self.card = None;
        self.chip.rf_off().await?;
        self.chip.pipe.send(&port100::ACK).await?;
        Ok(())
    }
}
