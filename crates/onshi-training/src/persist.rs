//! Where the training world keeps its store between service-worker lives: the IndexedDB database
//! `onshi-training` (training data only, decisions.md D3), record by record.
//!
//! Layout (IDB version 2): one object store per [`RecordKind`] (its `store_name`), each record under
//! its key as the JSON text of its value, and `meta` with `schema` ([`SCHEMA`]) and `version`, which
//! increases with every committed write. A history record's message and a bulk job's result are
//! records of their own, not read at open ("detached") but when a request needs them
//! ([`Persist::blob`]), so opening never reads every message ever kept.
//!
//! Version 1 was the app's in-page layout: one object store `state` with the whole store as JSON
//! under `store`, its `version` and its `schema` (4). Opening such a database migrates it — the
//! records written, `state` cleared — in one transaction. Anything else that does not read (JSON that
//! does not parse, another schema, a database of a newer version than ours) is refused, never
//! replaced: the world then answers 503 and writes nothing.
//!
//! Invariants: a commit is one readwrite transaction that first checks the stored version is the one
//! this world last loaded or wrote, so a world never overwrites another's newer write; a commit with
//! no operations never happens; every committed transaction is counted ([`Persist::writes`]).

use std::cell::Cell;

use onshi_core::{
    canned,
    store::{
        MemoryStore,
        journal::{Blob, RecordKind, RecordOp},
    },
};
use wasm_bindgen::JsValue;
use web_sys::IdbFactory;

use crate::idb::{self, Database, IdbError, Transaction};

/// The IndexedDB version of this layout.
pub const IDB_VERSION: u32 = 2;
/// The shape of the records this build reads and writes (`meta.schema`).
pub const SCHEMA: u32 = 5;
/// The schema of the version-1 layout this build migrates from.
pub const V1_SCHEMA: u32 = 4;

const META: &str = "meta";
const KEY_SCHEMA: &str = "schema";
const KEY_VERSION: &str = "version";
const V1_STORE: &str = "state";
const V1_KEY_STORE: &str = "store";

/// Why the training data cannot be used. The world then refuses every contract request rather than
/// replacing what it cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the training database {name:?} cannot be opened: {message}")]
    Open { name: String, message: String },
    #[error("the training data was written under schema {found}, which this build does not read")]
    Schema { found: String },
    #[error("the training data does not read: {message}")]
    Unreadable { message: String },
    #[error("reading the training data failed: {0}")]
    Io(#[from] IdbError),
}

/// What a commit came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Committed {
    /// Written; the stored version is now the one given.
    Written(u64),
    /// Another world wrote first: nothing was written; reload and dispatch again.
    Stale,
}

/// The open database and the version of the data this world holds.
pub struct Persist {
    db: Database,
    version: Cell<u64>,
    /// Readwrite transactions committed by this world (the tests' measure of what a request wrote).
    writes: Cell<u64>,
    /// The operations of the last committed write, for tests of what a request wrote.
    last_written: std::cell::RefCell<Vec<(RecordKind, String)>>,
}

/// The object stores the world reads at open: every kind but the detached blobs'.
fn loaded_kinds() -> impl Iterator<Item = RecordKind> {
    RecordKind::ALL
        .iter()
        .copied()
        .filter(|kind| !matches!(kind, RecordKind::HistoryMessage | RecordKind::BulkResult))
}

fn all_stores() -> Vec<&'static str> {
    let mut stores: Vec<&'static str> = RecordKind::ALL.iter().map(|k| k.store_name()).collect();
    stores.push(META);
    stores
}

impl Persist {
    /// Opens database `name`: seeds the canned training data when it is empty, migrates the
    /// version-1 layout, or refuses what does not read. Returns the store, blobs detached.
    pub async fn open(factory: &IdbFactory, name: &str) -> Result<(Persist, MemoryStore), Refusal> {
        let db = idb::open(factory, name, IDB_VERSION, &all_stores())
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
            last_written: Default::default(),
        };
        let store = persist.open_store().await?;
        Ok((persist, store))
    }

    /// Readwrite transactions committed so far.
    pub fn writes(&self) -> u64 {
        self.writes.get()
    }

    /// The kinds and keys the last commit wrote (puts and deletes), in order.
    pub fn last_written(&self) -> Vec<(RecordKind, String)> {
        self.last_written.borrow().clone()
    }

    /// The version of the data this world holds.
    pub fn version(&self) -> u64 {
        self.version.get()
    }

    /// Notes that this world's data is now at `version` (another world's operations applied).
    pub fn set_version(&self, version: u64) {
        self.version.set(version);
    }

    /// The version stored now (another world may have written since this one last looked).
    pub async fn stored_version(&self) -> Result<u64, IdbError> {
        let tx = self.db.read(&[META])?;
        let version = number(tx.store(META)?.get(KEY_VERSION).await?);
        tx.commit().await?;
        Ok(version)
    }

    /// The store as it is stored now, blobs detached.
    pub async fn reload(&self) -> Result<MemoryStore, Refusal> {
        let mut stores: Vec<&str> = loaded_kinds().map(|k| k.store_name()).collect();
        stores.push(META);
        let tx = self.db.read(&stores)?;
        let (version, store) = read_records(&tx).await?;
        tx.commit().await?;
        self.version.set(version);
        Ok(store)
    }

    /// The stored JSON of a detached blob, if there is one.
    pub async fn blob(&self, blob: &Blob) -> Result<Option<String>, IdbError> {
        let name = blob.kind().store_name();
        let tx = self.db.read(&[name])?;
        let value = tx.store(name)?.get(blob.key()).await?;
        tx.commit().await?;
        Ok(value.and_then(|v| v.as_string()))
    }

    async fn open_store(&self) -> Result<MemoryStore, Refusal> {
        let mut stores = all_stores();
        let v1 = self.db.has_store(V1_STORE);
        if v1 {
            stores.push(V1_STORE);
        }
        let tx = self.db.write(&stores)?;
        let meta = tx.store(META)?;
        if meta.get(KEY_VERSION).await?.is_some() {
            // Written by this layout: check its schema and read it; nothing is written.
            let schema = meta.get(KEY_SCHEMA).await?;
            if schema.as_ref().and_then(JsValue::as_f64) != Some(f64::from(SCHEMA)) {
                return Err(Refusal::Schema {
                    found: describe(schema),
                });
            }
            let (version, store) = read_records(&tx).await?;
            tx.commit().await?;
            self.version.set(version);
            return Ok(store);
        }
        let old = if v1 {
            tx.store(V1_STORE)?.get(V1_KEY_STORE).await?
        } else {
            None
        };
        let store = match old {
            // Empty: the canned training data.
            None => canned::training_store(),
            Some(text) => {
                let v1_store = tx.store(V1_STORE)?;
                let schema = v1_store.get(KEY_SCHEMA).await?;
                if schema.as_ref().and_then(JsValue::as_f64) != Some(f64::from(V1_SCHEMA)) {
                    return Err(Refusal::Schema {
                        found: describe(schema),
                    });
                }
                let text = text.as_string().ok_or_else(|| Refusal::Unreadable {
                    message: "the version-1 store is not text".to_owned(),
                })?;
                let store = serde_json::from_str::<MemoryStore>(&text).map_err(|e| {
                    Refusal::Unreadable {
                        message: format!("the version-1 store: {e}"),
                    }
                })?;
                // Migrated: the old layout is emptied in the same transaction as the records are
                // written, so a database is never half in either layout.
                v1_store.clear()?;
                store
            }
        };
        for op in store.to_records() {
            write_op(&tx, &op)?;
        }
        meta.put(f64::from(SCHEMA), KEY_SCHEMA)?;
        meta.put(1.0, KEY_VERSION)?;
        tx.commit().await?;
        self.writes.set(self.writes.get() + 1);
        self.version.set(1);
        Ok(store)
    }

    /// Writes `ops` as the next version in one transaction, unless another world wrote since this
    /// one's version. `ops` must not be empty (a request that changed nothing writes nothing).
    pub async fn commit(&self, ops: &[RecordOp]) -> Result<Committed, IdbError> {
        let mut stores: Vec<&str> = ops.iter().map(|op| op.kind().store_name()).collect();
        stores.sort_unstable();
        stores.dedup();
        stores.push(META);
        let tx = self.db.write(&stores)?;
        let meta = tx.store(META)?;
        let stored = number(meta.get(KEY_VERSION).await?);
        if stored != self.version.get() {
            // Dropping the transaction aborts it: nothing of this commit is written.
            return Ok(Committed::Stale);
        }
        for op in ops {
            write_op(&tx, op)?;
        }
        let next = stored + 1;
        // IndexedDB numbers are doubles; versions stay far below 2^53.
        meta.put(next as f64, KEY_VERSION)?;
        tx.commit().await?;
        self.writes.set(self.writes.get() + 1);
        self.version.set(next);
        *self.last_written.borrow_mut() = ops
            .iter()
            .map(|op| (op.kind(), op.key().to_owned()))
            .collect();
        Ok(Committed::Written(next))
    }
}

/// Queues one operation on its kind's object store.
fn write_op(tx: &Transaction, op: &RecordOp) -> Result<(), IdbError> {
    let store = tx.store(op.kind().store_name())?;
    match op {
        RecordOp::Put { key, value, .. } => store.put(value.as_str(), key.as_str()),
        RecordOp::Delete { key, .. } => store.delete(key.as_str()),
    }
}

/// Reads `meta.version` and every record but the blobs within `tx`.
async fn read_records(tx: &Transaction) -> Result<(u64, MemoryStore), Refusal> {
    let version = number(tx.store(META)?.get(KEY_VERSION).await?);
    let mut records = Vec::new();
    for kind in loaded_kinds() {
        let store = tx.store(kind.store_name())?;
        let keys = store.get_all_keys().await?;
        let values = store.get_all(None).await?;
        for (key, value) in keys.into_iter().zip(values) {
            let (Some(key), Some(value)) = (key.as_string(), value.as_string()) else {
                return Err(Refusal::Unreadable {
                    message: format!("a {} record is not text", kind.store_name()),
                });
            };
            records.push((kind, key, value));
        }
    }
    let store = MemoryStore::from_records(records).map_err(|e| Refusal::Unreadable {
        message: e.to_string(),
    })?;
    Ok((version, store))
}

fn number(value: Option<JsValue>) -> u64 {
    value.and_then(|v| v.as_f64()).map_or(0, |v| v as u64)
}

/// A stored schema value as the refusal names it.
fn describe(schema: Option<JsValue>) -> String {
    match schema {
        None => "none".to_owned(),
        Some(value) => value
            .as_f64()
            .map(|n| n.to_string())
            .or_else(|| value.as_string())
            .unwrap_or_else(|| format!("{value:?}")),
    }
}
