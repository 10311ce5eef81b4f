//! The training state's own IndexedDB database, kept apart from anything real (decisions.md D3).
//!
//! It holds two records: the in-memory store as JSON, and a version number that increases with every
//! saved change. Each exchange runs in one readwrite transaction: read the version, reload the store
//! only when another tab has changed it, run the synchronous work, save if the work changed anything,
//! commit. IndexedDB runs readwrite transactions on one object store one after another, so two tabs
//! (or two requests of one tab) can never interleave, and a second tab sees the first tab's session
//! and locks.

use std::cell::RefCell;

use indexed_db_futures::{database::Database, prelude::*, transaction::TransactionMode};
use onshi_core::store::MemoryStore;

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

impl From<indexed_db_futures::error::Error> for TrainingDbError {
    fn from(e: indexed_db_futures::error::Error) -> TrainingDbError {
        TrainingDbError::Io {
            message: e.to_string(),
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
        let db = Database::open(name)
            .with_version(1u8)
            .with_on_upgrade_needed(|event, db| {
                if event.old_version() < 1.0 {
                    db.create_object_store(OBJECT_STORE).build()?;
                }
                Ok(())
            })
            .await
            .map_err(|e| TrainingDbError::Open {
                name: name.to_owned(),
                message: e.to_string(),
            })?;
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
        let tx = self
            .db
            .transaction(OBJECT_STORE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let records = tx.object_store(OBJECT_STORE)?;
        let stored_version = records
            .get::<f64, _, _>(KEY_VERSION)
            .primitive()?
            .await?
            .map_or(0, |v| v as u64);
        let stored_schema = records.get::<f64, _, _>(KEY_SCHEMA).primitive()?.await?;
        let current_schema = stored_schema == Some(f64::from(schema));

        // Take this page's copy out of the cell: nothing below holds a borrow across an await.
        let cached = self.cache.borrow_mut().take();
        let mut current = match cached {
            Some(c) if c.version == stored_version && current_schema => c,
            _ => {
                let text = match current_schema {
                    true => records.get::<String, _, _>(KEY_STORE).primitive()?.await?,
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
            records.put(text).with_key(KEY_STORE).primitive()?;
            records
                .put(current.version as f64)
                .with_key(KEY_VERSION)
                .primitive()?;
            if !current_schema {
                records
                    .put(f64::from(schema))
                    .with_key(KEY_SCHEMA)
                    .primitive()?;
            }
        }
        tx.commit().await?;
        // Only a committed state becomes this page's copy; after a failure the next exchange reloads.
        *self.cache.borrow_mut() = Some(current);
        Ok(out)
    }
}

impl Drop for TrainingDb {
    /// Closes the connection, so that deleting or upgrading the database never waits for this page.
    fn drop(&mut self) {
        // `close` takes the handle by value; a clone refers to the same connection.
        self.db.clone().close();
    }
}

/// Deletes a training database (tests start from a clean one).
pub async fn delete(name: &str) -> Result<(), TrainingDbError> {
    Database::delete_by_name(name)
        .map_err(|e| TrainingDbError::Io {
            message: e.to_string(),
        })?
        .await
        .map_err(|e| TrainingDbError::Io {
            message: e.to_string(),
        })
}
