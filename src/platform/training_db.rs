//! The training state's own IndexedDB database, kept apart from anything real (decisions.md D3).
//!
//! It holds two records: the in-memory store as JSON, and a version number that increases with every
//! saved change. Each exchange runs in one readwrite transaction: read the version, reload the store
//! only when another tab has changed it, run the synchronous work, save if the work changed anything,
//! commit. IndexedDB runs readwrite transactions on one object store one after another, so two tabs
//! (or two requests of one tab) can never interleave, and a second tab sees the first tab's session
//! and locks.

use std::cell::RefCell;

use onshi_core::store::MemoryStore;
use web_sys::IdbFactory;

use crate::platform::idb::{self, Database, IdbError};

/// The database name: training data only.
pub const DATABASE: &str = "onshi-training";
const OBJECT_STORE: &str = "state";
const KEY_STORE: &str = "store";
const KEY_VERSION: &str = "version";
const KEY_SCHEMA: &str = "schema";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrainingDbError {
    #[error("opening IndexedDB database {name:?} failed: {message}")]
    Open { name: String, message: String },
    #[error("IndexedDB failed: {message}")]
    Io { message: String },
}

impl From<IdbError> for TrainingDbError {
    fn from(e: IdbError) -> TrainingDbError {
        match e {
            IdbError::Open { name, message } => TrainingDbError::Open { name, message },
            IdbError::Io { message } => TrainingDbError::Io { message },
        }
    }
}

/// The store as last loaded or saved by this page, with the version it had.
struct Cached {
    version: u64,
    store: MemoryStore,
}

/// The open training database plus this page's copy of its state.
pub struct TrainingDb {
    db: Database,
    cache: RefCell<Option<Cached>>,
}

impl TrainingDb {
    pub async fn open(name: &str) -> Result<TrainingDb, TrainingDbError> {
        let factory = idb::window_factory()?;
        TrainingDb::open_in(&factory, name).await
    }

    /// [`TrainingDb::open`] on the databases of `factory` (a page's or a worker's).
    pub async fn open_in(factory: &IdbFactory, name: &str) -> Result<TrainingDb, TrainingDbError> {
        let db = idb::open(factory, name, 1, &[OBJECT_STORE]).await?;
        Ok(TrainingDb {
            db,
            cache: RefCell::new(None),
        })
    }

    /// Runs `work` on the current training store in one transaction and saves what it changed.
    ///
    /// `seed` builds the store when the database is empty, when what it holds no longer reads, or when
    /// it was written under another `schema` (training data from an older build is disposable, and an
    /// older build's store would lack newer canned data such as the readers).
    pub async fn exchange<T>(
        &self,
        schema: u32,
        seed: impl FnOnce() -> MemoryStore,
        work: impl FnOnce(&mut MemoryStore) -> T,
    ) -> Result<T, TrainingDbError> {
        let tx = self.db.write(&[OBJECT_STORE])?;
        let records = tx.store(OBJECT_STORE)?;
        let stored_version = records
            .get(KEY_VERSION)
            .await?
            .and_then(|v| v.as_f64())
            .map_or(0, |v| v as u64);
        let stored_schema = records.get(KEY_SCHEMA).await?.and_then(|v| v.as_f64());
        let current_schema = stored_schema == Some(f64::from(schema));

        // Take this page's copy out of the cell: nothing below holds a borrow across an await.
        let cached = self.cache.borrow_mut().take();
        let mut current = match cached {
            Some(c) if c.version == stored_version && current_schema => c,
            _ => {
                let text = match current_schema {
                    true => records.get(KEY_STORE).await?.and_then(|v| v.as_string()),
                    false => None,
                };
                let store = text
                    .and_then(|t| serde_json::from_str::<MemoryStore>(&t).ok())
                    .unwrap_or_else(seed);
                Cached {
                    version: stored_version,
                    store,
                }
            }
        };

        let revision = current.store.revision();
        let out = work(&mut current.store);
        if current.store.revision() != revision {
            let text = serde_json::to_string(&current.store).map_err(|e| TrainingDbError::Io {
                message: e.to_string(),
            })?;
            current.version = stored_version + 1;
            records.put(text, KEY_STORE)?;
            records.put(current.version as f64, KEY_VERSION)?;
            if !current_schema {
                records.put(f64::from(schema), KEY_SCHEMA)?;
            }
        }
        tx.commit().await?;
        // Only a committed state becomes this page's copy; after a failure the next exchange reloads.
        *self.cache.borrow_mut() = Some(current);
        Ok(out)
    }
}

/// Deletes a training database (tests start from a clean one). Dropping a [`TrainingDb`] closes its
/// connection, so a deletion never waits for a page that is done with it.
pub async fn delete(name: &str) -> Result<(), TrainingDbError> {
    let factory = idb::window_factory()?;
    Ok(idb::delete(&factory, name).await?)
}
