//! A training dispatcher over a synthetic history of any length, queried as training mode queries it.

use chrono::{NaiveDate, TimeDelta};
use onshi_core::{
    canned::{self, synthetic},
    client::{self, HistorySearch},
    contract::{Request, Response, groups::HistoryPage, session::SignedIn},
    dispatch::{Config, Dispatcher, Env},
    random::SeededRandom,
    simulator::NationalSide,
    store::{HistoryRecord, MemoryStore, Narrow},
    time::Timestamp,
};

use crate::BenchError;

/// How many synthetic people the history is made of.
const PEOPLE: usize = 1_000;
/// The most rows the contract gives in one page.
const ROWS_PER_PAGE: usize = 1_000;

/// A history search in the contract's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search(HistorySearch);

impl Search {
    pub fn new(
        from: &str,
        to: &str,
        kind: &str,
        narrow: &str,
        page: usize,
        per_page: usize,
    ) -> Result<Search, BenchError> {
        let parameter = |parameter, value: &str| BenchError::Parameter {
            parameter,
            value: value.to_owned(),
        };
        let kind = match kind {
            "all" => None,
            "my_number_card" | "insurance_card" => Some(kind.to_owned()),
            _ => return Err(parameter("kind", kind)),
        };
        let narrow = Narrow::parse(narrow).ok_or_else(|| parameter("narrow", narrow))?;
        Ok(Search(HistorySearch {
            from: Some(from.to_owned()),
            to: Some(to.to_owned()),
            kind,
            narrow,
            page: Some(page),
            per_page: Some(per_page),
            ..HistorySearch::default()
        }))
    }
}

/// What a search found: every match's count and the page's ids, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub total: usize,
    pub ids: Vec<u64>,
}

pub struct HistoryBench {
    dispatcher: Dispatcher,
    store: MemoryStore,
    random: SeededRandom,
    now: Timestamp,
    token: String,
    record_bytes: usize,
    message_bytes: usize,
}

impl HistoryBench {
    /// The canned training store with `count` synthetic records over the two years before
    /// 2026-11-22 09:00 (Tokyo), and a session of 002 on it.
    pub fn new(count: usize) -> Result<HistoryBench, BenchError> {
        let now = NaiveDate::from_ymd_opt(2026, 11, 22)
            .and_then(|d| Timestamp::from_jst(d, 9, 0, 0))
            .ok_or(BenchError::Time {
                what: "2026-11-22 09:00",
            })?;
        let mut random = SeededRandom::new(11);
        let side = NationalSide::with_people(synthetic::people(PEOPLE, &mut random));
        let records =
            synthetic::history(&side, count, now + TimeDelta::days(-730), now, &mut random)?;
        let record_bytes = records.iter().map(held_bytes).sum();
        let message_bytes = records.iter().map(|r| r.message.capacity()).sum();
        let mut store = canned::training_store();
        store.extend_history(records)?;
        let mut bench = HistoryBench {
            dispatcher: Dispatcher::new(Config::training()),
            store,
            random,
            now,
            token: String::new(),
            record_bytes,
            message_bytes,
        };
        let account = canned::TRAINING_ACCOUNTS
            .iter()
            .find(|a| a.user_id == "002")
            .ok_or(BenchError::Parameter {
                parameter: "user_id",
                value: "002".to_owned(),
            })?;
        let request = client::sign_in(account.user_id, account.password, true);
        let response = bench.send(&request);
        let signed_in: SignedIn = expect(&request, &response, 201)?;
        bench.token = signed_in.token;
        Ok(bench)
    }

    pub fn record_bytes(&self) -> usize {
        self.record_bytes
    }

    pub fn message_bytes(&self) -> usize {
        self.message_bytes
    }

    /// One dispatch, as the training transport makes it (without the IndexedDB transaction around it).
    fn send(&mut self, request: &Request) -> Response {
        let mut env = Env {
            now: self.now,
            random: &mut self.random,
        };
        self.dispatcher.dispatch(&mut self.store, &mut env, request)
    }

    /// `GET /qualifications` through the dispatcher, its answer read by the client as the app reads it.
    pub fn query(&mut self, search: &Search) -> Result<Found, BenchError> {
        let request = client::history(&self.token, &search.0);
        let response = self.send(&request);
        let page: HistoryPage = expect(&request, &response, 200)?;
        Ok(Found {
            total: page.total,
            ids: page.items.iter().map(|i| i.id).collect(),
        })
    }

    /// Page `page` of every record, newest first, 1,000 rows a page, as the dispatcher's JSON body.
    pub fn rows_json(&mut self, page: usize) -> Result<String, BenchError> {
        let search = HistorySearch {
            from: Some((self.now + TimeDelta::days(-730)).to_rfc3339()),
            to: Some(self.now.to_rfc3339()),
            page: Some(page),
            per_page: Some(ROWS_PER_PAGE),
            ..HistorySearch::default()
        };
        let request = client::history(&self.token, &search);
        let response = self.send(&request);
        // Read it once to be sure it is the page and not a refusal.
        let _: HistoryPage = expect(&request, &response, 200)?;
        String::from_utf8(response.body).map_err(|e| BenchError::Answer {
            path: request.path().to_owned(),
            error: client::ClientError::Decode {
                status: 200,
                message: e.to_string(),
            },
        })
    }
}

fn expect<T: serde::de::DeserializeOwned>(
    request: &Request,
    response: &Response,
    status: u16,
) -> Result<T, BenchError> {
    client::expect_json(response, status).map_err(|error| BenchError::Answer {
        path: request.path().to_owned(),
        error,
    })
}

/// The bytes a record holds: the struct, and the heap capacity of its strings and message.
fn held_bytes(record: &HistoryRecord) -> usize {
    let strings = [
        Some(&record.login_id),
        record.reader_id.as_ref(),
        Some(&record.classification),
        record.validity.as_ref(),
        record.reference_number.as_ref(),
        record.insurer_number.as_ref(),
        record.symbol.as_ref(),
        record.number.as_ref(),
        record.branch.as_ref(),
        record.name.as_ref(),
        record.kana.as_ref(),
        record.sex.as_ref(),
    ];
    size_of::<HistoryRecord>()
        + strings
            .into_iter()
            .flatten()
            .map(String::capacity)
            .sum::<usize>()
        + record.message.capacity()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dispatcher's page is the plain filter's: newest first, the same count and the same rows.
    #[test]
    fn the_dispatchers_page_is_the_plain_filters() {
        let mut bench = HistoryBench::new(3_000).expect("builds");
        assert!(bench.message_bytes() > 3_000 * 500);
        assert!(bench.record_bytes() > bench.message_bytes());
        let search = Search::new(
            "2026-05-01T00:00",
            "2026-08-31T23:59",
            "insurance_card",
            "valid",
            3,
            20,
        )
        .expect("a search");
        let found = bench.query(&search).expect("answers");

        let mut rows = Vec::new();
        for page in 1..=3 {
            let body = bench.rows_json(page).expect("a page");
            let page: HistoryPage = serde_json::from_str(&body).expect("JSON");
            assert_eq!(page.total, 3_000);
            rows.extend(page.items);
        }
        let from = Timestamp::from_jst(NaiveDate::from_ymd_opt(2026, 5, 1).expect("date"), 0, 0, 0)
            .expect("time");
        let to = Timestamp::from_jst(
            NaiveDate::from_ymd_opt(2026, 8, 31).expect("date"),
            23,
            59,
            0,
        )
        .expect("time");
        let matching: Vec<u64> = rows
            .iter()
            .filter(|r| {
                r.confirmed_at.0 >= from
                    && r.confirmed_at.0 <= to
                    && r.classification.code == "2"
                    && r.validity
                        .as_ref()
                        .is_some_and(|v| v.code == "1" || v.code == "6")
            })
            .map(|r| r.id)
            .collect();
        assert!(matching.len() > 60, "{}", matching.len());
        assert_eq!(found.total, matching.len());
        assert_eq!(found.ids, matching[40..60]);
        assert!(found.ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    }

    #[test]
    fn a_search_names_only_the_contracts_values() {
        assert!(matches!(
            Search::new("2026-05-01", "2026-05-02", "card", "all", 1, 20),
            Err(BenchError::Parameter {
                parameter: "kind",
                ..
            })
        ));
        assert!(matches!(
            Search::new("2026-05-01", "2026-05-02", "all", "some", 1, 20),
            Err(BenchError::Parameter {
                parameter: "narrow",
                ..
            })
        ));
    }
}
