//! The session cache as the screens use it (decisions.md D4): results and history pages seen in this
//! session are kept encrypted in IndexedDB ([`crate::platform::session_cache`]), so they open at once,
//! also after a reload. The cache belongs to the session: when the session ends in this tab (logout,
//! idle timeout, a 401), [`destroy`] deletes it, keys and data together.
//!
//! The cache is a convenience: every failure to read or write it is the same as a miss.

use std::rc::Rc;

use leptos::{prelude::*, task::spawn_local};
use serde::{Serialize, de::DeserializeOwned};

use crate::{
    platform::session_cache::{REAL_CACHE, SessionCache, TRAINING_CACHE},
    state::{EndpointHandle, SessionContext, use_endpoint, use_session},
    transport::Endpoint,
};

/// The session cache (a `Copy` handle).
#[derive(Clone, Copy)]
pub struct Cache {
    endpoint: EndpointHandle,
    session: SessionContext,
    /// The cache opened for a session token, kept so each read does not open the database again.
    opened: StoredValue<Option<(String, Rc<SessionCache>)>, LocalStorage>,
}

pub(super) fn provide() {
    provide_context(Cache {
        endpoint: use_endpoint(),
        session: use_session(),
        opened: StoredValue::new_local(None),
    });
}

pub fn use_cache() -> Cache {
    expect_context::<Cache>()
}

/// The database the cache of `endpoint` lives in: training data never shares one with real data.
pub fn database_of(endpoint: &Endpoint) -> &'static str {
    match endpoint.url() {
        None => TRAINING_CACHE,
        Some(_) => REAL_CACHE,
    }
}

/// Deletes every session cache of this browser (both kinds): called when the session ends.
pub fn destroy() {
    spawn_local(async {
        let _ = SessionCache::destroy(REAL_CACHE).await;
        let _ = SessionCache::destroy(TRAINING_CACHE).await;
    });
}

impl Cache {
    async fn open(&self) -> Option<Rc<SessionCache>> {
        let token = self.session.token()?;
        if let Some(Some((for_token, cache))) = self.opened.try_get_value()
            && for_token == token
        {
            return Some(cache);
        }
        let name = self.endpoint.with(database_of);
        let cache = Rc::new(SessionCache::open(name, &token).await.ok()?);
        // The session may have ended while the database opened: then it must not be kept (nor
        // re-created by a later write).
        if self.session.token().as_deref() != Some(token.as_str()) {
            return None;
        }
        self.opened.try_set_value(Some((token, Rc::clone(&cache))));
        Some(cache)
    }

    /// The bytes kept under `key` in this session, if any.
    pub async fn get_bytes(&self, key: &str) -> Option<Vec<u8>> {
        self.open().await?.get(key).await.ok().flatten()
    }

    /// Keeps `value` under `key` for this session.
    pub async fn put_bytes(&self, key: &str, value: &[u8]) {
        let token = self.session.token();
        if let Some(cache) = self.open().await
            && self.session.token() == token
        {
            let _ = cache.put(key, value).await;
        }
    }

    /// The value kept under `key` in this session, if any.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        serde_json::from_slice(&self.get_bytes(key).await?).ok()
    }

    /// Keeps `value` under `key` for this session.
    pub async fn put<T: Serialize>(&self, key: &str, value: &T) {
        if let Ok(bytes) = serde_json::to_vec(value) {
            self.put_bytes(key, &bytes).await;
        }
    }
}
