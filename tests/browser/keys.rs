//! The key map (docs/decisions.md D11): checked against the keys Chrome keeps for itself.

use onshi::keys::{BROWSER_KEYS, Command};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn the_key_map_never_uses_a_key_chrome_keeps() {
    for command in Command::ALL {
        assert!(
            !BROWSER_KEYS.contains(&command.key()),
            "{command:?} is on {}, which Chrome keeps",
            command.key()
        );
    }
    assert_eq!(
        BROWSER_KEYS,
        ["F1", "F3", "F5", "F6", "F7", "F11", "F12"],
        "the list the map is checked against is the one docs/decisions.md D11 gives"
    );
}

#[wasm_bindgen_test]
fn each_key_runs_one_command_and_each_command_has_one_key() {
    for command in Command::ALL {
        assert_eq!(Command::for_key(command.key()), Some(command));
    }
    let mut keys: Vec<_> = Command::ALL.iter().map(|c| c.key()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), Command::ALL.len(), "two commands share a key");
    for key in ["Enter", "Escape", "F1", "f8", ""] {
        assert_eq!(Command::for_key(key), None, "{key:?}");
    }
}
