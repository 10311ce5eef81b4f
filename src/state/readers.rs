//! The face readers and their modes, shared by everything that shows them: the frame (each reader's
//! mode always in view, and the prompt back to 無人運転 after a visual check), 顔認証付きカードリーダー
//! 操作 (S7) and, in training, the reader panel that plays the patient's side (S9).
//!
//! The list is read with `GET /readers` when a signed-in screen opens, and then kept current from the
//! event feed: every change of a reader's ETag has its `reader` event carrying the reader as the list
//! shows it (decisions.md D7), so every screen holds the ETag the endpoint holds without asking again
//! — asking would count as the user's activity and keep an idle session alive (D5). A stale ETag thus
//! means another terminal was faster. Answers of this terminal's own writes replace their reader at
//! once. A read that started before a newer state arrived is dropped, so an older state never
//! overwrites a newer one.

use leptos::{prelude::*, task::spawn_local};
use onshi_core::{
    account::Action,
    client::message,
    contract::groups::Reader,
    contract::{EventKind, ReaderMode},
};

use crate::{
    state::{Api, FeatureGroup, use_api, use_capabilities, use_events, use_session},
    transport::{FeedItem, Subscription},
};

/// What is known of the readers.
#[derive(Clone, Debug, PartialEq)]
enum Known {
    /// Not read yet in this session.
    Unread,
    Read(Vec<Reader>),
    /// The last read failed; the message says why.
    Failed(String),
}

/// The readers (a `Copy` handle).
#[derive(Clone, Copy)]
pub struct Readers {
    /// The calls are made through the context's own handle, so a read started from a screen that is
    /// gone still lands in the shared list.
    api: Api,
    known: RwSignal<Known>,
    /// Bumped by every read and every answer, so a read that finishes after a newer state arrived is
    /// dropped.
    generation: StoredValue<u64>,
    /// Whether training's reader panel (S9) is shown, and which reader it is (empty: the first);
    /// both stay from screen to screen, as the device beside the terminal would.
    panel_open: RwSignal<bool>,
    panel_reader: RwSignal<String>,
}

pub fn use_readers() -> Readers {
    expect_context::<Readers>()
}

/// Provided by [`crate::state::provide_app_state`].
pub(crate) fn provide() {
    let readers = Readers {
        api: use_api(),
        known: RwSignal::new(Known::Unread),
        generation: StoredValue::new(0),
        panel_open: RwSignal::new(false),
        panel_reader: RwSignal::new(String::new()),
    };
    // The list belongs to the session that read it: a new session reads its own.
    let session = use_session();
    Effect::new(move |_| {
        if session.with(|s| s.is_none()) {
            readers.known.set(Known::Unread);
        }
    });
    provide_context(readers);
}

impl Readers {
    /// The readers as last read, in the endpoint's order; empty while unread (tracked).
    pub fn list(&self) -> Signal<Vec<Reader>> {
        let known = self.known;
        Signal::derive(move || {
            known.with(|k| match k {
                Known::Read(list) => list.clone(),
                _ => Vec::new(),
            })
        })
    }

    /// Whether training's reader panel is shown (read and set by the frame's button).
    pub fn panel_open(&self) -> RwSignal<bool> {
        self.panel_open
    }

    /// The reader training's panel is (its id as the trainer picked it; empty until then).
    pub fn panel_reader(&self) -> RwSignal<String> {
        self.panel_reader
    }

    /// Whether the list has been read in this session (tracked).
    pub fn is_read(&self) -> bool {
        self.known.with(|k| matches!(k, Known::Read(_)))
    }

    /// Why the last read failed (tracked).
    pub fn error(&self) -> Option<String> {
        self.known.with(|k| match k {
            Known::Failed(message) => Some(message.clone()),
            _ => None,
        })
    }

    /// One reader by id, as last read (tracked).
    pub fn find(&self, id: &str) -> Option<Reader> {
        self.known.with(|k| match k {
            Known::Read(list) => list.iter().find(|r| r.id == id).cloned(),
            _ => None,
        })
    }

    /// Reads the list again; when it returns, the list is at least as new as the endpoint's state when
    /// it was called. Of reads under way together, the last one started decides.
    pub async fn reload(&self) {
        let started = self.next_generation();
        let answer = self.api.readers().await;
        // A newer read or answer arrived meanwhile (or the app is gone): this read says nothing new.
        if self.generation.try_get_value() == Some(started) {
            let known = match answer {
                Ok(list) => Known::Read(list.readers),
                Err(e) => Known::Failed(message::call_failure(e.failure())),
            };
            self.known.try_set(known);
        }
    }

    /// Replaces a reader with a newer state: an answer of this terminal's write (a mode switch, the
    /// reader panel's 職員用ボタン or 「中止」), or a `reader` event.
    pub fn put(&self, reader: Reader) {
        self.next_generation();
        self.known.try_update(|k| {
            if let Known::Read(list) = k
                && let Some(known) = list.iter_mut().find(|r| r.id == reader.id)
            {
                *known = reader;
            }
        });
    }

    fn next_generation(&self) -> u64 {
        let next = self.generation.try_get_value().unwrap_or(0) + 1;
        self.generation.try_set_value(next);
        next
    }
}

/// The label a reader gives `mode` (the endpoint's wording), e.g. 「目視確認」.
pub fn mode_label(reader: &Reader, mode: ReaderMode) -> String {
    reader
        .modes
        .iter()
        .find(|m| m.mode == mode)
        .map_or_else(|| mode.as_str().to_owned(), |m| m.label.clone())
}

/// Whether the signed-in account may see the readers on this endpoint: every kind that signs in may
/// read reader modes (D2), where the endpoint offers the readers group. A memo, so that the session's
/// other changes (each request touches it) do not remount what depends on it.
pub fn readers_shown() -> Memo<bool> {
    let session = use_session();
    let capabilities = use_capabilities();
    Memo::new(move |_| {
        session.with(|s| s.is_some_and(|s| s.account.kind.may(Action::ReaderModes)))
            && capabilities.offers(FeatureGroup::Readers) == Some(true)
    })
}

/// Keeps the shared list current while a signed-in screen is shown: reads it, then follows the event
/// feed from the newest id read before it and applies the reader each `reader` event carries. (The
/// feed resumes from the last event it saw after a reconnection, so nothing is missed meanwhile.)
#[component]
pub fn ReadersWatch() -> impl IntoView {
    let readers = use_readers();
    let api = use_api();
    let events = use_events();
    let subscription = StoredValue::new(None::<Subscription>);
    on_cleanup(move || {
        subscription.try_set_value(None);
    });
    spawn_local(async move {
        let Ok(after) = api.newest_event_id().await else {
            // Without the feed the list is still read once; the screens offer 再読み込み.
            readers.reload().await;
            return;
        };
        readers.reload().await;
        let sink = move |item: &FeedItem| {
            if let FeedItem::Event(event) = item
                && event.kind == EventKind::Reader
            {
                match serde_json::from_value::<Reader>(event.data["reader"].clone()) {
                    Ok(reader) => readers.put(reader),
                    // An endpoint whose events do not carry the reader: read the list instead.
                    Err(_) => spawn_local(async move { readers.reload().await }),
                }
            }
        };
        if let Some(following) = events.follow(after, sink) {
            drop(subscription.try_set_value(Some(following)));
        }
    });
}
