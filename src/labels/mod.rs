//! The texts of the screens (docs/decisions.md D9): one module per screen or area, named for the
//! file that shows them (`common` for those several share). Texts the contract and files carry
//! (problem details, findings, CSV headers) stay in the core's `onshi_core::catalogue`.

mod card_reader;
mod common;
mod consent;
mod error;
mod frame;
mod history;
mod history_detail;
mod idle;
mod inquiry;
mod menu;
mod mode_switch;
mod new_version;
mod not_found;
mod outbox;
mod passcode;
mod password_change;
mod qualification_check;
mod qualification_fields;
mod reader_panel;
mod readers;
mod reception;
mod settings;
mod sign_in;

pub use card_reader::*;
pub use common::*;
pub use consent::*;
pub use error::*;
pub use frame::*;
pub use history::*;
pub use history_detail::*;
pub use idle::*;
pub use inquiry::*;
pub use menu::*;
pub use mode_switch::*;
pub use new_version::*;
pub use not_found::*;
pub use outbox::*;
pub use passcode::*;
pub use password_change::*;
pub use qualification_check::*;
pub use qualification_fields::*;
pub use reader_panel::*;
pub use readers::*;
pub use reception::*;
pub use settings::*;
pub use sign_in::*;
