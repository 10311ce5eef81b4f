//! One file per screen.

pub mod history;
pub mod history_detail;
pub mod inquiry;
pub mod menu;
pub mod not_found;
pub mod outbox;
pub mod passcode;
pub mod password_change;
pub mod qualification_check;
pub mod readers;
pub mod reception;
pub mod settings;
pub mod sign_in;
pub mod start;

pub use history::HistoryPage;
pub use inquiry::InquiryPage;
pub use menu::MenuPage;
pub use not_found::NotFoundPage;
pub use outbox::OutboxPage;
pub use passcode::PasscodePage;
pub use password_change::PasswordChangePage;
pub use readers::ReadersPage;
pub use reception::ReceptionPage;
pub use settings::SettingsPage;
pub use sign_in::SignInPage;
pub use start::StartPage;
