//! The app's one key map (docs/decisions.md D11): each screen's main actions answer a function key,
//! and the key is shown on the action's button. Reception staff move from patient to patient without
//! the mouse, so the same key does the same kind of thing on every screen.
//!
//! Chrome keeps F1 (help), F3 (find), F5 (reload), F6 (address bar), F7 (caret browsing), F11 (full
//! screen) and F12 (developer tools) for itself, and some of them cannot be taken from it at all:
//! the map never uses them ([`BROWSER_KEYS`]; a test checks it).

/// What a key does on whichever screen is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// The screen's main action: 照会, 検索, 発行, 変更, ログイン, この接続先を使う, 今すぐ送信.
    Primary,
    /// 次の患者へ: back to an empty form for the next patient.
    NextPatient,
    /// 戻る.
    Back,
    /// メニュー.
    Menu,
}

impl Command {
    pub const ALL: [Command; 4] = [
        Command::Primary,
        Command::NextPatient,
        Command::Back,
        Command::Menu,
    ];

    /// The key that runs the command, as `KeyboardEvent.key` names it (and as its button shows it).
    pub fn key(self) -> &'static str {
        match self {
            Command::Primary => "F8",
            Command::NextPatient => "F2",
            Command::Back => "F4",
            Command::Menu => "F9",
        }
    }

    /// The value of the `data-command` attribute that marks the button the command presses.
    pub fn name(self) -> &'static str {
        match self {
            Command::Primary => "primary",
            Command::NextPatient => "next-patient",
            Command::Back => "back",
            Command::Menu => "menu",
        }
    }

    /// The command a key runs, if any.
    pub fn for_key(key: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// The function keys Chrome keeps for itself, which the map must never use.
pub const BROWSER_KEYS: [&str; 7] = ["F1", "F3", "F5", "F6", "F7", "F11", "F12"];
