//! Reading and changing IndexedDB behind an adapter's back, with indexed_db_futures alone: what an
//! attacker with the profile directory, or a curious script of the same origin, would see.

use indexed_db_futures::{database::Database, prelude::*, transaction::TransactionMode};
use js_sys::{ArrayBuffer, Object, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// Opens an existing database at whatever version it has.
async fn open(database: &str) -> Database {
    Database::open(database)
        .await
        .expect("open the database raw")
}

/// Every record of `store` as (key, value), in key order.
pub async fn records(database: &str, store: &str) -> Vec<(JsValue, JsValue)> {
    let db = open(database).await;
    let tx = db.transaction(store).build().expect("transaction");
    let object_store = tx.object_store(store).expect("store");
    let keys: Vec<JsValue> = object_store
        .get_all_keys::<JsValue>()
        .primitive()
        .expect("getAllKeys")
        .await
        .expect("keys")
        .collect::<Result<_, _>>()
        .expect("keys");
    let values: Vec<JsValue> = object_store
        .get_all::<JsValue>()
        .primitive()
        .expect("getAll")
        .await
        .expect("values")
        .collect::<Result<_, _>>()
        .expect("values");
    tx.commit().await.expect("commit");
    db.close();
    keys.into_iter().zip(values).collect()
}

/// Every byte a record holds as text or binary, keys included: strings as UTF-8, typed arrays and
/// buffers as they are, objects and arrays field by field. Numbers and `CryptoKey`s (whose fields
/// script cannot read) add nothing.
pub fn bytes_of(value: &JsValue, out: &mut Vec<u8>) {
    if let Some(text) = value.as_string() {
        out.extend_from_slice(text.as_bytes());
    } else if let Some(array) = value.dyn_ref::<Uint8Array>() {
        out.extend(array.to_vec());
    } else if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        out.extend(Uint8Array::new(buffer).to_vec());
    } else if let Some(array) = value.dyn_ref::<js_sys::Array>() {
        for item in array.iter() {
            bytes_of(&item, out);
        }
    } else if value.is_object() {
        for pair in Object::entries(value.unchecked_ref()).iter() {
            bytes_of(&pair, out);
        }
    }
    // A separator, so that two adjacent fields never make up a match between them.
    out.push(0);
}

/// Everything the named stores of `database` hold, as bytes.
pub async fn all_bytes(database: &str, stores: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for store in stores {
        for (key, value) in records(database, store).await {
            bytes_of(&key, &mut out);
            bytes_of(&value, &mut out);
        }
    }
    out
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Flips one bit of the binary field `field` of every record in `store`.
pub async fn flip_a_bit(database: &str, store: &str, field: &str) {
    let pairs = records(database, store).await;
    let db = open(database).await;
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("transaction");
    let object_store = tx.object_store(store).expect("store");
    for (key, value) in pairs {
        let bytes: Uint8Array = js_sys::Reflect::get(&value, &field.into())
            .expect("field")
            .dyn_into()
            .expect("binary field");
        let middle = bytes.length() / 2;
        bytes.set_index(middle, bytes.get_index(middle) ^ 0x01);
        object_store
            .put(value)
            .with_key(key)
            .primitive()
            .expect("put");
    }
    tx.commit().await.expect("commit");
    db.close();
}

/// Sets the field `field` of every record in `store` to `replacement`.
pub async fn set_field(database: &str, store: &str, field: &str, replacement: JsValue) {
    let pairs = records(database, store).await;
    let db = open(database).await;
    let tx = db
        .transaction(store)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .expect("transaction");
    let object_store = tx.object_store(store).expect("store");
    for (key, value) in pairs {
        js_sys::Reflect::set(&value, &field.into(), &replacement).expect("set");
        object_store
            .put(value)
            .with_key(key)
            .primitive()
            .expect("put");
    }
    tx.commit().await.expect("commit");
    db.close();
}

/// The `CryptoKey` held in `field` of the record `key` of `store`.
pub async fn crypto_key(database: &str, store: &str, key: &str, field: &str) -> web_sys::CryptoKey {
    let (_, record) = records(database, store)
        .await
        .into_iter()
        .find(|(k, _)| k.as_string().as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no record {key:?} in {store}"));
    js_sys::Reflect::get(&record, &field.into())
        .expect("field")
        .dyn_into()
        .expect("a CryptoKey")
}
