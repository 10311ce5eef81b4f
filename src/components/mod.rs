//! Widgets shared by screens.

pub mod card_reader;
pub mod consent;
pub mod dialog;
pub mod endpoint_bar;
pub mod field;
pub mod focus;
pub mod frame;
pub mod idle;
pub mod key_map;
pub mod mode_switch;
pub mod nav_buttons;
pub mod new_version;
pub mod password_gate;
pub mod qualification_fields;
pub mod reader_panel;

pub use card_reader::{CardReader, CardResult};
pub use dialog::Dialog;
pub use endpoint_bar::EndpointBar;
pub use field::{TextField, error_for};
pub use frame::{Frame, PublicFrame};
pub use key_map::{KeyHint, KeyMap};
pub use mode_switch::{ModeSwitch, SwitchRequest};
pub use nav_buttons::{BackButton, MenuLink, SubmitButton};
pub use new_version::NewVersionNotice;
pub use password_gate::PasswordGate;
pub use reader_panel::ReaderPanel;
