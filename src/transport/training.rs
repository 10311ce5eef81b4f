//! Training mode's transport: each request goes to the core's dispatcher in this page, against the
//! training store persisted in its own IndexedDB database (decisions.md D3).

use std::{cell::RefCell, rc::Rc};

use futures::channel::oneshot;

use onshi_core::{
    canned,
    contract::{Request, Response},
    dispatch::{Config, Dispatcher, Env},
};

use crate::{
    platform::{
        clock::Clock,
        random::BrowserRandom,
        training_db::{TrainingDb, TrainingDbError},
    },
    transport::TransportError,
};

/// The shape of the training data this build writes. Raise it whenever the canned data or the store's
/// records change, so that a browser holding an older build's training data starts afresh.
pub const TRAINING_SCHEMA: u32 = 4;

pub struct TrainingTransport {
    database: String,
    clock: Clock,
    dispatcher: Dispatcher,
    /// Opened on first use, so that showing the first page never waits for IndexedDB.
    db: RefCell<Option<Rc<TrainingDb>>>,
    /// Event feeds waiting for this page's next change of the training state.
    watchers: RefCell<Vec<oneshot::Sender<()>>>,
}

impl TrainingTransport {
    pub fn new(database: &str, clock: Clock) -> TrainingTransport {
        TrainingTransport {
            database: database.to_owned(),
            clock,
            dispatcher: Dispatcher::new(Config::training()),
            db: RefCell::new(None),
            watchers: RefCell::new(Vec::new()),
        }
    }

    /// Resolves after the next request of this page that changes the training state (the event feed's
    /// notification; changes made by other tabs are found by polling).
    pub fn changed(&self) -> oneshot::Receiver<()> {
        let (sender, receiver) = oneshot::channel();
        let mut watchers = self.watchers.borrow_mut();
        // Feeds that stopped waiting leave their sender behind; drop those.
        watchers.retain(|w| !w.is_canceled());
        watchers.push(sender);
        receiver
    }

    async fn db(&self) -> Result<Rc<TrainingDb>, TrainingDbError> {
        if let Some(db) = self.db.borrow().clone() {
            return Ok(db);
        }
        let db = Rc::new(TrainingDb::open(&self.database).await?);
        // Two first requests may both open a connection; either serves, so keep the first stored.
        Ok(self.db.borrow_mut().get_or_insert(db).clone())
    }

    pub async fn send(&self, request: &Request) -> Result<Response, TransportError> {
        let db = self.db().await?;
        let (response, changed) = db
            .exchange(TRAINING_SCHEMA, canned::training_store, |store| {
                let mut random = BrowserRandom;
                // The clock is read inside the transaction, at the moment of dispatch.
                let mut env = Env {
                    now: self.clock.now(),
                    random: &mut random,
                };
                let revision = store.revision();
                let response = self.dispatcher.dispatch(store, &mut env, request);
                (response, store.revision() != revision)
            })
            .await?;
        if changed {
            let watchers = std::mem::take(&mut *self.watchers.borrow_mut());
            for watcher in watchers {
                // A feed that stopped listening is no error.
                let _ = watcher.send(());
            }
        }
        Ok(response)
    }
}
