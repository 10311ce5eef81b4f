//! The outbox's storage (decisions.md D4): writes staff expect to complete later, kept until they
//! are sent. They belong to the institution, not the session, so they are encrypted with a device
//! key that survives logout: a non-extractable AES-GCM key made once and kept in the database.
//!
//! A stored entry shows only a random id and its creation time; the Idempotency-Key, the user, the
//! request and the state are inside the ciphertext, which is bound to the id and the time so that
//! neither can be changed or swapped between records unnoticed. This module only stores; sending,
//! replaying and the screens are built elsewhere.
//!
//! Errors never carry a request, a user or a reason: those may be patient data.

use onshi_core::{
    contract::{Headers, Method, Request},
    time::Timestamp,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use web_sys::{CryptoKey, IdbFactory};

use crate::platform::{
    idb::{self, Database, IdbError},
    webcrypto::{self, Failure, Record},
};

/// The outbox of real mode.
pub const REAL_OUTBOX: &str = "onshi-outbox";
/// The outbox of training mode: training and real data never share a database.
pub const TRAINING_OUTBOX: &str = "onshi-training-outbox";

/// An entry older than this is not replayed automatically but shown as 要確認: the endpoint keeps
/// an Idempotency-Key for 7 days (D7), and a day's margin keeps a replay from landing after it.
pub const NEEDS_CHECK_AFTER_MS: i64 = onshi_core::client::outbox::Policy::OUTBOX.max_age_ms;

const KEYS: &str = "keys";
const ENTRIES: &str = "entries";
const KEY_DEVICE: &str = "device";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboxError {
    #[error("opening IndexedDB database {name:?} failed: {message}")]
    Open { name: String, message: String },
    #[error("IndexedDB failed: {message}")]
    Io { message: String },
    #[error("WebCrypto {operation} failed: {message}")]
    Crypto {
        operation: &'static str,
        message: String,
    },
    /// The ciphertext did not authenticate: it was changed, or written under another device key.
    #[error("outbox entry {id} failed authentication: {message}")]
    Unreadable { id: String, message: String },
    #[error("outbox entry {id} has an unexpected shape: {detail}")]
    Malformed { id: String, detail: String },
    #[error("no outbox entry {id}")]
    NotFound { id: String },
    /// The entry was rewritten (by another tab) between reading and writing it back.
    #[error("outbox entry {id} changed while its state was being updated")]
    Changed { id: String },
    #[error("the request method {method:?} is not one the contract uses")]
    Method { method: String },
}

impl From<IdbError> for OutboxError {
    fn from(e: IdbError) -> OutboxError {
        match e {
            IdbError::Open { name, message } => OutboxError::Open { name, message },
            IdbError::Io { message } => OutboxError::Io { message },
        }
    }
}

impl From<Failure> for OutboxError {
    fn from(f: Failure) -> OutboxError {
        OutboxError::Crypto {
            operation: f.operation,
            message: f.message,
        }
    }
}

/// Where an entry stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be sent.
    Pending,
    /// Being sent now.
    Sending,
    /// 回答待ち: the endpoint has the same write (its key) with the national side, whose answer has
    /// not come yet (409 `idempotency_in_progress`). Nothing failed; it is sent again later
    /// under the same key, which then replays the answer.
    AwaitingAnswer,
    /// Sent without an answer (the endpoint was unreachable); `reason` says what happened.
    Failed { reason: String },
    /// 要確認: too old to replay under its key; staff check the current state and send it anew.
    NeedsCheck,
    /// The endpoint answered (D4 counts any answer, a business error included); `outcome` is what
    /// it said, in staff's words, kept until staff have seen it.
    Done { outcome: String },
}

/// Who made the change: sent on replay as `Onshi-Original-User` and shown to staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxUser {
    pub id: String,
    pub name: String,
}

/// Where a write goes: it is replayed only to the endpoint it was made for, and only by a user of
/// the same institution (D4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxScope {
    /// [`crate::transport::Endpoint::id`].
    pub endpoint: String,
    /// 医療機関コード.
    pub institution: String,
}

/// What a caller hands in to queue a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxEntry {
    pub created_at: Timestamp,
    pub scope: OutboxScope,
    pub user: OutboxUser,
    /// The write as it would have been sent. Its `Authorization` header is not kept: the token
    /// ends with the session, and the replay sends the next user's.
    pub request: Request,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Random, and says nothing about the entry.
    pub id: String,
    /// Sent with every attempt, so the endpoint applies the write at most once (D7).
    pub idempotency_key: String,
    pub created_at: Timestamp,
    pub scope: OutboxScope,
    pub user: OutboxUser,
    pub request: Request,
    pub state: OutboxState,
}

impl OutboxEntry {
    /// Whether the entry is past the age at which it must no longer be replayed automatically.
    pub fn is_too_old(&self, now: Timestamp) -> bool {
        onshi_core::client::outbox::Policy::OUTBOX.expired(self.created_at, now)
    }
}

/// The encrypted part of an entry, before the body: JSON is enough for these few short fields, and
/// the body follows it as raw bytes so that a bulk upload is not inflated into an array of numbers.
#[derive(Serialize, Deserialize)]
struct Sealed {
    idempotency_key: String,
    scope: OutboxScope,
    user: OutboxUser,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    state: OutboxState,
}

/// The open outbox database. Dropping it closes the connection; the entries stay.
pub struct OutboxStore {
    db: Database,
    device_key: CryptoKey,
}

impl OutboxStore {
    /// Opens the outbox, making the device key the first time.
    pub async fn open(database_name: &str) -> Result<OutboxStore, OutboxError> {
        let factory = idb::window_factory()?;
        OutboxStore::open_in(&factory, database_name).await
    }

    /// [`OutboxStore::open`] on the databases of `factory` (a page's or a worker's).
    pub async fn open_in(
        factory: &IdbFactory,
        database_name: &str,
    ) -> Result<OutboxStore, OutboxError> {
        let db = idb::open(factory, database_name, 1, &[KEYS, ENTRIES])
            .await?
            .close_on_version_change();
        let stored = read_device_key(&db).await?;
        let device_key = match stored {
            Some(key) => key,
            None => make_device_key(&db).await?,
        };
        Ok(OutboxStore { db, device_key })
    }

    /// Queues a write as [`OutboxState::Pending`] under a new id and Idempotency-Key.
    pub async fn add(&self, new: NewOutboxEntry) -> Result<OutboxEntry, OutboxError> {
        let mut request = new.request;
        request.headers = without_authorization(&request.headers);
        let entry = OutboxEntry {
            id: webcrypto::hex(&webcrypto::random_bytes(16)?),
            idempotency_key: uuid_v4(&webcrypto::random_bytes(16)?),
            created_at: new.created_at,
            scope: new.scope,
            user: new.user,
            request,
            state: OutboxState::Pending,
        };
        let record = self.seal(&entry).await?;
        let tx = self.db.write(&[ENTRIES])?;
        // `add`, not `put`: a random id that collides must fail rather than overwrite.
        tx.store(ENTRIES)?.add(record, entry.id.as_str())?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Every entry, oldest first.
    pub async fn list(&self) -> Result<Vec<OutboxEntry>, OutboxError> {
        let records: Vec<JsValue> = {
            let tx = self.db.read(&[ENTRIES])?;
            let records = tx.store(ENTRIES)?.get_all(None).await?;
            tx.commit().await?;
            records
        };
        let mut entries = Vec::with_capacity(records.len());
        for record in &records {
            entries.push(self.unseal(record).await?);
        }
        entries.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(entries)
    }

    /// Sets an entry's state (re-encrypted under a fresh IV).
    pub async fn update_state(
        &self,
        id: &str,
        state: OutboxState,
    ) -> Result<OutboxEntry, OutboxError> {
        let before = self
            .read(id)
            .await?
            .ok_or_else(|| OutboxError::NotFound { id: id.to_owned() })?;
        let mut entry = self.unseal(&before).await?;
        entry.state = state;
        let record = self.seal(&entry).await?;

        let tx = self.db.write(&[ENTRIES])?;
        let entries = tx.store(ENTRIES)?;
        // Encryption awaits outside any transaction, so check nobody rewrote or removed the entry
        // meanwhile: each write has its own IV, so an unchanged IV means an unchanged entry.
        let current = entries.get(id).await?;
        let unchanged = current.is_some_and(|c| {
            webcrypto::field_bytes(&c, "iv") == webcrypto::field_bytes(&before, "iv")
        });
        if !unchanged {
            return Err(OutboxError::Changed { id: id.to_owned() });
        }
        entries.put(record, id)?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Removes an entry; removing one that is not there is not an error.
    pub async fn remove(&self, id: &str) -> Result<(), OutboxError> {
        let tx = self.db.write(&[ENTRIES])?;
        tx.store(ENTRIES)?.delete(id)?;
        tx.commit().await?;
        Ok(())
    }

    async fn read(&self, id: &str) -> Result<Option<JsValue>, OutboxError> {
        let tx = self.db.read(&[ENTRIES])?;
        let record = tx.store(ENTRIES)?.get(id).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn seal(&self, entry: &OutboxEntry) -> Result<JsValue, OutboxError> {
        let sealed = Sealed {
            idempotency_key: entry.idempotency_key.clone(),
            scope: entry.scope.clone(),
            user: entry.user.clone(),
            method: entry.request.method.as_str().to_owned(),
            target: entry.request.target.clone(),
            headers: entry
                .request
                .headers
                .iter()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect(),
            state: entry.state.clone(),
        };
        let head = serde_json::to_vec(&sealed).map_err(|e| OutboxError::Malformed {
            id: entry.id.clone(),
            detail: e.to_string(),
        })?;
        let head_len = u32::try_from(head.len()).map_err(|_| OutboxError::Malformed {
            id: entry.id.clone(),
            detail: format!("a head of {} bytes", head.len()),
        })?;
        let mut plaintext = Vec::with_capacity(4 + head.len() + entry.request.body.len());
        plaintext.extend_from_slice(&head_len.to_be_bytes());
        plaintext.extend_from_slice(&head);
        plaintext.extend_from_slice(&entry.request.body);
        let aad = additional_data(&entry.id, entry.created_at);
        let (iv, data) = webcrypto::seal(&self.device_key, &aad, &plaintext).await?;
        Ok(Record::new()
            .with("id", entry.id.as_str())
            .with("created_at", entry.created_at.millis() as f64)
            .with_bytes("iv", &iv)
            .with_bytes("data", &data)
            .into_js())
    }

    async fn unseal(&self, record: &JsValue) -> Result<OutboxEntry, OutboxError> {
        let id = webcrypto::field_string(record, "id").unwrap_or_default();
        let malformed = |detail: &str| OutboxError::Malformed {
            id: id.clone(),
            detail: detail.to_owned(),
        };
        let created_at = webcrypto::field_f64(record, "created_at")
            .map(|ms| Timestamp::from_millis(ms as i64))
            .ok_or_else(|| malformed("no created_at"))?;
        let iv = webcrypto::field_bytes(record, "iv").ok_or_else(|| malformed("no iv"))?;
        let data = webcrypto::field_bytes(record, "data").ok_or_else(|| malformed("no data"))?;
        let plaintext = webcrypto::open(
            &self.device_key,
            &additional_data(&id, created_at),
            &iv,
            &data,
        )
        .await
        .map_err(|f| OutboxError::Unreadable {
            id: id.clone(),
            message: f.message,
        })?;

        let (len, rest) = plaintext
            .split_first_chunk::<4>()
            .ok_or_else(|| malformed("shorter than its length prefix"))?;
        let len = u32::from_be_bytes(*len) as usize;
        if rest.len() < len {
            return Err(malformed("shorter than its head"));
        }
        let (head, body) = rest.split_at(len);
        let sealed: Sealed = serde_json::from_slice(head).map_err(|e| malformed(&e.to_string()))?;
        let method = Method::parse(&sealed.method).ok_or_else(|| OutboxError::Method {
            method: sealed.method.clone(),
        })?;
        let mut headers = Headers::new();
        for (name, value) in &sealed.headers {
            headers.append(name, value.as_str());
        }
        Ok(OutboxEntry {
            id: id.clone(),
            idempotency_key: sealed.idempotency_key,
            created_at,
            scope: sealed.scope,
            user: sealed.user,
            request: Request {
                method,
                target: sealed.target,
                headers,
                body: body.to_vec(),
            },
            state: sealed.state,
        })
    }
}

/// What the ciphertext is bound to: the record's id and creation time, the two fields in clear.
fn additional_data(id: &str, created_at: Timestamp) -> Vec<u8> {
    format!("onshi-outbox\0{id}\0{}", created_at.millis()).into_bytes()
}

fn without_authorization(headers: &Headers) -> Headers {
    let mut kept = Headers::new();
    for (name, value) in headers.iter() {
        if !name.eq_ignore_ascii_case("Authorization") {
            kept.append(name, value);
        }
    }
    kept
}

/// A random (version 4) UUID in its usual spelling, from 16 random bytes.
fn uuid_v4(random: &[u8]) -> String {
    let mut b = [0u8; 16];
    for (to, from) in b.iter_mut().zip(random) {
        *to = *from;
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = webcrypto::hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

async fn read_device_key(db: &Database) -> Result<Option<CryptoKey>, OutboxError> {
    let tx = db.read(&[KEYS])?;
    let record = tx.store(KEYS)?.get(KEY_DEVICE).await?;
    tx.commit().await?;
    Ok(record.and_then(|r| webcrypto::field_key(&r, "key")))
}

/// Makes the device key, unless another page made it since this one looked: the first stored key
/// wins, because entries already encrypted under it must stay readable.
async fn make_device_key(db: &Database) -> Result<CryptoKey, OutboxError> {
    // Made before the transaction: an IndexedDB transaction ends while a WebCrypto promise is pending.
    let fresh = webcrypto::new_aes_key().await?;
    let tx = db.write(&[KEYS])?;
    let keys = tx.store(KEYS)?;
    let current = keys
        .get(KEY_DEVICE)
        .await?
        .and_then(|r| webcrypto::field_key(&r, "key"));
    let key = match current {
        Some(key) => key,
        None => {
            let record = Record::new().with("key", fresh.clone()).into_js();
            keys.put(record, KEY_DEVICE)?;
            fresh
        }
    };
    tx.commit().await?;
    Ok(key)
}
