//! The My Number card and the general-purpose card readers, as bytes (docs/card-reader.md).
//!
//! Layers, bottom up, none of which does I/O:
//! - `reader::UsbPipe` is one USB device's bulk endpoints as a driver sees them. The app implements it
//!   over WebUSB (`src/platform/usb.rs`); the virtual readers implement it for tests and training.
//! - The framings: `port100` (Sony RC-S380), `rcs300` (Sony RC-S300's vendor escape interface) and
//!   `ccid` (plain CCID readers, reachable only where the browser allows class 0x0B); `iso14443b` is the
//!   contactless Type B activation and the ISO-DEP block protocol (I-blocks, chaining, WTX) the
//!   PaSoRi drivers run themselves.
//! - `reader::CardLink` turns a framing into "send an APDU, get a response": `reader::Rcs380`,
//!   `reader::Rcs300`, `reader::Ccid`.
//! - `apdu` and `tlv` are ISO 7816-4 commands, responses, status words and BER-TLV.
//! - `mynumber` is the card's own sequences: JPKI (利用者証明用 certificate, PIN, signature) and
//!   券面事項入力補助 (基本4情報, 個人番号).
//! - `pki` is the endpoint's side: the DigestInfo a card signs and the verification of a certificate
//!   against a trust anchor and of a signature with it. `testpki` is the project's test CA and the
//!   canned people's test keys and certificates (`scripts/gen-test-pki`).
//! - `virtual_card` and `virtual_reader` are a My Number card and readers in software, speaking the
//!   same bytes as the real ones, for host tests and training mode's virtual reader.
//! - `flow` is the general reader's flow at reception as steps, and where each failure leads;
//!   `session` drives it over a reader, an endpoint and a screen, card after card.

pub mod apdu;
pub mod ccid;
pub mod flow;
pub mod iso14443b;
pub mod mynumber;
#[cfg(feature = "world")]
pub mod pki;
pub mod port100;
pub mod rcs300;
pub mod reader;
pub mod session;
#[cfg(feature = "world")]
pub mod testpki;
pub mod tlv;
#[cfg(feature = "world")]
pub mod virtual_card;
#[cfg(feature = "world")]
pub mod virtual_reader;
