//! S3 資格確認履歴照会: the history search (seed 000 Case1, seed 001; decisions.md D9), and its
//! detail 資格確認履歴詳細 (S4, [`super::history_detail`]) on the same address.
//!
//! The conditions start at the guides' defaults (today 00:00 to now) and are checked by the core
//! before anything is sent, with each message next to its field; the endpoint's own findings land on
//! the same fields. The screen searches once as it opens. Results come 20 to a page with the guides'
//! header 「検索結果：N件 a-b件表示 <<前へ 1 2 … 次へ>>」. While the screen is open it follows the
//! endpoint's events: each new qualification result runs the search again (a 至 left at its default
//! moves to the new now), and rows that arrived this way are marked 「新着」.
//!
//! ダウンロード saves every hit of the conditions, not only the page, as CSV in the character set staff
//! choose; a CP932 file that cannot carry a character is refused with the row and the character, and
//! the same rows can be saved as UTF-8 instead (D6). 「詳細」 opens S4; its 戻る comes back to this
//! list with the same conditions and page.
//!
//! The page holds the search and its state; the form's parts are in `conditions`, the list in
//! `results`, and the CSV's paging and character set in `csv_download`.

use std::collections::BTreeSet;

use leptos::{prelude::*, task::spawn_local};
use onshi_core::{
    catalogue,
    client::HistorySearch,
    contract::{EventKind, groups::HistoryItem},
    export::{self, CsvEncoding, HistoryRow},
    validate::history::{
        self, HistoryForm, HistoryKind, NARROWS, earliest_day, narrow_label, picker_date, until_now,
    },
};

use crate::{
    components::{Frame, SubmitButton, TextField},
    error::ApiError,
    labels,
    pages::history_detail::HistoryDetail,
    platform::download,
    state::{use_api, use_capabilities, use_clock, use_events, use_session},
    transport::{FeedItem, Subscription},
};

mod conditions;
mod csv_download;
mod results;

use conditions::{Bound, Choice, FIELDS, Fields};
use csv_download::{EncodingChoice, Refused, every_hit};
use results::{Listing, Pager, ResultTable};

/// Rows per page (D9).
const PER_PAGE: usize = 20;

/// The search the list shows.
#[derive(Clone, Debug, PartialEq)]
struct Applied {
    search: HistorySearch,
    /// 至 was "now" when it was searched: a live refresh moves it to the new now.
    to_is_now: bool,
}

/// Why a search runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    /// 検索 (or the first search): new conditions, from page 1.
    Search,
    /// A page link.
    Page,
    /// A result arrived through the event feed.
    Live,
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let api = use_api();
    let clock = use_clock();
    let session = use_session();
    let events = use_events();
    // How far back the endpoint's history reaches: the endpoint says so in its capabilities.
    let capabilities = use_capabilities();

    let fields = Fields::new(HistoryForm::defaults(clock.now()));
    let findings = RwSignal::new(Vec::<(String, String)>::new());
    let refusal = RwSignal::new(None::<String>);
    let applied = RwSignal::new(None::<Applied>);
    let listing = RwSignal::new(None::<Listing>);
    let pending = RwSignal::new(false);
    // The ids of results the event feed announced since the last 検索: the rows marked 「新着」.
    let arrived = RwSignal::new(BTreeSet::<u64>::new());
    let detail = RwSignal::new(None::<HistoryItem>);
    let encoding = RwSignal::new(CsvEncoding::default());
    let downloading = RwSignal::new(false);
    let download_error = RwSignal::new(None::<String>);
    let refused = RwSignal::new(None::<Refused>);
    // Only the newest run's answer is shown: a live refresh may cross a search staff started.
    let latest_run = StoredValue::new(0_u64);
    let subscription = StoredValue::new(None::<Subscription>);
    on_cleanup(move || {
        // Dropping the subscription stops the feed and closes its connection.
        subscription.try_set_value(None);
    });

    let error_for = move |field: &'static str| {
        Signal::derive(move || {
            findings.with(|all| {
                all.iter()
                    .find(|(f, _)| f == field)
                    .map(|(_, message)| message.clone())
            })
        })
    };

    // The endpoint refused: its findings go to their fields, anything else above the buttons.
    let show_refusal = move |error: &ApiError| {
        let (at_fields, elsewhere): (Vec<_>, Vec<_>) = error
            .field_errors()
            .iter()
            .map(|e| (e.field.clone(), e.message.clone()))
            .partition(|(field, _)| FIELDS.contains(&field.as_str()));
        if at_fields.is_empty() || !elsewhere.is_empty() {
            let mut text = error.message();
            for (_, message) in &elsewhere {
                text.push(' ');
                text.push_str(message);
            }
            refusal.set(Some(text));
        }
        findings.set(at_fields);
    };

    // The conditions checked by the core; `None` (with the findings shown) when they do not pass.
    let checked = move || {
        let now = clock.now();
        fields.follow_now(now);
        match history::history(
            &fields.form(),
            now,
            untrack(|| capabilities.history_window()),
        ) {
            Ok(search) => {
                findings.set(Vec::new());
                Some(Applied {
                    search,
                    to_is_now: fields.to_is_now.get_untracked(),
                })
            }
            Err(found) => {
                findings.set(
                    found
                        .into_iter()
                        .map(|f| (f.field.to_owned(), f.message))
                        .collect(),
                );
                None
            }
        }
    };

    let run = move |conditions: Applied, page: usize, why: Run| {
        let run_id = latest_run.get_value() + 1;
        latest_run.set_value(run_id);
        let mut search = conditions.search.clone();
        search.page = Some(page);
        search.per_page = Some(PER_PAGE);
        if why != Run::Live {
            pending.set(true);
            refusal.set(None);
        }
        spawn_local(async move {
            // A page seen in this session shows at once (D4); the endpoint's answer then replaces
            // it, since results may have arrived since.
            if why != Run::Live
                && let Some(page) = api.cached_history(&search).await
                && latest_run.try_get_value() == Some(run_id)
            {
                let searched_total = match (why, listing.get_untracked()) {
                    (Run::Search, _) | (_, None) => page.total,
                    (_, Some(before)) => before.searched_total,
                };
                listing.set(Some(Listing {
                    page,
                    searched_total,
                }));
            }
            let answer = api.history(&search).await;
            if latest_run.try_get_value() != Some(run_id) {
                return;
            }
            pending.set(false);
            match answer {
                Ok(page) => {
                    if why == Run::Search {
                        arrived.set(BTreeSet::new());
                    }
                    let searched_total = match (why, listing.get_untracked()) {
                        (Run::Search, _) | (_, None) => page.total,
                        (_, Some(before)) => before.searched_total,
                    };
                    applied.set(Some(conditions));
                    listing.set(Some(Listing {
                        page,
                        searched_total,
                    }));
                }
                // A failed live refresh leaves the list as it was; the next event tries again.
                Err(_) if why == Run::Live => {}
                Err(error) => show_refusal(&error),
            }
        });
    };

    let search = move || {
        if let Some(conditions) = checked() {
            run(conditions, 1, Run::Search);
        }
    };
    let go_to = move |page: usize| {
        if let Some(conditions) = applied.get_untracked() {
            run(conditions, page, Run::Page);
        }
    };
    let refresh = move || {
        let Some(mut conditions) = applied.get_untracked() else {
            return;
        };
        if conditions.to_is_now {
            let now = clock.now();
            conditions.search.to = Some(until_now(now));
            fields.follow_now(now);
        }
        let page = listing.with_untracked(|l| l.as_ref().map_or(1, |l| l.page.page));
        run(conditions, page, Run::Live);
    };
    let clear = move |_| {
        fields.reset(HistoryForm::defaults(clock.now()));
        findings.set(Vec::new());
        refusal.set(None);
        download_error.set(None);
        refused.set(None);
    };

    let save = move |name: &str, chosen: CsvEncoding, bytes: &[u8]| {
        if download::save(name, chosen.media_type(), bytes).is_err() {
            download_error.set(Some(labels::DOWNLOAD_FAILED.to_owned()));
        }
    };
    let download_all = move |_| {
        if downloading.get_untracked() {
            return;
        }
        download_error.set(None);
        refused.set(None);
        refusal.set(None);
        let Some(conditions) = checked() else {
            return;
        };
        let chosen = encoding.get_untracked();
        let name = labels::history_csv_name(&clock.now().jst().format("%Y%m%d%H%M%S").to_string());
        downloading.set(true);
        spawn_local(async move {
            let fetched = every_hit(api, &conditions.search).await;
            downloading.set(false);
            let items = match fetched {
                Ok(items) => items,
                Err(error) => {
                    show_refusal(&error);
                    return;
                }
            };
            let rows: Vec<HistoryRow> = items
                .iter()
                .enumerate()
                .map(|(i, item)| HistoryRow::of(i + 1, item))
                .collect();
            match export::history_csv(&rows, chosen) {
                Ok(bytes) => save(&name, chosen, &bytes),
                Err(error) => refused.set(Some(Refused {
                    message: error.message(),
                    name,
                    rows,
                })),
            }
        });
    };
    let save_utf8 = move |_| {
        let Some(kept) = refused.get_untracked() else {
            return;
        };
        match export::history_csv(&kept.rows, CsvEncoding::Utf8Bom) {
            Ok(bytes) => {
                refused.set(None);
                encoding.set(CsvEncoding::Utf8Bom);
                save(&kept.name, CsvEncoding::Utf8Bom, &bytes);
            }
            Err(error) => download_error.set(Some(error.message())),
        }
    };

    // The newest event id first, then the first search, then the feed from that id: a result recorded
    // meanwhile is both found and announced, never missed.
    let sink = move |item: &FeedItem| {
        if let FeedItem::Event(event) = item
            && event.kind == EventKind::Qualification
        {
            if let Some(id) = event
                .data
                .get("history_id")
                .and_then(serde_json::Value::as_u64)
            {
                arrived.update(|ids| {
                    ids.insert(id);
                });
            }
            refresh();
        }
    };
    spawn_local(async move {
        let after = api.newest_event_id().await.ok();
        search();
        if let Some(after) = after
            && let Some(following) = events.follow(after, sink)
        {
            // On a screen already gone, the subscription comes back and is dropped: the feed stops.
            drop(subscription.try_set_value(Some(following)));
        }
    });

    let institution = move || session.with(|s| s.map(|s| s.institution.code.clone()));
    let earliest =
        Memo::new(move |_| picker_date(earliest_day(clock.now(), capabilities.history_window())));
    let conditions = move || {
        view! {
            <form
                class="history-conditions"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    search();
                }
            >
                <div class="history-conditions-head">
                    <h2 class="history-heading">{labels::HISTORY_CONDITIONS}</h2>
                    <span class="history-required">{labels::REQUIRED_NOTE}</span>
                </div>
                <div class="history-row">
                    <div class="field history-fixed">
                        <span class="field-label">"* " {labels::LABEL_INSTITUTION_CODE}</span>
                        <span class="history-fixed-value" data-testid="institution-code">{institution}</span>
                    </div>
                </div>
                <div class="history-row history-period">
                    <Bound
                        id="from"
                        label=catalogue::LABEL_HISTORY_FROM
                        date=fields.from_date
                        time=fields.from_time
                        min=earliest
                        error=error_for("from")
                        on_edit=Callback::new(|_| {})
                    />
                    <span class="history-tilde" aria-hidden="true">"~"</span>
                    <Bound
                        id="to"
                        label=catalogue::LABEL_HISTORY_TO
                        date=fields.to_date
                        time=fields.to_time
                        min=earliest
                        error=error_for("to")
                        on_edit=Callback::new(move |_| fields.to_is_now.set(false))
                    />
                </div>
                <div class="history-row">
                    <Choice
                        id="kind"
                        label=labels::LABEL_HISTORY_KIND
                        options=HistoryKind::ALL.iter().map(|k| (*k, k.label())).collect()
                        value=fields.kind
                        error=error_for("kind")
                    />
                    <Choice
                        id="narrow"
                        label=labels::LABEL_HISTORY_NARROW
                        options=NARROWS.iter().map(|n| (*n, narrow_label(*n))).collect()
                        value=fields.narrow
                        error=error_for("narrow")
                    />
                </div>
                <div class="history-row">
                    <TextField id="login_id" label=catalogue::LABEL_LOGIN_ID value=fields.login_id error=error_for("login_id") />
                    <TextField id="reference_number" label=catalogue::LABEL_REFERENCE_NUMBER value=fields.reference_number error=error_for("reference_number") />
                </div>
                <p class="form-error" role="alert" data-testid="history-error">{move || refusal.get()}</p>
                <div class="history-buttons">
                    <SubmitButton label=labels::SEARCH_BUTTON pending=pending />
                    <button type="button" class="button" data-testid="history-download" on:click=download_all disabled=move || downloading.get()>
                        {move || if downloading.get() { labels::PROCESSING } else { labels::DOWNLOAD }}
                    </button>
                    <EncodingChoice encoding=encoding />
                    <button type="button" class="button" on:click=clear>{labels::CLEAR}</button>
                </div>
                <p class="form-error" role="alert" data-testid="download-error">{move || download_error.get()}</p>
                {move || refused.get().map(|r| view! {
                    <div class="notice history-refused" role="alert" data-testid="csv-refused">
                        <p>{r.message}</p>
                        <button type="button" class="button" on:click=save_utf8>{labels::CSV_SAVE_UTF8}</button>
                    </div>
                })}
            </form>
        }
    };

    let results = move || {
        listing.get().map(
            |Listing {
                 page,
                 searched_total,
             }| {
                let new_count = page.total.saturating_sub(searched_total);
                view! {
                    <section class="history-results" aria-live="polite">
                        <p class="history-new" role="status" data-testid="history-new">
                            {(new_count > 0).then(|| labels::history_new_rows(new_count))}
                        </p>
                        <Pager page=page.clone() go_to=Callback::new(go_to) />
                        <ResultTable page=page arrived=arrived detail=detail />
                    </section>
                }
            },
        )
    };

    let screen = Signal::derive(move || match detail.with(Option::is_some) {
        true => labels::SCREEN_HISTORY_DETAIL,
        false => labels::TILE_HISTORY,
    });
    view! {
        <Frame screen=screen footer=Signal::derive(move || detail.with(Option::is_none))>
            {move || match detail.get() {
                Some(item) => view! {
                    <HistoryDetail item=item on_back=Callback::new(move |_| detail.set(None)) />
                }
                .into_any(),
                None => view! { <div class="history">{conditions}{results}</div> }.into_any(),
            }}
        </Frame>
    }
}
