//! The core's work as the page runs it, exported to JavaScript for the in-page benchmarks of
//! `scripts/bench history` and `scripts/bench decode` (BENCHMARKS.md).
//!
//! `history` holds a training store of any size behind the training dispatcher, queried exactly as the
//! app's training transport queries it (a contract request in, the JSON answer read back by the
//! client); `decode` builds the 10,000-unit bulk result of `benches/decode.rs` and decodes it. The
//! work itself is plain Rust with its own errors, so host tests cover it; the exports below only turn
//! those errors into JavaScript exceptions.

mod decode;
mod history;

use onshi_core::{client::ClientError, store::StoreError, wire};
use wasm_bindgen::prelude::*;

pub use decode::{bulk_message, decode_wire, decode_wire_and_domain};
pub use history::{HistoryBench, Search};

/// Why a benchmark step failed; each carries what it was working on.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("a synthetic answer could not be written: {0}")]
    Encode(#[from] wire::EncodeError),
    #[error("the bulk result did not decode: {0}")]
    Decode(#[from] wire::DecodeError),
    #[error("the store refused the synthetic history: {0}")]
    Store(#[from] StoreError),
    #[error("the dispatcher's answer to {path} was not the expected one: {error}")]
    Answer { path: String, error: ClientError },
    #[error("{value:?} is not a history search's {parameter}")]
    Parameter {
        parameter: &'static str,
        value: String,
    },
    #[error("the fixed benchmark time {what} is not a real time")]
    Time { what: &'static str },
}

/// A training dispatcher with `count` synthetic history records, signed in as 002.
#[wasm_bindgen]
pub struct History(HistoryBench);

#[wasm_bindgen]
impl History {
    /// Builds the store: the canned training data, then `count` records spread over the two years
    /// before the fixed "now" (2026-11-22 09:00 in Tokyo), each the simulator's answer for one of 1,000
    /// synthetic people.
    #[wasm_bindgen(constructor)]
    pub fn new(count: usize) -> Result<History, JsError> {
        Ok(History(HistoryBench::new(count)?))
    }

    /// The bytes the stored records hold (structs, strings and messages), without the allocator's
    /// own overhead.
    #[wasm_bindgen(js_name = recordBytes)]
    pub fn record_bytes(&self) -> f64 {
        self.0.record_bytes() as f64
    }

    /// Of [`History::record_bytes`], the result messages kept for 詳細 and download.
    #[wasm_bindgen(js_name = messageBytes)]
    pub fn message_bytes(&self) -> f64 {
        self.0.message_bytes() as f64
    }

    /// One page of a search through the dispatcher: `[total, id, id, …]`. `kind` and `narrow` take
    /// the contract's values (`all`, `insurance_card`, `valid`, …); bounds are Tokyo
    /// `YYYY-MM-DDTHH:MM` or RFC 3339.
    pub fn query(
        &mut self,
        from: &str,
        to: &str,
        kind: &str,
        narrow: &str,
        page: usize,
        per_page: usize,
    ) -> Result<Vec<f64>, JsError> {
        let search = Search::new(from, to, kind, narrow, page, per_page)?;
        let found = self.0.query(&search)?;
        Ok(std::iter::once(found.total as f64)
            .chain(found.ids.iter().map(|&id| id as f64))
            .collect())
    }

    /// Page `page` (of 1,000 rows, newest first) of the whole history, as the dispatcher's JSON
    /// answer: how the JavaScript peer gets the very rows the app would show.
    #[wasm_bindgen(js_name = rowsJson)]
    pub fn rows_json(&mut self, page: usize) -> Result<String, JsError> {
        Ok(self.0.rows_json(page)?)
    }
}

/// The 10,000-unit bulk result of the host benchmark (`units` of them), in UTF-8.
#[wasm_bindgen(js_name = bulkMessage)]
pub fn bulk_message_js(units: usize) -> Result<Vec<u8>, JsError> {
    Ok(bulk_message(units)?)
}

/// Decodes a bulk result into wire types; answers the number of units.
#[wasm_bindgen(js_name = decodeWire)]
pub fn decode_wire_js(bytes: &[u8]) -> Result<usize, JsError> {
    Ok(decode_wire(bytes)?)
}

/// Decodes a bulk result and converts every qualification into domain values; answers the number
/// of qualifications converted.
#[wasm_bindgen(js_name = decodeWireAndDomain)]
pub fn decode_wire_and_domain_js(bytes: &[u8]) -> Result<usize, JsError> {
    Ok(decode_wire_and_domain(bytes)?)
}
