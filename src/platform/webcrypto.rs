//! The few WebCrypto (`crypto.subtle`) operations the session cache and the outbox need, and the
//! reading of the records they keep in IndexedDB (decisions.md D4; the IndexedDB plumbing itself is
//! `platform::idb`).
//!
//! Every key made here is non-extractable: script can use it but never read its bytes, and a
//! structured clone of it (which is how IndexedDB stores a `CryptoKey`) stays non-extractable.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, AesKeyGenParams, CryptoKey, HmacKeyGenParams, SubtleCrypto};

/// The length of an AES-GCM nonce: 96 bits, the size GCM is defined for without extra hashing.
pub const IV_LEN: usize = 12;

/// A WebCrypto or IndexedDB call that failed, with the operation and the browser's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub operation: &'static str,
    pub message: String,
}

impl Failure {
    fn new(operation: &'static str, value: &JsValue) -> Failure {
        Failure {
            operation,
            message: super::js_message(value),
        }
    }
}

fn crypto() -> Result<web_sys::Crypto, Failure> {
    let window = web_sys::window().ok_or_else(|| Failure {
        operation: "window",
        message: "no window".to_owned(),
    })?;
    window
        .crypto()
        .map_err(|e| Failure::new("window.crypto", &e))
}

fn subtle() -> Result<SubtleCrypto, Failure> {
    Ok(crypto()?.subtle())
}

async fn settle(operation: &'static str, promise: js_sys::Promise) -> Result<JsValue, Failure> {
    JsFuture::from(promise)
        .await
        .map_err(|e| Failure::new(operation, &e))
}

fn bytes_of(operation: &'static str, value: &JsValue) -> Result<Vec<u8>, Failure> {
    match value.dyn_ref::<js_sys::ArrayBuffer>() {
        Some(buffer) => Ok(Uint8Array::new(buffer).to_vec()),
        None => Err(Failure {
            operation,
            message: "the result is not an ArrayBuffer".to_owned(),
        }),
    }
}

fn usages(names: &[&str]) -> Array {
    names.iter().map(|n| JsValue::from_str(n)).collect()
}

fn as_key(operation: &'static str, value: JsValue) -> Result<CryptoKey, Failure> {
    value.dyn_into::<CryptoKey>().map_err(|v| Failure {
        operation,
        message: format!("not a CryptoKey: {v:?}"),
    })
}

/// `count` bytes from `crypto.getRandomValues`.
pub fn random_bytes(count: usize) -> Result<Vec<u8>, Failure> {
    let mut bytes = vec![0u8; count];
    let crypto = crypto()?;
    // getRandomValues fills at most 65,536 bytes per call.
    for chunk in bytes.chunks_mut(65_536) {
        crypto
            .get_random_values_with_u8_array(chunk)
            .map_err(|e| Failure::new("getRandomValues", &e))?;
    }
    Ok(bytes)
}

/// A new non-extractable AES-GCM 256 key for encrypt and decrypt.
pub async fn new_aes_key() -> Result<CryptoKey, Failure> {
    const OP: &str = "generateKey(AES-GCM)";
    let params = AesKeyGenParams::new("AES-GCM", 256);
    let promise = subtle()?
        .generate_key_with_object(&params, false, &usages(&["encrypt", "decrypt"]))
        .map_err(|e| Failure::new(OP, &e))?;
    as_key(OP, settle(OP, promise).await?)
}

/// A new non-extractable HMAC-SHA-256 key for sign only: it names cache entries, nothing verifies.
pub async fn new_hmac_key() -> Result<CryptoKey, Failure> {
    const OP: &str = "generateKey(HMAC)";
    let params = HmacKeyGenParams::new_with_str("HMAC", "SHA-256");
    let promise = subtle()?
        .generate_key_with_object(&params, false, &usages(&["sign"]))
        .map_err(|e| Failure::new(OP, &e))?;
    as_key(OP, settle(OP, promise).await?)
}

/// HMAC-SHA-256 of `data` under `key`.
pub async fn hmac(key: &CryptoKey, data: &[u8]) -> Result<Vec<u8>, Failure> {
    const OP: &str = "sign(HMAC)";
    let promise = subtle()?
        .sign_with_str_and_u8_array("HMAC", key, data)
        .map_err(|e| Failure::new(OP, &e))?;
    bytes_of(OP, &settle(OP, promise).await?)
}

/// SHA-256 of `data`.
pub async fn sha256(data: &[u8]) -> Result<Vec<u8>, Failure> {
    const OP: &str = "digest(SHA-256)";
    let promise = subtle()?
        .digest_with_str_and_u8_array("SHA-256", data)
        .map_err(|e| Failure::new(OP, &e))?;
    bytes_of(OP, &settle(OP, promise).await?)
}

fn gcm_params(iv: &[u8], additional_data: &[u8]) -> AesGcmParams {
    let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(iv));
    params.set_additional_data_u8_array(&Uint8Array::from(additional_data));
    params
}

/// Encrypts `plaintext` under `key` with a fresh random IV, returned beside the ciphertext (which
/// ends with GCM's 16-byte tag). `additional_data` is authenticated but not stored: it binds the
/// ciphertext to its record, so moving it under another record fails to decrypt.
pub async fn seal(
    key: &CryptoKey,
    additional_data: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Failure> {
    const OP: &str = "encrypt(AES-GCM)";
    // A fresh IV per write: reusing one under the same GCM key would leak both plaintexts.
    let iv = random_bytes(IV_LEN)?;
    let promise = subtle()?
        .encrypt_with_object_and_u8_array(&gcm_params(&iv, additional_data), key, plaintext)
        .map_err(|e| Failure::new(OP, &e))?;
    let ciphertext = bytes_of(OP, &settle(OP, promise).await?)?;
    Ok((iv, ciphertext))
}

/// Decrypts and authenticates what [`seal`] made; any changed byte, IV, key or additional data fails.
pub async fn open(
    key: &CryptoKey,
    additional_data: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, Failure> {
    const OP: &str = "decrypt(AES-GCM)";
    let promise = subtle()?
        .decrypt_with_object_and_u8_array(&gcm_params(iv, additional_data), key, ciphertext)
        .map_err(|e| Failure::new(OP, &e))?;
    bytes_of(OP, &settle(OP, promise).await?)
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A plain JavaScript object built field by field, for records that hold a `CryptoKey` or binary
/// data (serde would turn bytes into arrays of numbers and cannot carry a `CryptoKey`).
#[derive(Default)]
pub struct Record(Object);

impl Record {
    pub fn new() -> Record {
        Record::default()
    }

    pub fn with(self, field: &str, value: impl Into<JsValue>) -> Record {
        // Setting a property on a fresh plain object cannot throw.
        let _ = Reflect::set(&self.0, &field.into(), &value.into());
        self
    }

    pub fn with_bytes(self, field: &str, bytes: &[u8]) -> Record {
        self.with(field, Uint8Array::from(bytes))
    }

    pub fn into_js(self) -> JsValue {
        self.0.into()
    }
}

/// A field of a stored record, or `None` when it is missing or of another type.
pub fn field_bytes(record: &JsValue, field: &str) -> Option<Vec<u8>> {
    Reflect::get(record, &field.into())
        .ok()?
        .dyn_into::<Uint8Array>()
        .ok()
        .map(|a| a.to_vec())
}

pub fn field_f64(record: &JsValue, field: &str) -> Option<f64> {
    Reflect::get(record, &field.into()).ok()?.as_f64()
}

pub fn field_string(record: &JsValue, field: &str) -> Option<String> {
    Reflect::get(record, &field.into()).ok()?.as_string()
}

pub fn field_key(record: &JsValue, field: &str) -> Option<CryptoKey> {
    Reflect::get(record, &field.into())
        .ok()?
        .dyn_into::<CryptoKey>()
        .ok()
}
