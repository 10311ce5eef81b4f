//! Every screen's address. Links and navigation go through [`Route::path`]; no page writes a path
//! by hand.

/// A screen of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    /// The start page with 「システムの利用を始める」 (S1).
    Start,
    /// ID and password (S1).
    SignIn,
    /// The menu of tiles (S2).
    Menu,
    /// 接続先の設定: training mode or a real endpoint.
    Settings,
    /// 保険証/処方箋で確認 (S5), and its result 資格情報確認 (S6).
    Inquiry,
    /// 「マイナンバーカードで確認」: the reception screen that shows reader results as they arrive.
    Reception,
    /// 資格確認履歴照会 (S3).
    History,
    /// 未送信の登録: the outbox's entries and their states (decisions.md D4).
    Outbox,
    /// 顔認証付きカードリーダー操作 (S7).
    Readers,
    /// 目視確認用パスコード発行 (S8).
    Passcode,
    /// パスワード変更 (S14), the only screen an account with a system-issued password may open.
    PasswordChange,
}

impl Route {
    pub const ALL: [Route; 11] = [
        Route::Start,
        Route::SignIn,
        Route::Menu,
        Route::Settings,
        Route::Inquiry,
        Route::Reception,
        Route::History,
        Route::Outbox,
        Route::Readers,
        Route::Passcode,
        Route::PasswordChange,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Route::Start => "/",
            Route::SignIn => "/login",
            Route::Menu => "/menu",
            Route::Settings => "/settings",
            Route::Inquiry => "/insurance-card",
            Route::Reception => "/my-number-card",
            Route::History => "/history",
            Route::Outbox => "/outbox",
            Route::Readers => "/card-readers",
            Route::Passcode => "/visual-check-passcode",
            Route::PasswordChange => "/password",
        }
    }
}
