//! The session cache as the screens use it (decisions.md D4): results and history pages seen in this
//! session are kept encrypted in IndexedDB ([`crate::platform::session_cache`]), so they open at once,
//! also after a reload. The cache belongs to the session: when the session ends in this tab (logout,
//! idle timeout, a 401), [`destroy`] deletes it, keys and data together.
//!
//! The cache is a convenience: every failure to read or write it is the same as a miss.
//!
//! A value staged with [`Cache::stage`] is what this tab reads back under its key from that moment
//! on, before any write of it lands: writes encrypt first and run one after another, so a screen
//! that reads right after another one changed a value (the history's detail after 資格情報確認's
//! checkboxes) would otherwise read an older one.

use std::{collections::HashMap, rc::Rc};

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
    /// Values staged in this tab and not yet known to be written, with the session token they
    /// belong to: another session never reads them.
    staged: StoredValue<HashMap<String, (String, Vec<u8>)>, LocalStorage>,
}

pub(super) fn provide() {
    provide_context(Cache {
        endpoint: use_endpoint(),
        session: use_session(),
        opened: StoredValue::new_local(None),
        staged: StoredValue::new_local(HashMap::new()),
    });
}

pub fn use_cache() -> Cache {
    expect_context::<Cache>()
}

/// The database the cache of `endpoint` lives in: training data never shares one with real data.
pub fn database_of(endpoint: &Endpoint) -> &'static str {
    match endpoint.is_training_world() {
        true => TRAINING_CACHE,
        false => REAL_CACHE,
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

    /// The bytes kept under `key` in this session, if any: the ones staged in this tab first.
    pub async fn get_bytes(&self, key: &str) -> Option<Vec<u8>> {
        if let Some(staged) = self.staged_bytes(key) {
            return Some(staged);
        }
        self.open().await?.get(key).await.ok().flatten()
    }

    /// Keeps `value` under `key` for this session. Once written, a value staged under the same key
    /// is dropped if it is this one (a newer staged value stays until it is written too).
    pub async fn put_bytes(&self, key: &str, value: &[u8]) {
        let token = self.session.token();
        if let Some(cache) = self.open().await
            && self.session.token() == token
            && cache.put(key, value).await.is_ok()
        {
            self.staged.try_update_value(|staged| {
                if staged.get(key).is_some_and(|(_, bytes)| bytes == value) {
                    staged.remove(key);
                }
            });
        }
    }

    /// Makes `value` what this tab reads under `key` from now on, before its write lands (see the
    /// module's note); the caller writes it with [`Cache::put`]. Without a session nothing is staged.
    pub fn stage<T: Serialize>(&self, key: &str, value: &T) {
        let (Some(token), Ok(bytes)) = (self.session.token(), serde_json::to_vec(value)) else {
            return;
        };
        self.staged.try_update_value(|staged| {
            // Values of an ended session are no one's to read.
            staged.retain(|_, (owner, _)| *owner == token);
            staged.insert(key.to_owned(), (token, bytes));
        });
    }

    /// The bytes staged under `key` for the current session, if any.
    fn staged_bytes(&self, key: &str) -> Option<Vec<u8>> {
        let token = self.session.token()?;
        self.staged
            .try_with_value(|staged| {
                staged
                    .get(key)
                    .filter(|(owner, _)| *owner == token)
                    .map(|(_, bytes)| bytes.clone())
            })
            .flatten()
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
