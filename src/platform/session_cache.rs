//! The session cache (decisions.md D4): results and history pages seen in this session, kept in
//! IndexedDB so a reload does not fetch them again, and readable by nobody after the session ends.
//!
//! Values are encrypted with AES-GCM under a non-extractable key made for the session; lookup keys
//! (which may hold a patient's name, as a history query does) are never stored, only their
//! HMAC-SHA-256 under a second non-extractable key. Both keys sit in the database as `CryptoKey`
//! objects beside the SHA-256 of the session's identity, so a reload of the same session finds
//! them and any other session finds no cache. Logout and idle timeout call [`SessionCache::destroy`],
//! which deletes the database: keys and data together.
//!
//! The cache is bounded by bytes and by entries; a write past either bound evicts the entries
//! written longest ago.
//!
//! Errors never carry a lookup key or a value: both may be patient data (only an entry's HMAC,
//! which reveals nothing, and sizes are named).

use wasm_bindgen::JsValue;
use web_sys::{CryptoKey, IdbFactory};

use crate::platform::{
    idb::{self, Database, IdbError, Store},
    webcrypto::{self, Failure, Record},
};

/// The cache of real sessions.
pub const REAL_CACHE: &str = "onshi-cache";
/// The cache of training sessions: training and real data never share a database.
pub const TRAINING_CACHE: &str = "onshi-training-cache";

const META: &str = "meta";
const ENTRIES: &str = "entries";
/// Entry ids by write sequence number, oldest first: what eviction walks.
const ORDER: &str = "order";
const STORES: [&str; 3] = [META, ENTRIES, ORDER];

const KEY_KEYS: &str = "keys";
const KEY_BYTES: &str = "bytes";
const KEY_COUNT: &str = "entries";
const KEY_NEXT: &str = "next";

/// Separates this use of SHA-256 from any other hash of the same token (the endpoint stores one).
const IDENTITY_CONTEXT: &[u8] = b"onshi-session-cache\0";

/// How many of the oldest entries one eviction step reads at a time.
const EVICTION_BATCH: u32 = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheError {
    #[error("opening IndexedDB database {name:?} failed: {message}")]
    Open { name: String, message: String },
    #[error("IndexedDB failed: {message}")]
    Io { message: String },
    #[error("WebCrypto {operation} failed: {message}")]
    Crypto {
        operation: &'static str,
        message: String,
    },
    /// The ciphertext did not authenticate: it was changed, or written under another key.
    #[error("cache entry {entry} failed authentication: {message}")]
    Unreadable { entry: String, message: String },
    #[error("stored record {record:?} has an unexpected shape")]
    Malformed { record: String },
    #[error("a value of {size} bytes exceeds the cache's bound of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    /// Another session opened the same database since this handle did, and replaced its keys.
    #[error("another session has taken over the cache {name:?}")]
    Superseded { name: String },
}

impl From<IdbError> for CacheError {
    fn from(e: IdbError) -> CacheError {
        match e {
            IdbError::Open { name, message } => CacheError::Open { name, message },
            IdbError::Io { message } => CacheError::Io { message },
        }
    }
}

impl From<Failure> for CacheError {
    fn from(f: Failure) -> CacheError {
        CacheError::Crypto {
            operation: f.operation,
            message: f.message,
        }
    }
}

/// The cache's bounds. An entry's size is its ciphertext, IV and HMAC id, which is what it costs on
/// disk give or take IndexedDB's own overhead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_entries: u64,
}

impl Default for Limits {
    /// D4's bound: 100 MB or 250,000 entries. The cache cannot see how many history records a value
    /// holds, so it counts entries; for pages of records the byte bound is the one that binds.
    fn default() -> Limits {
        Limits {
            max_bytes: 100 * 1024 * 1024,
            max_entries: 250_000,
        }
    }
}

/// What the cache holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub bytes: u64,
    pub entries: u64,
}

/// The session's two keys, as stored and as used.
struct Keys {
    identity: String,
    encryption: CryptoKey,
    naming: CryptoKey,
}

/// An open session cache. Dropping it closes the connection; the data stays for a reload.
pub struct SessionCache {
    name: String,
    db: Database,
    keys: Keys,
    limits: Limits,
}

impl SessionCache {
    /// Opens the cache of the session identified by `session_identity` (e.g. its token; only a hash
    /// of it is stored), with D4's bounds. A cache left by another session is deleted, not read.
    pub async fn open(
        database_name: &str,
        session_identity: &str,
    ) -> Result<SessionCache, CacheError> {
        SessionCache::open_with_limits(database_name, session_identity, Limits::default()).await
    }

    /// [`SessionCache::open`] with other bounds (tests use small ones).
    pub async fn open_with_limits(
        database_name: &str,
        session_identity: &str,
        limits: Limits,
    ) -> Result<SessionCache, CacheError> {
        let factory = idb::window_factory()?;
        SessionCache::open_in(&factory, database_name, session_identity, limits).await
    }

    /// [`SessionCache::open_with_limits`] on the databases of `factory` (a page's or a worker's).
    pub async fn open_in(
        factory: &IdbFactory,
        database_name: &str,
        session_identity: &str,
        limits: Limits,
    ) -> Result<SessionCache, CacheError> {
        let db = idb::open(factory, database_name, 1, &STORES)
            .await?
            .close_on_version_change();
        let identity = identity_hash(session_identity).await?;

        let stored = {
            let tx = db.read(&[META])?;
            let meta = tx.store(META)?;
            let keys = meta
                .get(KEY_KEYS)
                .await?
                .and_then(|record| keys_of(&record));
            tx.commit().await?;
            keys
        };
        let keys = match stored {
            Some(keys) if keys.identity == identity => keys,
            _ => start_session(&db, identity).await?,
        };
        Ok(SessionCache {
            name: database_name.to_owned(),
            db,
            keys,
            limits,
        })
    }

    /// Deletes the cache database: its keys and everything encrypted under them (logout, idle
    /// timeout). Open handles of it, in this page or another, are closed first.
    pub async fn destroy(database_name: &str) -> Result<(), CacheError> {
        let factory = idb::window_factory()?;
        SessionCache::destroy_in(&factory, database_name).await
    }

    /// [`SessionCache::destroy`] on the databases of `factory`.
    pub async fn destroy_in(factory: &IdbFactory, database_name: &str) -> Result<(), CacheError> {
        Ok(idb::delete(factory, database_name).await?)
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Stores `value` under `key`, replacing what the key held, then evicts the oldest writes until
    /// the cache is within its bounds. A value larger than the byte bound is refused, and the key's
    /// previous value is dropped so that nothing stale answers for it.
    pub async fn put(&self, key: &str, value: &[u8]) -> Result<(), CacheError> {
        let id = self.entry_id(key).await?;
        let (iv, data) = webcrypto::seal(&self.keys.encryption, id.as_bytes(), value).await?;
        let size = entry_size(&id, &iv, &data);
        if size > self.limits.max_bytes {
            self.remove_id(&id).await?;
            return Err(CacheError::TooLarge {
                size,
                limit: self.limits.max_bytes,
            });
        }

        let tx = self.db.write(&STORES)?;
        let meta = tx.store(META)?;
        let entries = tx.store(ENTRIES)?;
        let order = tx.store(ORDER)?;
        self.check_session(&meta).await?;
        let mut usage = read_usage(&meta).await?;
        let mut next = meta
            .get(KEY_NEXT)
            .await?
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);

        if let Some(old) = entries.get(&id).await? {
            forget(&entries, &order, &id, &old, &mut usage)?;
        }
        let record = Record::new()
            .with("seq", next)
            .with("size", size as f64)
            .with_bytes("iv", &iv)
            .with_bytes("data", &data)
            .into_js();
        entries.put(record, id.as_str())?;
        order.put(id.as_str(), next)?;
        next += 1.0;
        usage.bytes += size;
        usage.entries += 1;

        while usage.bytes > self.limits.max_bytes || usage.entries > self.limits.max_entries {
            let oldest: Vec<String> = order
                .get_all(Some(EVICTION_BATCH))
                .await?
                .iter()
                .map(|v| {
                    v.as_string().ok_or_else(|| CacheError::Malformed {
                        record: format!("{ORDER} → {v:?}"),
                    })
                })
                .collect::<Result<_, _>>()?;
            if oldest.is_empty() {
                break;
            }
            for old_id in oldest {
                if usage.bytes <= self.limits.max_bytes && usage.entries <= self.limits.max_entries
                {
                    break;
                }
                match entries.get(&old_id).await? {
                    Some(old) => forget(&entries, &order, &old_id, &old, &mut usage)?,
                    None => {
                        return Err(CacheError::Malformed {
                            record: format!("{ORDER} → {old_id}"),
                        });
                    }
                }
            }
        }

        write_usage(&meta, usage)?;
        meta.put(next, KEY_NEXT)?;
        tx.commit().await?;
        Ok(())
    }

    /// The value stored under `key` in this session, if any. A value that fails to decrypt is an
    /// error, never returned as data.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let id = self.entry_id(key).await?;
        let record = {
            let tx = self.db.read(&[META, ENTRIES])?;
            let meta = tx.store(META)?;
            match self.check_session(&meta).await {
                Ok(()) => {}
                // Another session's cache is no cache.
                Err(CacheError::Superseded { .. }) => return Ok(None),
                Err(e) => return Err(e),
            }
            let record = tx.store(ENTRIES)?.get(&id).await?;
            tx.commit().await?;
            record
        };
        let Some(record) = record else {
            return Ok(None);
        };
        let malformed = || CacheError::Malformed {
            record: format!("{ENTRIES} → {id}"),
        };
        let iv = webcrypto::field_bytes(&record, "iv").ok_or_else(malformed)?;
        let data = webcrypto::field_bytes(&record, "data").ok_or_else(malformed)?;
        webcrypto::open(&self.keys.encryption, id.as_bytes(), &iv, &data)
            .await
            .map(Some)
            .map_err(|f| CacheError::Unreadable {
                entry: id.clone(),
                message: f.message,
            })
    }

    /// Drops the value stored under `key`, if any.
    pub async fn remove(&self, key: &str) -> Result<(), CacheError> {
        let id = self.entry_id(key).await?;
        self.remove_id(&id).await
    }

    /// What the cache holds now.
    pub async fn usage(&self) -> Result<Usage, CacheError> {
        let tx = self.db.read(&[META])?;
        let usage = read_usage(&tx.store(META)?).await?;
        tx.commit().await?;
        Ok(usage)
    }

    async fn remove_id(&self, id: &str) -> Result<(), CacheError> {
        let tx = self.db.write(&STORES)?;
        let meta = tx.store(META)?;
        let entries = tx.store(ENTRIES)?;
        let order = tx.store(ORDER)?;
        self.check_session(&meta).await?;
        if let Some(old) = entries.get(id).await? {
            let mut usage = read_usage(&meta).await?;
            forget(&entries, &order, id, &old, &mut usage)?;
            write_usage(&meta, usage)?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The entry's name in the database: HMAC of the lookup key, so the key itself is never stored.
    async fn entry_id(&self, key: &str) -> Result<String, CacheError> {
        Ok(webcrypto::hex(
            &webcrypto::hmac(&self.keys.naming, key.as_bytes()).await?,
        ))
    }

    /// Fails when another session has replaced this handle's keys since it opened: its entries
    /// would be encrypted under keys nobody holds any more.
    async fn check_session(&self, meta: &Store) -> Result<(), CacheError> {
        let identity = meta
            .get(KEY_KEYS)
            .await?
            .and_then(|record| webcrypto::field_string(&record, "identity"));
        match identity {
            Some(identity) if identity == self.keys.identity => Ok(()),
            _ => Err(CacheError::Superseded {
                name: self.name.clone(),
            }),
        }
    }
}

/// SHA-256 of the session's identity, in hex: enough to tell sessions apart, useless to sign in.
async fn identity_hash(session_identity: &str) -> Result<String, CacheError> {
    let mut input = IDENTITY_CONTEXT.to_vec();
    input.extend_from_slice(session_identity.as_bytes());
    Ok(webcrypto::hex(&webcrypto::sha256(&input).await?))
}

fn keys_of(record: &JsValue) -> Option<Keys> {
    Some(Keys {
        identity: webcrypto::field_string(record, "identity")?,
        encryption: webcrypto::field_key(record, "encryption")?,
        naming: webcrypto::field_key(record, "naming")?,
    })
}

/// Makes the keys of a new session and empties the database of whatever an earlier session left.
/// If another page of the same session got there first, its keys are used instead, so two tabs
/// opening at once agree.
async fn start_session(db: &Database, identity: String) -> Result<Keys, CacheError> {
    // Keys are made before the transaction: an IndexedDB transaction ends while a WebCrypto promise
    // is pending.
    let fresh = Keys {
        identity,
        encryption: webcrypto::new_aes_key().await?,
        naming: webcrypto::new_hmac_key().await?,
    };
    let tx = db.write(&STORES)?;
    let meta = tx.store(META)?;
    let current = meta
        .get(KEY_KEYS)
        .await?
        .and_then(|record| keys_of(&record));
    if let Some(keys) = current.filter(|k| k.identity == fresh.identity) {
        tx.commit().await?;
        return Ok(keys);
    }
    for store in STORES {
        tx.store(store)?.clear()?;
    }
    let record = Record::new()
        .with("identity", fresh.identity.as_str())
        .with("encryption", fresh.encryption.clone())
        .with("naming", fresh.naming.clone())
        .into_js();
    meta.put(record, KEY_KEYS)?;
    write_usage(&meta, Usage::default())?;
    meta.put(0.0f64, KEY_NEXT)?;
    tx.commit().await?;
    Ok(fresh)
}

fn entry_size(id: &str, iv: &[u8], data: &[u8]) -> u64 {
    (id.len() + iv.len() + data.len()) as u64
}

async fn read_usage(meta: &Store) -> Result<Usage, CacheError> {
    let bytes = meta.get(KEY_BYTES).await?.and_then(|v| v.as_f64());
    let entries = meta.get(KEY_COUNT).await?.and_then(|v| v.as_f64());
    Ok(Usage {
        bytes: bytes.unwrap_or(0.0) as u64,
        entries: entries.unwrap_or(0.0) as u64,
    })
}

fn write_usage(meta: &Store, usage: Usage) -> Result<(), CacheError> {
    meta.put(usage.bytes as f64, KEY_BYTES)?;
    meta.put(usage.entries as f64, KEY_COUNT)?;
    Ok(())
}

/// Deletes one entry and its place in the write order, and takes it off the usage.
fn forget(
    entries: &Store,
    order: &Store,
    id: &str,
    record: &JsValue,
    usage: &mut Usage,
) -> Result<(), CacheError> {
    let malformed = || CacheError::Malformed {
        record: format!("{ENTRIES} → {id}"),
    };
    let seq = webcrypto::field_f64(record, "seq").ok_or_else(malformed)?;
    let size = webcrypto::field_f64(record, "size").ok_or_else(malformed)? as u64;
    entries.delete(id)?;
    order.delete(seq)?;
    usage.bytes = usage.bytes.saturating_sub(size);
    usage.entries = usage.entries.saturating_sub(1);
    Ok(())
}
