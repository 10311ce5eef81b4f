//! The IndexedDB plumbing: opening with an upgrade that makes the object stores, transactions aborted
//! unless committed, and get/getAll/getAllKeys as futures, with one error type.
//!
//! Every function takes the `IDBFactory` it works on: a page passes [`window_factory`]; the training
//! world passes its global scope's, `WorkerGlobalScope.indexedDB` in the service worker.
//!
//! A request's future resolves from its `success` event through a promise, so the code after an
//! `await` runs in the same microtask checkpoint and the transaction is still active for the next
//! request. A [`Transaction`] dropped without [`Transaction::commit`] is aborted: an error part-way
//! through a write must not leave half of it behind.

use js_sys::{Array, Promise};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbFactory, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction,
    IdbTransactionMode, IdbVersionChangeEvent,
};

use crate::js_message;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdbError {
    #[error("opening IndexedDB database {name:?} failed: {message}")]
    Open { name: String, message: String },
    #[error("IndexedDB failed: {message}")]
    Io { message: String },
}

impl IdbError {
    fn io(value: &JsValue) -> IdbError {
        IdbError::Io {
            message: js_message(value),
        }
    }
}

/// The page's `IDBFactory` (`window.indexedDB`).
pub fn window_factory() -> Result<IdbFactory, IdbError> {
    let window = web_sys::window().ok_or_else(|| IdbError::Io {
        message: "there is no window to take IndexedDB from".to_owned(),
    })?;
    window
        .indexed_db()
        .map_err(|e| IdbError::io(&e))?
        .ok_or_else(|| IdbError::Io {
            message: "IndexedDB is not available in this window".to_owned(),
        })
}

/// Waits for a request's `success` or `error` event; on success, its result.
async fn settle(request: &IdbRequest) -> Result<JsValue, IdbError> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => request.result().map_err(|e| IdbError::io(&e)),
        Err(event) => Err(request_error(request, &event)),
    }
}

/// The `DOMException` a failed request holds, or the event when it holds none.
fn request_error(request: &IdbRequest, event: &JsValue) -> IdbError {
    match request.error() {
        Ok(Some(error)) => IdbError::io(&error),
        _ => IdbError::io(event),
    }
}

/// Opens database `name` at `version`, making any of `stores` it does not have yet (with
/// out-of-line keys) in the upgrade.
pub async fn open(
    factory: &IdbFactory,
    name: &str,
    version: u32,
    stores: &[&str],
) -> Result<Database, IdbError> {
    let failed = |message: String| IdbError::Open {
        name: name.to_owned(),
        message,
    };
    let request: IdbOpenDbRequest = factory
        .open_with_u32(name, version)
        .map_err(|e| failed(js_message(&e)))?;
    let wanted: Vec<String> = stores.iter().map(|s| (*s).to_owned()).collect();
    let upgrade = Closure::<dyn FnMut(IdbVersionChangeEvent)>::new({
        let request = request.clone();
        move |_event: IdbVersionChangeEvent| {
            let Ok(db) = request.result().map(JsCast::unchecked_into::<IdbDatabase>) else {
                return;
            };
            let existing = db.object_store_names();
            for store in &wanted {
                if !existing.contains(store) && db.create_object_store(store).is_err() {
                    // Aborting the upgrade makes the open request fail with the reason.
                    if let Some(tx) = request.transaction() {
                        let _ = tx.abort();
                    }
                    return;
                }
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let opened = settle(&request).await;
    request.set_onupgradeneeded(None);
    drop(upgrade);
    let raw: IdbDatabase = match opened {
        Ok(result) => result.unchecked_into(),
        Err(IdbError::Io { message } | IdbError::Open { message, .. }) => {
            return Err(failed(message));
        }
    };
    Ok(Database {
        raw,
        on_version_change: None,
    })
}

/// Deletes database `name`, waiting until every connection to it has closed.
pub async fn delete(factory: &IdbFactory, name: &str) -> Result<(), IdbError> {
    let request = factory
        .delete_database(name)
        .map_err(|e| IdbError::io(&e))?;
    settle(&request).await.map(|_| ())
}

/// An open database. Dropping it closes the connection.
pub struct Database {
    raw: IdbDatabase,
    on_version_change: Option<Closure<dyn FnMut()>>,
}

impl Database {
    /// Closes the connection when another page asks to delete or upgrade the database, so that
    /// destroying a database at logout in one tab is never blocked by a connection another tab left
    /// open.
    pub fn close_on_version_change(mut self) -> Database {
        let on_version_change = Closure::<dyn FnMut()>::new({
            let target = self.raw.clone();
            move || target.close()
        });
        self.raw
            .set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        self.on_version_change = Some(on_version_change);
        self
    }

    /// Whether the database has object store `name`.
    pub fn has_store(&self, name: &str) -> bool {
        self.raw.object_store_names().contains(name)
    }

    /// A read-only transaction over `stores`.
    pub fn read(&self, stores: &[&str]) -> Result<Transaction, IdbError> {
        self.transaction(stores, IdbTransactionMode::Readonly)
    }

    /// A readwrite transaction over `stores`.
    pub fn write(&self, stores: &[&str]) -> Result<Transaction, IdbError> {
        self.transaction(stores, IdbTransactionMode::Readwrite)
    }

    fn transaction(
        &self,
        stores: &[&str],
        mode: IdbTransactionMode,
    ) -> Result<Transaction, IdbError> {
        let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
        let raw = self
            .raw
            .transaction_with_str_sequence_and_mode(&names, mode)
            .map_err(|e| IdbError::io(&e))?;
        // The outcome is listened for from the start: a transaction can finish at any point once
        // no request is pending, and an unobserved rejection would be reported as uncaught.
        let done = JsFuture::from(Promise::new(&mut |resolve, reject| {
            raw.set_oncomplete(Some(&resolve));
            raw.set_onerror(Some(&reject));
            raw.set_onabort(Some(&reject));
        }));
        Ok(Transaction {
            raw,
            done: Some(done),
        })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if self.on_version_change.is_some() {
            // The handler must go before the closure it points to is freed.
            self.raw.set_onversionchange(None);
        }
        self.raw.close();
    }
}

/// A transaction. Dropping it without [`Transaction::commit`] aborts it.
pub struct Transaction {
    raw: IdbTransaction,
    /// Taken by [`Transaction::commit`]; still here on drop means the transaction is abandoned.
    done: Option<JsFuture>,
}

impl Transaction {
    pub fn store(&self, name: &str) -> Result<Store, IdbError> {
        self.raw
            .object_store(name)
            .map(|raw| Store { raw })
            .map_err(|e| IdbError::io(&e))
    }

    /// Commits and waits until the transaction has completed.
    pub async fn commit(mut self) -> Result<(), IdbError> {
        let Some(done) = self.done.take() else {
            return Ok(());
        };
        // `commit` throws when the transaction has already finished on its own; its outcome is
        // then what `done` reports. web-sys marks the method deprecated, but it is the standard
        // IndexedDB 3.0 call every supported browser has.
        #[allow(deprecated)]
        let _ = self.raw.commit();
        match done.await {
            Ok(_) => Ok(()),
            Err(event) => Err(match self.raw.error() {
                Some(error) => IdbError::io(&error),
                None => IdbError::Io {
                    message: format!("transaction aborted ({})", js_message(&event)),
                },
            }),
        }
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if self.done.is_some() {
            // It may have finished already, in which case there is nothing left to abort.
            let _ = self.raw.abort();
        }
    }
}

/// An object store within a transaction. Writes are queued on the transaction; their failures
/// surface when it commits.
pub struct Store {
    raw: IdbObjectStore,
}

impl Store {
    /// The record stored under `key`, if any.
    pub async fn get(&self, key: impl Into<JsValue>) -> Result<Option<JsValue>, IdbError> {
        let request = self.raw.get(&key.into()).map_err(|e| IdbError::io(&e))?;
        let value = settle(&request).await?;
        Ok((!value.is_undefined()).then_some(value))
    }

    /// Every key, in key order (the order of [`Store::get_all`]'s values).
    pub async fn get_all_keys(&self) -> Result<Vec<JsValue>, IdbError> {
        let request = self.raw.get_all_keys().map_err(|e| IdbError::io(&e))?;
        let keys = settle(&request).await?;
        Ok(keys.unchecked_into::<Array>().to_vec())
    }

    /// The first `limit` records (all when `None`), in key order.
    pub async fn get_all(&self, limit: Option<u32>) -> Result<Vec<JsValue>, IdbError> {
        let request = match limit {
            Some(limit) => self
                .raw
                .get_all_with_key_and_limit(&JsValue::UNDEFINED, limit),
            None => self.raw.get_all(),
        }
        .map_err(|e| IdbError::io(&e))?;
        let values = settle(&request).await?;
        Ok(values.unchecked_into::<Array>().to_vec())
    }

    /// Stores `value` under `key`, replacing what the key held.
    pub fn put(&self, value: impl Into<JsValue>, key: impl Into<JsValue>) -> Result<(), IdbError> {
        self.raw
            .put_with_key(&value.into(), &key.into())
            .map(|_| ())
            .map_err(|e| IdbError::io(&e))
    }

    /// Stores `value` under `key`; the transaction fails if the key is taken.
    pub fn add(&self, value: impl Into<JsValue>, key: impl Into<JsValue>) -> Result<(), IdbError> {
        self.raw
            .add_with_key(&value.into(), &key.into())
            .map(|_| ())
            .map_err(|e| IdbError::io(&e))
    }

    pub fn delete(&self, key: impl Into<JsValue>) -> Result<(), IdbError> {
        self.raw
            .delete(&key.into())
            .map(|_| ())
            .map_err(|e| IdbError::io(&e))
    }

    pub fn clear(&self) -> Result<(), IdbError> {
        self.raw.clear().map(|_| ()).map_err(|e| IdbError::io(&e))
    }
}
