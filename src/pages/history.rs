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

use std::collections::BTreeSet;

use leptos::{prelude::*, task::spawn_local};
use onshi_core::{
    catalogue,
    client::HistorySearch,
    contract::groups::{HistoryItem, HistoryPage as Page},
    export::{self, CsvEncoding, HistoryRow},
    store::{EventKind, Narrow},
    validate::history::{
        self, HistoryForm, HistoryKind, NARROWS, earliest_day, narrow_label, now_minute,
        picker_date, until_now,
    },
};

use crate::{
    components::{Frame, TextField},
    error::ApiError,
    pages::history_detail::HistoryDetail,
    platform::download,
    state::{Api, use_api, use_capabilities, use_clock, use_events, use_session},
    transport::{FeedItem, Subscription},
};

/// Rows per page (D9).
const PER_PAGE: usize = 20;
/// Rows per request while a download pages through every hit (the contract's largest page).
const DOWNLOAD_PAGE: usize = 1000;
/// The fields the endpoint may name in its findings, each shown next to its input.
const FIELDS: [&str; 6] = [
    "from",
    "to",
    "kind",
    "narrow",
    "login_id",
    "reference_number",
];

/// The conditions as typed.
#[derive(Clone, Copy)]
struct Fields {
    from_date: RwSignal<String>,
    from_time: RwSignal<String>,
    to_date: RwSignal<String>,
    to_time: RwSignal<String>,
    kind: RwSignal<HistoryKind>,
    narrow: RwSignal<Narrow>,
    login_id: RwSignal<String>,
    reference_number: RwSignal<String>,
    /// Whether 至 still holds its default, "now": then it moves to the current minute whenever the
    /// search runs, so that results arriving later are found.
    to_is_now: RwSignal<bool>,
}

impl Fields {
    fn new(defaults: HistoryForm) -> Fields {
        Fields {
            from_date: RwSignal::new(defaults.from_date),
            from_time: RwSignal::new(defaults.from_time),
            to_date: RwSignal::new(defaults.to_date),
            to_time: RwSignal::new(defaults.to_time),
            kind: RwSignal::new(defaults.kind),
            narrow: RwSignal::new(defaults.narrow),
            login_id: RwSignal::new(defaults.login_id),
            reference_number: RwSignal::new(defaults.reference_number),
            to_is_now: RwSignal::new(true),
        }
    }

    /// 「クリア」: the defaults again.
    fn reset(&self, defaults: HistoryForm) {
        self.from_date.set(defaults.from_date);
        self.from_time.set(defaults.from_time);
        self.to_date.set(defaults.to_date);
        self.to_time.set(defaults.to_time);
        self.kind.set(defaults.kind);
        self.narrow.set(defaults.narrow);
        self.login_id.set(defaults.login_id);
        self.reference_number.set(defaults.reference_number);
        self.to_is_now.set(true);
    }

    /// A 至 still at its default shows the current minute.
    fn follow_now(&self, now: onshi_core::time::Timestamp) {
        if self.to_is_now.get_untracked() {
            self.to_date.set(picker_date(now.jst_date()));
            self.to_time.set(now_minute(now));
        }
    }

    fn form(&self) -> HistoryForm {
        HistoryForm {
            from_date: self.from_date.get_untracked(),
            from_time: self.from_time.get_untracked(),
            to_date: self.to_date.get_untracked(),
            to_time: self.to_time.get_untracked(),
            kind: self.kind.get_untracked(),
            narrow: self.narrow.get_untracked(),
            login_id: self.login_id.get_untracked(),
            reference_number: self.reference_number.get_untracked(),
        }
    }
}

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

/// The list as last answered.
#[derive(Clone, Debug, PartialEq)]
struct Listing {
    page: Page,
    /// How many hits the conditions had when they were searched (the live feed's count starts there).
    searched_total: usize,
}

/// A CSV refused in CP932, kept so that the same rows can be saved as UTF-8.
#[derive(Clone, Debug, PartialEq)]
struct Refused {
    message: String,
    name: String,
    rows: Vec<HistoryRow>,
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
            download_error.set(Some(catalogue::DOWNLOAD_FAILED.to_owned()));
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
        let name =
            catalogue::history_csv_name(&clock.now().jst().format("%Y%m%d%H%M%S").to_string());
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
                    <h2 class="history-heading">{catalogue::HISTORY_CONDITIONS}</h2>
                    <span class="history-required">{catalogue::REQUIRED_NOTE}</span>
                </div>
                <div class="history-row">
                    <div class="field history-fixed">
                        <span class="field-label">"* " {catalogue::LABEL_INSTITUTION_CODE}</span>
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
                        label=catalogue::LABEL_HISTORY_KIND
                        options=HistoryKind::ALL.iter().map(|k| (*k, k.label())).collect()
                        value=fields.kind
                        error=error_for("kind")
                    />
                    <Choice
                        id="narrow"
                        label=catalogue::LABEL_HISTORY_NARROW
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
                    <button type="submit" class="button button-primary" disabled=move || pending.get()>
                        {move || if pending.get() { catalogue::PROCESSING } else { catalogue::SEARCH_BUTTON }}
                    </button>
                    <button type="button" class="button" data-testid="history-download" on:click=download_all disabled=move || downloading.get()>
                        {move || if downloading.get() { catalogue::PROCESSING } else { catalogue::DOWNLOAD }}
                    </button>
                    <fieldset class="choices-inline history-encoding">
                        <legend>{catalogue::CSV_ENCODING}</legend>
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
                    <button type="button" class="button" on:click=clear>{catalogue::CLEAR}</button>
                </div>
                <p class="form-error" role="alert" data-testid="download-error">{move || download_error.get()}</p>
                {move || refused.get().map(|r| view! {
                    <div class="notice history-refused" role="alert" data-testid="csv-refused">
                        <p>{r.message}</p>
                        <button type="button" class="button" on:click=save_utf8>{catalogue::CSV_SAVE_UTF8}</button>
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
                            {(new_count > 0).then(|| catalogue::history_new_rows(new_count))}
                        </p>
                        <Pager page=page.clone() go_to=Callback::new(go_to) />
                        <ResultTable page=page arrived=arrived detail=detail />
                    </section>
                }
            },
        )
    };

    let screen = Signal::derive(move || match detail.with(Option::is_some) {
        true => catalogue::SCREEN_HISTORY_DETAIL,
        false => catalogue::TILE_HISTORY,
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

/// Every hit of `search`, newest first, read a page of [`DOWNLOAD_PAGE`] at a time. The period's end
/// is fixed in `search`, so a result recorded meanwhile cannot shift the pages.
async fn every_hit(api: Api, search: &HistorySearch) -> Result<Vec<HistoryItem>, ApiError> {
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

/// One end of the period: a date and a time, each with its own picker, and one message.
#[component]
fn Bound(
    id: &'static str,
    label: &'static str,
    date: RwSignal<String>,
    time: RwSignal<String>,
    /// The earliest date the picker offers (the endpoint's history window back).
    #[prop(into)]
    min: Signal<String>,
    error: Signal<Option<String>>,
    /// Staff changed the date or the time.
    on_edit: Callback<()>,
) -> impl IntoView {
    let date_id = format!("{id}_date");
    let time_id = format!("{id}_time");
    let message_id = format!("{id}-message");
    let invalid = move || {
        if error.with(Option::is_some) {
            "true"
        } else {
            "false"
        }
    };
    view! {
        <div class="field history-bound" class:field-invalid=move || error.with(Option::is_some)>
            <label for=date_id.clone() class="field-label">"* " {label}</label>
            <div class="history-bound-inputs">
                <input
                    id=date_id
                    type="date"
                    class="field-input"
                    min=move || min.get()
                    aria-label=format!("{label} {}", catalogue::LABEL_DATE)
                    aria-invalid=invalid
                    aria-describedby=message_id.clone()
                    prop:value=move || date.get()
                    on:input=move |ev| {
                        date.set(event_target_value(&ev));
                        on_edit.run(());
                    }
                />
                <input
                    id=time_id
                    type="time"
                    class="field-input"
                    aria-label=format!("{label} {}", catalogue::LABEL_TIME)
                    aria-invalid=invalid
                    aria-describedby=message_id.clone()
                    prop:value=move || time.get()
                    on:input=move |ev| {
                        time.set(event_target_value(&ev));
                        on_edit.run(());
                    }
                />
            </div>
            <p id=message_id class="field-message" role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A required choice from a short list.
#[component]
fn Choice<T: Copy + PartialEq + Send + Sync + 'static>(
    id: &'static str,
    label: &'static str,
    options: Vec<(T, &'static str)>,
    value: RwSignal<T>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let message_id = format!("{id}-message");
    let chosen = options.clone();
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id class="field-label">"* " {label}</label>
            <select
                id=id
                class="field-input"
                aria-describedby=message_id.clone()
                on:change=move |ev| {
                    let index = event_target_value(&ev).parse::<usize>().ok();
                    if let Some((option, _)) = index.and_then(|i| chosen.get(i)) {
                        value.set(*option);
                    }
                }
            >
                {options
                    .into_iter()
                    .enumerate()
                    .map(|(index, (option, text))| {
                        view! {
                            <option value=index.to_string() prop:selected=move || value.get() == option>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p id=message_id class="field-message" role="alert">{move || error.get()}</p>
        </div>
    }
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
fn Pager(page: Page, go_to: Callback<usize>) -> impl IntoView {
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
                {catalogue::history_summary(page.total, first_row, last_row)}
            </span>
            <nav class="pager" aria-label=catalogue::PAGES data-testid="pager">
                {step(current.saturating_sub(1).max(1), catalogue::PAGE_PREVIOUS, current > 1)}
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
                {step(current + 1, catalogue::PAGE_NEXT, current < last)}
            </nav>
        </div>
    }
}

/// The list: two lines per result as the guides print it, with 「詳細」.
#[component]
fn ResultTable(
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
                    <th rowspan="2">{catalogue::DETAIL}</th>
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
                    <tr><td colspan="7" class="history-none">{catalogue::HISTORY_NONE}</td></tr>
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
                                    {move || fresh().then(|| view! { <span class="history-badge">{catalogue::HISTORY_NEW_BADGE}</span> })}
                                </td>
                                <td data-col="confirmed_at">{row.confirmed_at}</td>
                                <td data-col="login_id">{row.login_id}</td>
                                <td data-col="reference_number">{row.reference_number}</td>
                                <td data-col="classification">{row.classification}</td>
                                <td data-col="result">{row.result}</td>
                                <td rowspan="2" class="history-detail-cell">
                                    <button type="button" class="button button-small" on:click=move |_| detail.set(Some(item.clone()))>
                                        {catalogue::DETAIL}
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
