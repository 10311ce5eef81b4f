//! Where the training world keeps its store between service-worker lives: the IndexedDB database
//! `onshi-training` (training data only, decisions.md D3).
//!
//! This is the whole-store layout the app's in-page training used (IDB version 1): one object store
//! `state` holding the store as JSON under `store`, a `version` that increases with every saved
//! change, and the data's `schema`. The rest of the world sees only [`Persist`]: open (seed, or
//! refuse), read the stored version, reload, save; so the layout can change behind it.
//!
//! Invariants: a save happens in one readwrite transaction that first checks the stored version is
//! the one this world last loaded or saved, so a world never overwrites another's newer write; a
//! request that changed nothing is never saved; data that does not read is refused, never replaced.

use std::cell::Cell;

use onshi_core::{canned, store::MemoryStore};
use web_sys::IdbFactory;

use crate::idb::{self, Database, IdbError};

/// The IndexedDB version of this layout.
pub const IDB_VERSION: u32 = 1;
/// The shape of the training data this build reads and writes (the app's last in-page value).
pub const SCHEMA: u32 = 4;

const OBJECT_STORE: &str = "state";
const KEY_STORE: &str = "store";
const KEY_VERSION: &str = "version";
const KEY_SCHEMA: &str = "schema";

/// Why the training data cannot be used. The world then refuses every contract request rather than
/// replacing what it cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the training database {name:?} cannot be opened: {message}")]
    Open { name: String, message: String },
    #[error("the training data was written under schema {found}, not {SCHEMA}")]
    Schema { found: String },
    #[error("the training data does not read: {message}")]
    Unreadable { message: String },
    #[error("reading the training data failed: {0}")]
    Io(#[from] IdbError),
}

/// What a save came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Written; the stored version is now the one given.
    Written(u64),
    /// Another world wrote first: nothing was written, reload and try again.
    Stale,
}

/// The open database and the version of the data this world holds.
pub struct Persist {
    db: Database,
    version: Cell<u64>,
    /// Readwrite transactions committed by this world (the tests' measure of what a request wrote).
    writes: Cell<u64>,
}

impl Persist {
    /// Opens (and, when empty, seeds) the database `name`, returning its store.
    pub async fn open(factory: &IdbFactory, name: &str) -> Result<(Persist, MemoryStore), Refusal> {
        let db = idb::open(factory, name, IDB_VERSION, &[OBJECT_STORE])
            .await
            .map_err(|e| match e {
                IdbError::Open { name, message } => Refusal::Open { name, message },
                IdbError::Io { message } => Refusal::Open {
                    name: name.to_owned(),
                    message,
                },
            })?
            .close_on_version_change();
        let persist = Persist {
            db,
            version: Cell::new(0),
            writes: Cell::new(0),
        };
        let store = persist.load(true).await?;
        Ok((persist, store))
    }

    /// Readwrite transactions committed so far.
    pub fn writes(&self) -> u64 {
        self.writes.get()
    }

    /// The version of the data this world holds.
    pub fn version(&self) -> u64 {
        self.version.get()
    }

    /// The version stored now (another world may have written since this one last looked).
    pub async fn stored_version(&self) -> Result<u64, IdbError> {
        let tx = self.db.read(&[OBJECT_STORE])?;
        let version = version_of(tx.store(OBJECT_STORE)?.get(KEY_VERSION).await?);
        tx.commit().await?;
        Ok(version)
    }

    /// Reads the store as it is stored now.
    pub async fn reload(&self) -> Result<MemoryStore, Refusal> {
        self.load(false).await
    }

    async fn load(&self, seed_when_empty: bool) -> Result<MemoryStore, Refusal> {
        let tx = self.db.write(&[OBJECT_STORE])?;
        let records = tx.store(OBJECT_STORE)?;
        let version = records.get(KEY_VERSION).await?;
        let text = records.get(KEY_STORE).await?;
        let schema = records.get(KEY_SCHEMA).await?;
        let store = match (text, seed_when_empty) {
            (None, true) if version.is_none() => {
                // An empty database: the canned training data, saved at once so every world agrees.
                let store = canned::training_store();
                records.put(serialize(&store)?, KEY_STORE)?;
                records.put(1.0, KEY_VERSION)?;
                records.put(f64::from(SCHEMA), KEY_SCHEMA)?;
                tx.commit().await?;
                self.writes.set(self.writes.get() + 1);
                self.version.set(1);
                return Ok(store);
            }
            (None, _) => {
                return Err(Refusal::Unreadable {
                    message: "the stored store is missing".to_owned(),
                });
            }
            (Some(text), _) => {
                if schema.as_ref().and_then(|s| s.as_f64()) != Some(f64::from(SCHEMA)) {
                    return Err(Refusal::Schema {
                        found: schema.map_or_else(|| "none".to_owned(), |s| format!("{s:?}")),
                    });
                }
                let text = text.as_string().ok_or_else(|| Refusal::Unreadable {
                    message: "the stored store is not text".to_owned(),
                })?;
                serde_json::from_str::<MemoryStore>(&text).map_err(|e| Refusal::Unreadable {
                    message: e.to_string(),
                })?
            }
        };
        tx.commit().await?;
        self.version.set(version_of(version));
        Ok(store)
    }

    /// Saves `store` as the next version, unless another world wrote since this one's version.
    pub async fn save(&self, store: &MemoryStore) -> Result<Saved, Refusal> {
        let text = serialize(store)?;
        let tx = self.db.write(&[OBJECT_STORE])?;
        let records = tx.store(OBJECT_STORE)?;
        let stored = version_of(records.get(KEY_VERSION).await?);
        if stored != self.version.get() {
            // Dropping the transaction aborts it: nothing of this save is written.
            return Ok(Saved::Stale);
        }
        let next = stored + 1;
        records.put(text, KEY_STORE)?;
        // IndexedDB numbers are doubles; versions stay far below 2^53.
        records.put(next as f64, KEY_VERSION)?;
        tx.commit().await?;
        self.writes.set(self.writes.get() + 1);
        self.version.set(next);
        Ok(Saved::Written(next))
    }
}

fn version_of(value: Option<wasm_bindgen::JsValue>) -> u64 {
    value.and_then(|v| v.as_f64()).map_or(0, |v| v as u64)
}

fn serialize(store: &MemoryStore) -> Result<String, Refusal> {
    serde_json::to_string(store).map_err(|e| Refusal::Unreadable {
        message: e.to_string(),
    })
}
