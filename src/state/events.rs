//! The signed-in session's event feed, for screens that show live results (the reception screen's
//! reader results, finished bulk jobs). See [`crate::transport::events`] for the two adapters.

use std::rc::Rc;

use onshi_core::client::message::session_end_notice;

use crate::{
    state::{EndpointHandle, SessionContext, use_endpoint, use_session},
    transport::{FeedEnd, FeedItem, FeedOptions, Subscription, events::FeedSink},
};

/// Follows the endpoint's events (a `Copy` handle).
#[derive(Clone, Copy)]
pub struct Events {
    endpoint: EndpointHandle,
    session: SessionContext,
}

pub fn use_events() -> Events {
    Events {
        endpoint: use_endpoint(),
        session: use_session(),
    }
}

impl Events {
    /// Follows the events after `after` with the signed-in session; `None` without one. Keep the
    /// subscription as long as the screen shows the feed (e.g. in a `StoredValue` dropped
    /// `on_cleanup`).
    pub fn follow(&self, after: u64, sink: impl Fn(&FeedItem) + 'static) -> Option<Subscription> {
        self.follow_with(after, FeedOptions::default(), sink)
    }

    /// [`Events::follow`] with other timing (tests).
    ///
    /// When the feed ends because the session is over, the session ends in this tab too, with the
    /// reason for the sign-in page, exactly as when an ordinary request learns it.
    pub fn follow_with(
        &self,
        after: u64,
        options: FeedOptions,
        sink: impl Fn(&FeedItem) + 'static,
    ) -> Option<Subscription> {
        let token = self.session.token()?;
        let session = self.session;
        let opened_with = token.clone();
        let sink: FeedSink = Rc::new(move |item: FeedItem| {
            sink(&item);
            if let FeedItem::Ended(FeedEnd::SessionEnded(problem)) = &item {
                // Only the session that opened the feed ends: a newer one in this tab is not touched.
                if session.token().as_deref() == Some(opened_with.as_str()) {
                    let code = problem.as_deref().and_then(|p| p.known_code());
                    session.end(Some(session_end_notice(code).to_owned()));
                }
            }
        });
        Some(
            self.endpoint
                .get()
                .follow_events(&token, after, options, sink),
        )
    }
}
