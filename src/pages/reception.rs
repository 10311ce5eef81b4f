//! 「マイナンバーカードで確認」: the reception screen that waits for reader results (decisions.md D9;
//! seed 000 Case1, seed 002's patient at the reader).
//!
//! When it opens, the screen first learns the newest event id, then lists today's earlier reader
//! results from the history, and then follows the event feed from that id: old results never flood
//! in as news, none that arrives meanwhile is missed, and a result both listed and announced is shown
//! once. A result that arrives while the screen is open goes to the top of the list, marked 「新着」
//! and announced to screen readers. Choosing a result shows it as 資格情報確認 (S6) with the same
//! buttons, after the reader, the time and the patient's viewing consents.
//!
//! The readers are named from the shared list of readers (`use_readers()`). In training, the
//! patient's side of Case1 is played on the frame's reader panel (S9); its results arrive here
//! through the feed like any reader's.
//!
//! Above the list, the general-purpose card reader (`components::card_reader`) reads the
//! card itself where there is no face reader; its result opens here as 資格情報確認 in the same way.
//!
//! Above both, an alert tells of each face reader result file the endpoint could not read
//! (`face_unreadable` events): its patient appears in no list, so staff must hear of it,
//! with when it came, why in their words, and what to do (保険証/処方箋で確認; the terminal's vendor if
//! it repeats). Those that arrived earlier today are read from the backlog of that kind when the
//! screen opens; new ones come through the feed. Nothing of the patient is shown (nothing of them
//! was read), and neither is the endpoint's English detail; the file's name is, small, for the vendor.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_navigate};
use onshi_core::{
    client::HistorySearch,
    codes::{CodeTable, QualificationValidity, ReferenceClassification},
    contract::EventKind,
    contract::groups::{Event, HistoryItem},
    exchange::Unreadable,
    time::Timestamp,
};
use serde::Deserialize;

use crate::{
    components::{CardReader, CardResult, Frame},
    error::face_unreadable_reason,
    labels,
    pages::qualification_check::{QualificationCheck, consent_rows},
    route::Route,
    state::{HistoryEntry, use_api, use_clock, use_events, use_readers},
    transport::{FeedEnd, FeedItem, Subscription},
};

/// The history's name for results of the マイナンバーカード (the contract's `kind`).
const MY_NUMBER_CARD: &str = "my_number_card";
/// How many of today's earlier results the list starts with.
const TODAY_LIMIT: usize = 100;

/// One reader result in the list.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    history_id: u64,
    at: Timestamp,
    reader_id: Option<String>,
    name: Option<String>,
    validity: Option<QualificationValidity>,
    /// Arrived while the screen was open, and not opened yet: the visible cue.
    fresh: bool,
}

impl Row {
    fn listed(item: &HistoryItem) -> Row {
        Row {
            history_id: item.id,
            at: item.confirmed_at.0,
            reader_id: item.reader_id.clone(),
            name: item.name.clone(),
            validity: item
                .validity
                .as_ref()
                .map(|v| QualificationValidity::from_code(&v.code)),
            fresh: false,
        }
    }

    fn outcome(&self) -> String {
        self.validity
            .as_ref()
            .map(|v| v.label().into_owned())
            .unwrap_or_default()
    }
}

/// Puts `row` into `rows` (newest first) unless it is there already; a row already there keeps its
/// cue and gains what it lacked.
fn merge(rows: &mut Vec<Row>, row: Row) {
    if let Some(known) = rows.iter_mut().find(|r| r.history_id == row.history_id) {
        known.fresh |= row.fresh;
        if known.name.is_none() {
            known.name = row.name;
        }
        return;
    }
    let at = rows
        .iter()
        .position(|r| r.history_id < row.history_id)
        .unwrap_or(rows.len());
    rows.insert(at, row);
}

/// A `qualification` event's data (contract/openapi.yaml, `GET /events`).
#[derive(Deserialize)]
struct QualificationEvent {
    history_id: u64,
    #[serde(default)]
    classification: Option<String>,
    #[serde(default)]
    validity: Option<String>,
    #[serde(default)]
    reader_id: Option<String>,
}

/// The row for an event, when it is a new result of the マイナンバーカード.
fn arrived(event: &Event) -> Option<Row> {
    if event.kind != EventKind::Qualification {
        return None;
    }
    let data: QualificationEvent = serde_json::from_value(event.data.clone()).ok()?;
    let by_card =
        data.classification.as_deref() == Some(ReferenceClassification::MyNumberCard.code());
    by_card.then(|| Row {
        history_id: data.history_id,
        at: event.at.0,
        reader_id: data.reader_id,
        name: None,
        validity: data
            .validity
            .as_deref()
            .map(QualificationValidity::from_code),
        fresh: true,
    })
}

/// A face reader's result file the endpoint could not read: one notice per file.
#[derive(Clone, Debug, PartialEq)]
struct UnreadableFile {
    event_id: u64,
    at: Timestamp,
    file: String,
    /// `None` for a reason this build does not know.
    reason: Option<Unreadable>,
}

/// A `face_unreadable` event's data (contract/openapi.yaml, `GET /events`). Its `detail` is the
/// endpoint's English, for its log; it is not read here, so it can never be shown.
#[derive(Deserialize)]
struct FaceUnreadableEvent {
    file: String,
    reason: String,
}

/// The notice for an event, when it tells of a face reader's file that could not be read.
fn unreadable(event: &Event) -> Option<UnreadableFile> {
    if event.kind != EventKind::FaceUnreadable {
        return None;
    }
    let data: FaceUnreadableEvent = serde_json::from_value(event.data.clone()).ok()?;
    Some(UnreadableFile {
        event_id: event.id,
        at: event.at.0,
        file: data.file,
        reason: serde_json::from_value(serde_json::Value::String(data.reason)).ok(),
    })
}

/// Puts `notice` into `notices` (newest first) unless its file is told of already: the backlog read
/// when the screen opens and the feed may both bring the same event.
fn merge_unreadable(notices: &mut Vec<UnreadableFile>, notice: UnreadableFile) {
    if notices
        .iter()
        .any(|n| n.event_id == notice.event_id || n.file == notice.file)
    {
        return;
    }
    let at = notices
        .iter()
        .position(|n| n.event_id < notice.event_id)
        .unwrap_or(notices.len());
    notices.insert(at, notice);
}

/// The name a result gives (the first qualification's).
fn name_of(entry: &HistoryEntry) -> Option<String> {
    entry
        .result
        .answer
        .qualifications
        .iter()
        .find_map(|q| q.name.clone())
}

/// Where the feed stands, for the line above the list.
#[derive(Clone, Debug, PartialEq)]
enum FeedState {
    Connecting,
    Waiting,
    Interrupted,
    Stopped(String),
}

/// What the screen shows: the list, the list while a result is being read, or a result.
#[derive(Clone, PartialEq)]
enum Shown {
    List,
    Opening(u64),
    Result(Box<Opened>),
}

#[derive(Clone, PartialEq)]
struct Opened {
    row: Row,
    entry: HistoryEntry,
    /// The general reader's name, for a result it read (the row names no face reader).
    card_reader: Option<String>,
}

#[component]
pub fn ReceptionPage() -> impl IntoView {
    let api = use_api();
    let clock = use_clock();
    let events = use_events();
    let navigate = use_navigate();
    let rows = RwSignal::new(Vec::<Row>::new());
    let unreadable_files = RwSignal::new(Vec::<UnreadableFile>::new());
    let readers = use_readers().list();
    let feed = RwSignal::new(FeedState::Connecting);
    let announcement = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let shown = RwSignal::new(Shown::List);
    let subscription = StoredValue::new(None::<Subscription>);
    on_cleanup(move || {
        // Dropping the subscription stops the feed and closes its connection.
        subscription.try_set_value(None);
    });

    // A result that arrives: at the top at once, then its name and the announcement once its detail
    // is read.
    let on_event = move |row: Row| {
        let id = row.history_id;
        let outcome = row.outcome();
        rows.update(|r| merge(r, row));
        spawn_local(async move {
            let name = api.history_detail(id).await.ok().and_then(|e| name_of(&e));
            rows.update(|r| {
                if let Some(known) = r.iter_mut().find(|r| r.history_id == id) {
                    known.name = known.name.take().or(name.clone());
                }
            });
            let name = name.unwrap_or_else(|| labels::RECEPTION_NO_NAME.to_owned());
            announcement.set(labels::reception_arrived(&name, &outcome));
        });
    };
    let sink = move |item: &FeedItem| match item {
        FeedItem::Connected => feed.set(FeedState::Waiting),
        FeedItem::Event(event) => {
            if let Some(row) = arrived(event) {
                on_event(row);
            } else if let Some(notice) = unreadable(event) {
                unreadable_files.update(|n| merge_unreadable(n, notice));
            }
        }
        FeedItem::Interrupted { .. } => feed.set(FeedState::Interrupted),
        // The session's end is the frame's to handle (back to sign-in); any other end is shown.
        FeedItem::Ended(FeedEnd::SessionEnded(_)) => {}
        FeedItem::Ended(_) => feed.set(FeedState::Stopped(labels::RECEPTION_ENDED.to_owned())),
    };

    spawn_local(async move {
        // The newest id first: whatever happens after it comes through the feed, even while today's
        // list is being read.
        let after = match api.newest_event_id().await {
            Ok(id) => id,
            Err(e) => {
                feed.set(FeedState::Stopped(e.message()));
                return;
            }
        };
        // Today's files that could not be read, from the backlog of that kind, beside the list:
        // whatever arrives after `after` comes through the feed too, and is told once.
        spawn_local(async move {
            let today = clock.now().jst_date();
            match api.backlog_of_kind(EventKind::FaceUnreadable).await {
                Ok(events) => {
                    let _ = unreadable_files.try_update(|n| {
                        for notice in events.iter().filter_map(unreadable) {
                            if notice.at.jst_date() == today {
                                merge_unreadable(n, notice);
                            }
                        }
                    });
                }
                Err(e) => {
                    let _ = error.try_set(Some(e.message()));
                }
            }
        });
        let search = HistorySearch {
            kind: Some(MY_NUMBER_CARD.to_owned()),
            per_page: Some(TODAY_LIMIT),
            ..HistorySearch::default()
        };
        match api.history(&search).await {
            Ok(page) => rows.update(|r| {
                for item in &page.items {
                    merge(r, Row::listed(item));
                }
            }),
            Err(e) => error.set(Some(e.message())),
        }
        if let Some(following) = events.follow(after, sink) {
            // On a screen already gone, the subscription comes back and is dropped: the feed stops.
            drop(subscription.try_set_value(Some(following)));
        }
    });

    let open = move |row: Row| {
        let id = row.history_id;
        error.set(None);
        shown.set(Shown::Opening(id));
        rows.update(|r| {
            if let Some(known) = r.iter_mut().find(|r| r.history_id == id) {
                known.fresh = false;
            }
        });
        spawn_local(async move {
            let outcome = api.history_detail(id).await;
            // Only the result last chosen is shown.
            if !shown.with_untracked(|s| matches!(s, Shown::Opening(o) if *o == id)) {
                return;
            }
            match outcome {
                Ok(entry) => shown.set(Shown::Result(Box::new(Opened {
                    row: Row {
                        fresh: false,
                        ..row
                    },
                    entry,
                    card_reader: None,
                }))),
                Err(e) => {
                    error.set(Some(e.message()));
                    shown.set(Shown::List);
                }
            }
        });
    };
    // A result of the general reader is shown at once: the answer is the history entry itself.
    let on_card = Callback::new(move |result: CardResult| {
        let CardResult { entry, reader } = result;
        error.set(None);
        let row = Row {
            history_id: entry.id,
            at: clock.now(),
            reader_id: None,
            name: name_of(&entry),
            validity: None,
            fresh: false,
        };
        shown.set(Shown::Result(Box::new(Opened {
            row,
            entry,
            card_reader: Some(reader),
        })));
    });
    let reader_label = move |id: &Option<String>| -> String {
        let Some(id) = id else {
            return String::new();
        };
        readers.with(|list| {
            list.iter()
                .find(|r| &r.id == id)
                .map_or_else(|| id.clone(), |r| r.label.clone())
        })
    };

    let list = move || {
        view! {
            <section class="reception" aria-labelledby="reception-list-caption">
                <p class="reception-intro">{labels::RECEPTION_INTRO}</p>
                <p class="reception-feed" data-testid="reception-feed" class:reception-feed-problem=move || !matches!(feed.get(), FeedState::Waiting | FeedState::Connecting)>
                    {move || match feed.get() {
                        FeedState::Connecting => labels::RECEPTION_CONNECTING.to_owned(),
                        FeedState::Waiting => labels::RECEPTION_WAITING.to_owned(),
                        FeedState::Interrupted => labels::RECEPTION_INTERRUPTED.to_owned(),
                        FeedState::Stopped(why) => why,
                    }}
                </p>
                <p class="reception-announcement" role="status" aria-live="polite" data-testid="reception-announcement">
                    {move || announcement.get()}
                </p>
                <p class="form-error" role="alert" data-testid="reception-error">{move || error.get()}</p>
                {move || shown.with(|s| matches!(s, Shown::Opening(_))).then(|| view! {
                    <p class="reception-opening" role="status">{labels::PROCESSING}</p>
                })}
                <table class="reception-list" data-testid="reception-list">
                    <caption id="reception-list-caption">{labels::RECEPTION_LIST}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{labels::RECEPTION_COL_TIME}</th>
                            <th scope="col">{labels::RECEPTION_COL_READER}</th>
                            <th scope="col">{labels::RECEPTION_COL_NAME}</th>
                            <th scope="col">{labels::RECEPTION_COL_RESULT}</th>
                            <th scope="col"><span class="visually-hidden">{labels::RECEPTION_OPEN}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get()
                            key=|row| (row.history_id, row.fresh, row.name.clone())
                            children=move |row| {
                                let chosen = row.clone();
                                let reader_id = row.reader_id.clone();
                                let tone = tone(row.validity.as_ref());
                                view! {
                                    <tr
                                        class="reception-row"
                                        class:reception-row-new=row.fresh
                                        data-testid="reception-row"
                                        data-history-id=row.history_id.to_string()
                                    >
                                        <td class="reception-time">
                                            {row.at.jst().format("%H:%M:%S").to_string()}
                                            {row.fresh.then(|| view! { <span class="reception-badge" data-testid="reception-new">{labels::RECEPTION_NEW}</span> })}
                                        </td>
                                        // The readers may be read after the row arrives.
                                        <td>{move || reader_label(&reader_id)}</td>
                                        <td class="reception-name">{row.name.clone().unwrap_or_else(|| labels::RECEPTION_NO_NAME.to_owned())}</td>
                                        <td class=format!("reception-result reception-result-{tone}")>{row.outcome()}</td>
                                        <td>
                                            <button
                                                type="button"
                                                class="button button-small"
                                                disabled=move || shown.with(|s| matches!(s, Shown::Opening(_)))
                                                on:click=move |_| open(chosen.clone())
                                            >
                                                {labels::RECEPTION_OPEN}
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }
                        />
                    </tbody>
                </table>
                {move || rows.with(Vec::is_empty).then(|| view! { <p class="reception-empty">{labels::RECEPTION_EMPTY}</p> })}
            </section>
        }
    };

    // The result shown, if any; reading another one keeps the list as it is.
    let opened = Memo::new(move |_| {
        shown.with(|s| match s {
            Shown::Result(opened) => Some(opened.clone()),
            Shown::List | Shown::Opening(_) => None,
        })
    });
    let screen = Signal::derive(move || match opened.with(Option::is_some) {
        true => labels::SCREEN_QUALIFICATION_CHECK,
        false => labels::TILE_MY_NUMBER,
    });
    let footer = Signal::derive(move || opened.with(Option::is_none));
    let to_inquiry = Callback::new(move |_| navigate(Route::Inquiry.path(), Default::default()));
    let result = move || {
        opened.get().map(|opened| {
            let Opened {
                row,
                entry,
                card_reader,
            } = *opened;
            let back = Callback::new(move |_| shown.set(Shown::List));
            let reader = card_reader.unwrap_or_else(|| reader_label(&row.reader_id));
            view! {
                <ReaderResult row=row.clone() reader=reader entry=entry.clone() />
                <QualificationCheck
                    result=entry.result
                    findings=entry.findings
                    history_id=Some(entry.id)
                    on_back=back
                    on_next=to_inquiry
                    on_next_card=back
                />
            }
        })
    };
    view! {
        <Frame screen=screen footer=footer>
            <nav class="tabs" aria-label=labels::TILE_MY_NUMBER>
                <span class="tab tab-current" aria-current="page">{labels::TAB_MY_NUMBER_CARD}</span>
                <A href=Route::Inquiry.path() attr:class="tab">{labels::TAB_INSURANCE_CARD}</A>
            </nav>
            {result}
            // The list and the general reader stay mounted under a shown result, so the cues outlive a
            // look at one result and the reader stays connected for the next patient.
            <div hidden=move || opened.with(Option::is_some)>
                <UnreadableNotices files=unreadable_files.into() />
                <CardReader on_result=on_card />
                {list()}
            </div>
        </Frame>
    }
}

/// The face reader's files that could not be read, as one alert region that is always there, so that
/// a notice added to it is announced.
#[component]
fn UnreadableNotices(files: Signal<Vec<UnreadableFile>>) -> impl IntoView {
    view! {
        <div
            class="reception-unreadable"
            role="alert"
            aria-label=labels::RECEPTION_FACE_UNREADABLE_LIST
            data-testid="face-unreadable"
        >
            <For
                each=move || files.get()
                key=|file| file.event_id
                children=|file| {
                    let reason = file.reason.map_or("unknown", Unreadable::as_str);
                    view! {
                        <section class="reception-unreadable-notice notice" data-testid="face-unreadable-notice" data-reason=reason>
                            <p class="reception-unreadable-head" data-testid="face-unreadable-head">
                                {labels::reception_face_unreadable(&file.at.jst().format("%H:%M:%S").to_string())}
                            </p>
                            <p data-testid="face-unreadable-reason">{face_unreadable_reason(file.reason)}</p>
                            <p data-testid="face-unreadable-action">
                                {labels::RECEPTION_FACE_UNREADABLE_ACTION_BEFORE}
                                <A href=Route::Inquiry.path() attr:data-testid="face-unreadable-inquiry">{labels::SCREEN_INQUIRY}</A>
                                {labels::RECEPTION_FACE_UNREADABLE_ACTION_AFTER}
                            </p>
                            <p class="reception-unreadable-file" data-testid="face-unreadable-file">
                                <small>{labels::RECEPTION_FACE_UNREADABLE_FILE}{file.file}</small>
                            </p>
                        </section>
                    }
                }
            />
        </div>
    }
}

/// A result's colour, as on 資格情報確認's banner: `ok`, `ng` or `check`.
fn tone(validity: Option<&QualificationValidity>) -> &'static str {
    match validity {
        Some(QualificationValidity::Valid | QualificationValidity::ValidUnregistered) => "ok",
        Some(
            QualificationValidity::Invalid | QualificationValidity::InvalidWithNewQualification,
        ) => "ng",
        _ => "check",
    }
}

/// What a reader result adds to 資格情報確認: the reader, the time, and the patient's viewing
/// consents as answered at the reader (seed 000's 資格確認履歴詳細 table; decisions.md D9: all six).
#[component]
fn ReaderResult(row: Row, reader: String, entry: HistoryEntry) -> impl IntoView {
    let consents = entry.result.answer.qualifications.first().map(consent_rows);
    view! {
        <section class="reception-result-head" data-testid="reader-result">
            <dl class="check-fields">
                <div class="check-field">
                    <dt>{labels::RECEPTION_COL_READER}</dt>
                    <dd>{reader}</dd>
                </div>
                <div class="check-field">
                    <dt>{labels::RECEPTION_COL_TIME}</dt>
                    <dd>{row.at.jst().format("%Y/%m/%d %H:%M:%S").to_string()}</dd>
                </div>
            </dl>
            {consents.map(|rows| view! {
                <h3 class="reception-consents-heading">{labels::CONSENTS_HEADING}</h3>
                <dl class="check-fields" data-testid="consents">
                    {rows.into_iter().map(|(label, given)| view! {
                        <div class="check-field">
                            <dt>{label}</dt>
                            <dd>{if given { labels::CONSENT_GIVEN } else { labels::CONSENT_NOT_GIVEN }}</dd>
                        </div>
                    }).collect_view()}
                </dl>
            })}
        </section>
    }
}
