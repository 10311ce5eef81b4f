//! ダウンロード of 資格確認履歴照会: every hit of the conditions, read a page at a time, as CSV in the
//! character set staff choose (decisions.md D6).

use leptos::prelude::*;
use onshi_core::{
    client::HistorySearch,
    contract::groups::HistoryItem,
    export::{CsvEncoding, HistoryRow},
};

use crate::{error::ApiError, labels, state::Api};

/// Rows per request while a download pages through every hit (the contract's largest page).
const DOWNLOAD_PAGE: usize = 1000;

/// A CSV refused in CP932, kept so that the same rows can be saved as UTF-8.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Refused {
    pub(super) message: String,
    pub(super) name: String,
    pub(super) rows: Vec<HistoryRow>,
}

/// Every hit of `search`, newest first, read a page of [`DOWNLOAD_PAGE`] at a time. The period's end
/// is fixed in `search`, so a result recorded meanwhile cannot shift the pages.
pub(super) async fn every_hit(
    api: Api,
    search: &HistorySearch,
) -> Result<Vec<HistoryItem>, ApiError> {
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let mut one = search.clone();
        one.page = Some(page);
        one.per_page = Some(DOWNLOAD_PAGE);
        let answer = api.history(&one).await?;
        let done = answer.items.is_empty() || items.len() + answer.items.len() >= answer.total;
        items.extend(answer.items);
        if done {
            return Ok(items);
        }
        page += 1;
    }
}

/// The character set of the CSV, chosen next to ダウンロード.
#[component]
pub(super) fn EncodingChoice(encoding: RwSignal<CsvEncoding>) -> impl IntoView {
    view! {
        <fieldset class="choices-inline history-encoding">
            <legend>{labels::CSV_ENCODING}</legend>
            {CsvEncoding::ALL
                .into_iter()
                .map(|option| {
                    view! {
                        <label class="choice-inline">
                            <input
                                type="radio"
                                name="csv_encoding"
                                value=match option {
                                    CsvEncoding::Utf8Bom => "utf-8",
                                    CsvEncoding::Cp932 => "cp932",
                                }
                                prop:checked=move || encoding.get() == option
                                on:change=move |_| encoding.set(option)
                            />
                            {option.label()}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
