//! Onshi's browser app: a Leptos single-page app compiled to WebAssembly.
//!
//! Screens live in `pages` (one file each) inside the shared `components::Frame`; shared state goes
//! through the typed contexts of `state`; every link goes through `route::Route`. Only `platform`
//! touches browser storage, time and randomness, and only `transport` knows who answers the
//! contract. Failures become Japanese text in one place, `error`.

pub mod app;
pub mod components;
pub mod error;
pub mod keys;
pub mod labels;
pub mod menu;
pub mod pages;
pub mod platform;
pub mod route;
pub mod state;
pub mod transport;

pub use app::{App, AppRoutes};
