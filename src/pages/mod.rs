//! One file per screen.

pub mod inquiry;
pub mod menu;
pub mod not_found;
pub mod qualification_check;
pub mod settings;
pub mod sign_in;
pub mod start;

pub use inquiry::InquiryPage;
pub use menu::MenuPage;
pub use not_found::NotFoundPage;
pub use settings::SettingsPage;
pub use sign_in::SignInPage;
pub use start::StartPage;
