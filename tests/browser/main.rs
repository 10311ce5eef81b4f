//! Browser tests (wasm-bindgen-test in headless Chromium): the platform adapters and the screens,
//! mounted with their real contexts. One test binary, one module per area (decisions.md D8).

#![cfg(target_arch = "wasm32")]

mod fake_fetch;
mod fake_usb;
mod fake_worker;
mod raw_idb;
mod support;
mod world;

mod card_reader;
mod errors;
mod events;
mod history;
mod http;
mod inquiry;
mod keys;
mod new_version;
mod outbox;
mod outbox_store;
mod passcode;
mod password_change;
mod reader_panel;
mod readers;
mod reception;
mod session_cache;
mod settings;
mod shell;
mod training_reader;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
