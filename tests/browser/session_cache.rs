//! The session cache (decisions.md D4): encrypted under the session's non-extractable keys, bound to
//! the session, bounded, and gone after `destroy`.

use onshi::platform::session_cache::{CacheError, Limits, SessionCache, Usage};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{
    raw_idb::{all_bytes, contains, crypto_key, flip_a_bit, records},
    support::{database_names, fresh_database},
};

const TOKEN: &str = "token-of-session-one-3f9a";
const OTHER_TOKEN: &str = "token-of-session-two-c41e";
/// A history query as the history screen would key it: it names the patient.
const QUERY: &str = "history?name=新橋 太郎&kana=シンバシ タロウ&page=1";
const PAGE: &str =
    r#"{"rows":[{"name":"新橋 太郎","kana":"シンバシ タロウ","insurer":"06139000"}]}"#;
const ALL_STORES: [&str; 3] = ["meta", "entries", "order"];

async fn open(database: &str, token: &str) -> SessionCache {
    SessionCache::open(database, token).await.expect("open")
}

async fn open_bounded(database: &str, limits: Limits) -> SessionCache {
    SessionCache::open_with_limits(database, TOKEN, limits)
        .await
        .expect("open")
}

#[wasm_bindgen_test]
async fn values_round_trip_and_can_be_replaced_and_removed() {
    let database = fresh_database("cache-round-trip");
    let cache = open(&database, TOKEN).await;
    assert_eq!(cache.get(QUERY).await.expect("get"), None);
    cache.put(QUERY, PAGE.as_bytes()).await.expect("put");
    cache.put("result:1", b"").await.expect("an empty value");
    assert_eq!(
        cache.get(QUERY).await.expect("get"),
        Some(PAGE.as_bytes().to_vec())
    );
    assert_eq!(cache.get("result:1").await.expect("get"), Some(Vec::new()));

    cache.put(QUERY, b"second").await.expect("replace");
    assert_eq!(
        cache.get(QUERY).await.expect("get"),
        Some(b"second".to_vec())
    );
    assert_eq!(cache.usage().await.expect("usage").entries, 2);

    cache.remove(QUERY).await.expect("remove");
    assert_eq!(cache.get(QUERY).await.expect("get"), None);
    assert_eq!(cache.usage().await.expect("usage").entries, 1);
    drop(cache);
    SessionCache::destroy(&database).await.expect("destroy");
}

#[wasm_bindgen_test]
async fn the_cache_survives_a_reload_of_the_same_session() {
    let database = fresh_database("cache-reload");
    let cache = open(&database, TOKEN).await;
    cache.put(QUERY, PAGE.as_bytes()).await.expect("put");
    drop(cache);

    let reloaded = open(&database, TOKEN).await;
    assert_eq!(
        reloaded.get(QUERY).await.expect("get"),
        Some(PAGE.as_bytes().to_vec())
    );
    drop(reloaded);
    SessionCache::destroy(&database).await.expect("destroy");
}

#[wasm_bindgen_test]
async fn another_session_sees_nothing_and_ends_the_first_sessions_cache() {
    let database = fresh_database("cache-other-session");
    let first = open(&database, TOKEN).await;
    first.put(QUERY, PAGE.as_bytes()).await.expect("put");

    let second = open(&database, OTHER_TOKEN).await;
    assert_eq!(second.get(QUERY).await.expect("get"), None);
    assert_eq!(second.usage().await.expect("usage"), Usage::default());

    // The first session's handle no longer reads or writes: its keys are gone from the database.
    assert_eq!(first.get(QUERY).await.expect("get"), None);
    assert!(matches!(
        first.put(QUERY, b"late").await,
        Err(CacheError::Superseded { .. })
    ));
    second.put(QUERY, b"mine").await.expect("put");
    drop((first, second));

    // Nor does a reload of the first session find anything of either.
    let first_again = open(&database, TOKEN).await;
    assert_eq!(first_again.get(QUERY).await.expect("get"), None);
    drop(first_again);
    SessionCache::destroy(&database).await.expect("destroy");
}

#[wasm_bindgen_test]
async fn the_raw_database_holds_no_plaintext_and_keys_that_cannot_be_exported() {
    let database = fresh_database("cache-raw");
    let cache = open(&database, TOKEN).await;
    cache.put(QUERY, PAGE.as_bytes()).await.expect("put");
    cache.put("result:2", PAGE.as_bytes()).await.expect("put");

    let raw = all_bytes(&database, &ALL_STORES).await;
    assert!(raw.len() > 2 * PAGE.len(), "the ciphertexts were read");
    for plain in [
        PAGE,
        QUERY,
        "新橋",
        "シンバシ",
        "06139000",
        "result:2",
        TOKEN,
    ] {
        assert!(
            !contains(&raw, plain.as_bytes()),
            "{plain:?} is stored in plaintext"
        );
    }
    // Each entry sits under the 64 hex digits of an HMAC, beside a 12-byte IV.
    let entries = records(&database, "entries").await;
    assert_eq!(entries.len(), 2);
    for (key, value) in &entries {
        let key = key.as_string().expect("a string key");
        assert!(
            contains(&raw, key.as_bytes()),
            "the search sees what is in clear"
        );
        assert_eq!(key.len(), 64);
        assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
        let iv = js_sys::Reflect::get(value, &"iv".into()).expect("iv");
        assert_eq!(js_sys::Uint8Array::new(&iv).length(), 12);
    }

    for (field, algorithm) in [("encryption", "AES-GCM"), ("naming", "HMAC")] {
        let key = crypto_key(&database, "meta", "keys", field).await;
        assert!(!key.extractable(), "the {field} key is extractable");
        let name = js_sys::Reflect::get(&key.algorithm().expect("algorithm"), &"name".into())
            .expect("name");
        assert_eq!(name.as_string().as_deref(), Some(algorithm));
    }
    drop(cache);
    SessionCache::destroy(&database).await.expect("destroy");
}

#[wasm_bindgen_test]
async fn destroy_deletes_the_database_even_while_it_is_open() {
    let database = fresh_database("cache-destroy");
    let cache = open(&database, TOKEN).await;
    cache.put(QUERY, PAGE.as_bytes()).await.expect("put");
    assert!(database_names().await.contains(&database));

    // The handle stays open, as another tab's would: destroy must not wait for it.
    SessionCache::destroy(&database).await.expect("destroy");
    assert!(!database_names().await.contains(&database));
    assert!(cache.get(QUERY).await.is_err(), "the handle was closed");
    drop(cache);

    // Signing in again in the same tab starts from nothing.
    let again = open(&database, TOKEN).await;
    assert_eq!(again.get(QUERY).await.expect("get"), None);
    drop(again);
    SessionCache::destroy(&database).await.expect("destroy");
}

/// The bytes an entry of `value_len` bytes costs: hex HMAC id, IV, ciphertext and GCM tag.
fn entry_cost(value_len: u64) -> u64 {
    64 + 12 + value_len + 16
}

#[wasm_bindgen_test]
async fn eviction_keeps_within_the_byte_bound_and_drops_the_oldest_writes() {
    let database = fresh_database("cache-evict-bytes");
    let max_bytes = 3 * entry_cost(100) + 50;
    let cache = open_bounded(
        &database,
        Limits {
            max_bytes,
            max_entries: 1000,
        },
    )
    .await;
    for i in 0..10u8 {
        cache
            .put(&format!("page {i}"), &[i; 100])
            .await
            .expect("put");
        assert!(cache.usage().await.expect("usage").bytes <= max_bytes);
    }
    assert_eq!(
        cache.usage().await.expect("usage"),
        Usage {
            bytes: 3 * entry_cost(100),
            entries: 3
        }
    );
    for i in 0..7u8 {
        assert_eq!(cache.get(&format!("page {i}")).await.expect("get"), None);
    }
    for i in 7..10u8 {
        assert_eq!(
            cache.get(&format!("page {i}")).await.expect("get"),
            Some(vec![i; 100])
        );
    }

    // Rewriting an old entry makes it the newest: the next eviction takes page 8, not page 7.
    cache.put("page 7", &[70; 100]).await.expect("put");
    cache.put("page 10", &[10; 100]).await.expect("put");
    assert_eq!(cache.get("page 8").await.expect("get"), None);
    assert_eq!(cache.get("page 7").await.expect("get"), Some(vec![70; 100]));

    // What the database really holds agrees with the account kept of it.
    let stored: u64 = records(&database, "entries")
        .await
        .iter()
        .map(|(key, value)| {
            let len = |field: &str| {
                js_sys::Uint8Array::new(&js_sys::Reflect::get(value, &field.into()).expect(field))
                    .length() as u64
            };
            key.as_string().expect("key").len() as u64 + len("iv") + len("data")
        })
        .sum();
    assert!(stored <= max_bytes, "{stored} bytes stored");
    assert_eq!(records(&database, "order").await.len(), 3);

    // A value larger than the whole bound is refused, and does not leave the key's old value.
    let too_large = vec![0u8; max_bytes as usize];
    assert!(matches!(
        cache.put("page 7", &too_large).await,
        Err(CacheError::TooLarge { limit, .. }) if limit == max_bytes
    ));
    assert_eq!(cache.get("page 7").await.expect("get"), None);
    assert_eq!(
        cache.get("page 10").await.expect("get"),
        Some(vec![10; 100])
    );
    drop(cache);
    SessionCache::destroy(&database).await.expect("destroy");
}

#[wasm_bindgen_test]
async fn eviction_keeps_within_the_entry_bound() {
    let database = fresh_database("cache-evict-entries");
    let cache = open_bounded(
        &database,
        Limits {
            max_bytes: 1_000_000,
            max_entries: 2,
        },
    )
    .await;
    for key in ["a", "b", "c"] {
        cache.put(key, key.as_bytes()).await.expect("put");
    }
    assert_eq!(cache.usage().await.expect("usage").entries, 2);
    assert_eq!(cache.get("a").await.expect("get"), None);
    assert_eq!(cache.get("b").await.expect("get"), Some(b"b".to_vec()));
    assert_eq!(cache.get("c").await.expect("get"), Some(b"c".to_vec()));
    drop(cache);
    SessionCache::destroy(&database).await.expect("destroy");
}

#[wasm_bindgen_test]
async fn a_changed_ciphertext_byte_is_an_error_not_data() {
    let database = fresh_database("cache-tamper");
    let cache = open(&database, TOKEN).await;
    cache.put(QUERY, PAGE.as_bytes()).await.expect("put");
    flip_a_bit(&database, "entries", "data").await;
    match cache.get(QUERY).await {
        Err(CacheError::Unreadable { entry, .. }) => assert_eq!(entry.len(), 64),
        other => panic!("expected an authentication failure, got {other:?}"),
    }
    drop(cache);
    SessionCache::destroy(&database).await.expect("destroy");
}

/// Regression: the history's detail could read the hand-over choices before the last
/// save of 資格情報確認's checkboxes landed (saves encrypt first and run one after another), and so
/// hand the レセコン an item staff had unchecked. What a tab staged is what it reads back at once,
/// also while an older write is still landing; another session never reads it.
#[wasm_bindgen_test]
async fn regression_issue_16_a_staged_value_is_read_back_before_its_write_lands() {
    use leptos::prelude::Owner;
    use onshi::state::{provide_app_state, use_cache, use_session};
    use onshi_core::account::AccountKind;
    use wasm_bindgen::JsCast;

    use crate::{
        fake_fetch::{ALL_GROUPS, FakeFetch, capabilities},
        fake_worker::FakeWorker,
        support::{NINE_AM, clear_session, manual_clock, store_session},
    };

    // The app's state spawns tasks, which need the executor mounting starts: an empty view, mounted
    // on an element no page shows.
    let element: web_sys::HtmlElement = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("div").ok())
        .expect("an element")
        .unchecked_into();
    let mounted = leptos::mount::mount_to(element, || ());
    clear_session();
    store_session(AccountKind::General, NINE_AM);
    let (clock, _) = manual_clock();
    // Training mode's endpoint, so the cache is training's own database.
    let _worker = FakeWorker::controlling(serde_json::json!({}));
    let _endpoint = FakeFetch::install(vec![capabilities("1.0.0", &ALL_GROUPS, true)]);
    let owner = Owner::new();
    let (cache, session) = owner.with(|| {
        provide_app_state(onshi::transport::Endpoint::training(), clock);
        (use_cache(), use_session())
    });

    cache.put("hand-over/1", &vec![1]).await;
    assert_eq!(cache.get::<Vec<u8>>("hand-over/1").await, Some(vec![1]));
    cache.stage("hand-over/1", &vec![2]);
    assert_eq!(
        cache.get::<Vec<u8>>("hand-over/1").await,
        Some(vec![2]),
        "staged: read back before any write of it"
    );
    // A newer choice staged while the older one is being written stays what is read.
    cache.stage("hand-over/1", &vec![3]);
    cache.put("hand-over/1", &vec![2]).await;
    assert_eq!(cache.get::<Vec<u8>>("hand-over/1").await, Some(vec![3]));
    cache.put("hand-over/1", &vec![3]).await;
    assert_eq!(cache.get::<Vec<u8>>("hand-over/1").await, Some(vec![3]));
    // Staged and not written: once the session ends, no one reads it.
    cache.stage("hand-over/2", &vec![4]);
    owner.with(|| session.end(None));
    assert_eq!(cache.get::<Vec<u8>>("hand-over/2").await, None);

    drop(owner);
    drop(mounted);
    clear_session();
    let _ = SessionCache::destroy(onshi::platform::session_cache::TRAINING_CACHE).await;
}
