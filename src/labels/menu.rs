//! The labels of `menu.rs`, `pages/menu.rs`.
//!
//! Each entry says where its wording comes from (docs/decisions.md D9): a guide by its key under
//! docs/decisions.md "Sources" when the guides word it, "Ours" when they do not.

/// Ours: a tile whose screen is not built yet.
pub const COMING_SOON: &str = "準備中";
/// Ours: the menu screen's name in the frame (seed 000 calls it the トップ画面).
pub const SCREEN_MENU: &str = "メニュー";
/// Seeds 000, 004.
pub const TILE_INSURANCE_CARD: &str = "保険証/処方箋で確認";
/// Seed 004.
pub const GROUP_HOME_VISIT: &str = "訪問診療等・オンライン診療等";
/// Seed 004.
pub const TILE_CONSENTED: &str = "同意済資格情報取得";
/// Seed 004.
pub const TILE_QUALIFICATION_INQUIRY: &str = "資格情報照会";
/// Seed 004.
pub const TILE_BULK_INQUIRY: &str = "資格情報一括照会";
/// Seed 004.
pub const TILE_BULK_INQUIRY_RESULT: &str = "資格情報一括照会結果";
/// Seed 004.
pub const TILE_CONSENT_REVOCATION: &str = "同意取消照会";
/// Seed 004.
pub const GROUP_BULK_INQUIRY: &str = "資格情報一括照会";
/// Seed 004.
pub const GROUP_BULK_REFERENCE: &str = "照会番号一括登録";
/// Seed 004.
pub const TILE_BULK_REFERENCE: &str = "照会番号一括登録";
/// Seed 004.
pub const TILE_BULK_REFERENCE_RESULT: &str = "照会番号一括登録結果";
/// Seed 004.
pub const GROUP_DELEGATED: &str = "委託先資格情報一括取得";
/// Seed 004.
pub const TILE_DELEGATED: &str = "委託先資格情報一括取得";
/// Seed 004.
pub const GROUP_ACCOUNT: &str = "アカウント情報管理";
/// Seed 002 (アカウント管理（登録）/（更新）).
pub const TILE_ACCOUNT_MANAGEMENT: &str = "アカウント登録/更新";
/// Seed 003.
pub const TILE_DISASTER: &str = "災害時医療情報閲覧";
/// Seeds 001, 003.
pub const TILE_MEDICAL_INFO: &str = "医療情報閲覧";
/// Ours: a menu tile whose feature group the endpoint does not advertise.
pub const TILE_UNAVAILABLE: &str = "この接続先では利用できません";
