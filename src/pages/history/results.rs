//! The list of 資格確認履歴照会: the guides' header with its pages, and the table of results.

use std::collections::BTreeSet;

use leptos::prelude::*;
use onshi_core::{
    catalogue,
    contract::groups::{HistoryItem, HistoryPage as Page},
    export::HistoryRow,
};

use crate::labels;

/// The list as last answered.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Listing {
    pub(super) page: Page,
    /// How many hits the conditions had when they were searched (the live feed's count starts there).
    pub(super) searched_total: usize,
}

/// The pages to offer around `current` of `last`: the first, the last, and two either side of the
/// current one; `None` where pages are skipped (「…」).
fn page_links(current: usize, last: usize) -> Vec<Option<usize>> {
    let mut links = Vec::new();
    for page in 1..=last {
        let near = page.abs_diff(current) <= 2;
        if page == 1 || page == last || near {
            links.push(Some(page));
        } else if links.last().is_some_and(Option::is_some) {
            links.push(None);
        }
    }
    links
}

/// 「検索結果：N件 a-b件表示 <<前へ 1 2 … 次へ>>」 (seed 000 Case1 ⑤).
#[component]
pub(super) fn Pager(page: Page, go_to: Callback<usize>) -> impl IntoView {
    let last = page.total.div_ceil(page.per_page.max(1)).max(1);
    let current = page.page;
    let first_row = if page.items.is_empty() {
        0
    } else {
        (current - 1) * page.per_page + 1
    };
    let last_row = (current - 1) * page.per_page + page.items.len();
    let step = move |to: usize, text: &'static str, enabled: bool| {
        view! {
            <button
                type="button"
                class="pager-step"
                disabled=!enabled
                on:click=move |_| go_to.run(to)
            >
                {text}
            </button>
        }
    };
    view! {
        <div class="history-pager">
            <span class="history-summary" data-testid="history-summary">
                {labels::history_summary(page.total, first_row, last_row)}
            </span>
            <nav class="pager" aria-label=labels::PAGES data-testid="pager">
                {step(current.saturating_sub(1).max(1), labels::PAGE_PREVIOUS, current > 1)}
                {page_links(current, last)
                    .into_iter()
                    .map(|link| match link {
                        Some(n) if n == current => {
                            view! { <span class="pager-page pager-current" aria-current="page">{n}</span> }.into_any()
                        }
                        Some(n) => view! {
                            <button type="button" class="pager-page" on:click=move |_| go_to.run(n)>{n}</button>
                        }
                        .into_any(),
                        None => view! { <span class="pager-gap">"…"</span> }.into_any(),
                    })
                    .collect_view()}
                {step(current + 1, labels::PAGE_NEXT, current < last)}
            </nav>
        </div>
    }
}

/// The list: two lines per result as the guides print it, with 「詳細」.
#[component]
pub(super) fn ResultTable(
    page: Page,
    arrived: RwSignal<BTreeSet<u64>>,
    detail: RwSignal<Option<HistoryItem>>,
) -> impl IntoView {
    let offset = (page.page.max(1) - 1) * page.per_page;
    let empty = page.items.is_empty();
    view! {
        <table class="history-table" data-testid="history-table">
            <thead>
                <tr>
                    <th rowspan="2">{catalogue::COLUMN_NUMBER}</th>
                    <th>{catalogue::COLUMN_CONFIRMED_AT}</th>
                    <th>{catalogue::LABEL_LOGIN_ID}</th>
                    <th>{catalogue::LABEL_REFERENCE_NUMBER}</th>
                    <th>{catalogue::COLUMN_CLASSIFICATION}</th>
                    <th>{catalogue::COLUMN_RESULT}</th>
                    <th rowspan="2">{labels::DETAIL}</th>
                </tr>
                <tr>
                    <th>{catalogue::LABEL_INSURER_NUMBER}</th>
                    <th>{catalogue::COLUMN_SYMBOL_NUMBER_BRANCH}</th>
                    <th>{catalogue::COLUMN_NAME}</th>
                    <th>{catalogue::COLUMN_SEX}</th>
                    <th>{catalogue::LABEL_BIRTHDATE}</th>
                </tr>
            </thead>
            {empty.then(|| view! {
                <tbody>
                    <tr><td colspan="7" class="history-none">{labels::HISTORY_NONE}</td></tr>
                </tbody>
            })}
            {page
                .items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let row = HistoryRow::of(offset + i + 1, &item);
                    let id = item.id;
                    let fresh = move || arrived.with(|a| a.contains(&id));
                    view! {
                        <tbody class="history-entry" class:history-entry-new=fresh data-testid="history-entry" data-id=id.to_string()>
                            <tr>
                                <td rowspan="2" class="history-number" data-col="number">
                                    {row.number}
                                    {move || fresh().then(|| view! { <span class="history-badge">{labels::HISTORY_NEW_BADGE}</span> })}
                                </td>
                                <td data-col="confirmed_at">{row.confirmed_at}</td>
                                <td data-col="login_id">{row.login_id}</td>
                                <td data-col="reference_number">{row.reference_number}</td>
                                <td data-col="classification">{row.classification}</td>
                                <td data-col="result">{row.result}</td>
                                <td rowspan="2" class="history-detail-cell">
                                    <button type="button" class="button button-small" on:click=move |_| detail.set(Some(item.clone()))>
                                        {labels::DETAIL}
                                    </button>
                                </td>
                            </tr>
                            <tr>
                                <td data-col="insurer_number">{row.insurer_number}</td>
                                <td data-col="symbol_number_branch">{row.symbol_number_branch}</td>
                                <td data-col="name">{row.name}</td>
                                <td data-col="sex">{row.sex}</td>
                                <td data-col="birthdate">{row.birthdate}</td>
                            </tr>
                        </tbody>
                    }
                })
                .collect_view()}
        </table>
    }
}
