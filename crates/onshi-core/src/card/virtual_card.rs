//! A My Number card in software (research/card-reader.md §6).

/// A contact/contactless card as a virtual reader sees it: APDUs in, responses out.
pub trait Iso7816Card {
    /// Answers one command APDU (its bytes) with a response APDU (data and status word).
    fn process(&mut self, command: &[u8]) -> Vec<u8>;
    /// The field went off or the card left the reader: selections and verified PINs are forgotten,
    /// PIN counters are kept.
    fn power_off(&mut self);
}
