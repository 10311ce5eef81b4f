//! Widgets shared by screens.

pub mod dialog;
pub mod endpoint_bar;
pub mod field;
pub mod frame;
pub mod idle;

pub use dialog::Dialog;
pub use endpoint_bar::EndpointBar;
pub use field::TextField;
pub use frame::{Frame, PublicFrame};
