//! The outbox's storage (decisions.md D4): encrypted under the device key, which outlives the
//! session and its cache; nothing but an id and a time in clear.

use indexed_db_futures::database::Database;
use onshi::platform::{
    outbox_store::{
        NEEDS_CHECK_AFTER_MS, NewOutboxEntry, OutboxError, OutboxScope, OutboxState, OutboxStore,
        OutboxUser,
    },
    session_cache::SessionCache,
};
use onshi_core::{
    client,
    contract::{Method, Request},
    time::Timestamp,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{
    raw_idb::{all_bytes, contains, crypto_key, flip_a_bit, records, set_field},
    support::{NINE_AM, database_names, fresh_database},
};

const BODY: &str = r#"{"name":"新橋 太郎","kana":"シンバシ タロウ","reference":"R-0042-7731"}"#;

fn user() -> OutboxUser {
    OutboxUser {
        id: "staff-ons-7".to_owned(),
        name: "受付 花子".to_owned(),
    }
}

/// A 照会番号 registration as the app would send it, with the session's token.
fn registration(body: &str) -> Request {
    let mut request = Request::new(Method::Post, "/reference-numbers");
    request
        .headers
        .set("Authorization", "Bearer secret-session-token");
    request.headers.set("Content-Type", "application/json");
    request.body = body.as_bytes().to_vec();
    request
}

fn new_entry(at: Timestamp, body: &str) -> NewOutboxEntry {
    NewOutboxEntry {
        created_at: at,
        scope: OutboxScope {
            endpoint: "training".to_owned(),
            institution: "1234567897".to_owned(),
        },
        user: user(),
        request: registration(body),
    }
}

async fn delete(database: &str) {
    Database::delete_by_name(database)
        .expect("delete")
        .await
        .expect("deleted");
}

#[wasm_bindgen_test]
async fn entries_round_trip_with_their_state() {
    let database = fresh_database("outbox-round-trip");
    let outbox = OutboxStore::open(&database).await.expect("open");
    let later = Timestamp::from_millis(NINE_AM.millis() + 60_000);
    // Added out of order: the list is by creation time.
    let second = outbox.add(new_entry(later, "{}")).await.expect("add");
    let first = outbox.add(new_entry(NINE_AM, BODY)).await.expect("add");

    assert_eq!(first.state, OutboxState::Pending);
    assert_eq!(first.user, user());
    assert_eq!(first.request.body, BODY.as_bytes());
    assert_eq!(
        first.request.headers.get("Authorization"),
        None,
        "the token is not kept"
    );
    assert_eq!(
        first.request.headers.get("Content-Type"),
        Some("application/json")
    );
    let key = &first.idempotency_key;
    assert_eq!(key.len(), 36);
    assert_eq!(&key[14..15], "4", "a version 4 UUID: {key}");
    assert_ne!(first.idempotency_key, second.idempotency_key);
    assert_ne!(first.id, second.id);
    assert_eq!(
        outbox.list().await.expect("list"),
        vec![first.clone(), second.clone()]
    );

    // The stored key is what a replay sends.
    let replay = client::with_idempotency_key(first.request.clone(), &first.idempotency_key);
    assert_eq!(replay.headers.get("Idempotency-Key"), Some(key.as_str()));

    let failed = OutboxState::Failed {
        reason: "接続できません".to_owned(),
    };
    let updated = outbox
        .update_state(&first.id, failed.clone())
        .await
        .expect("update");
    assert_eq!(updated.state, failed);
    assert_eq!(updated.idempotency_key, first.idempotency_key);
    outbox
        .update_state(&second.id, OutboxState::NeedsCheck)
        .await
        .expect("update");
    let listed = outbox.list().await.expect("list");
    assert_eq!(listed[0].state, failed);
    assert_eq!(listed[1].state, OutboxState::NeedsCheck);
    assert_eq!(listed[0].request, first.request);

    outbox.remove(&first.id).await.expect("remove");
    assert_eq!(outbox.list().await.expect("list").len(), 1);
    assert!(matches!(
        outbox.update_state(&first.id, OutboxState::Done { outcome: "登録しました。".to_owned() }).await,
        Err(OutboxError::NotFound { id }) if id == first.id
    ));
    drop(outbox);
    delete(&database).await;
}

#[wasm_bindgen_test]
async fn entries_outlive_the_session_cache_and_a_reload() {
    let cache_database = fresh_database("outbox-cache");
    let database = fresh_database("outbox-survives");
    let cache = SessionCache::open(&cache_database, "token")
        .await
        .expect("open");
    cache.put("result", b"cached").await.expect("put");
    let outbox = OutboxStore::open(&database).await.expect("open");
    let entry = outbox.add(new_entry(NINE_AM, BODY)).await.expect("add");

    // Logout: the session cache goes, the outbox stays.
    SessionCache::destroy(&cache_database)
        .await
        .expect("destroy");
    drop((cache, outbox));
    let names = database_names().await;
    assert!(!names.contains(&cache_database));
    assert!(names.contains(&database));

    let reopened = OutboxStore::open(&database).await.expect("reopen");
    assert_eq!(reopened.list().await.expect("list"), vec![entry]);
    drop(reopened);
    delete(&database).await;
}

#[wasm_bindgen_test]
async fn the_raw_database_holds_no_plaintext_and_a_device_key_that_cannot_be_exported() {
    let database = fresh_database("outbox-raw");
    let outbox = OutboxStore::open(&database).await.expect("open");
    let entry = outbox.add(new_entry(NINE_AM, BODY)).await.expect("add");
    outbox
        .update_state(
            &entry.id,
            OutboxState::Failed {
                reason: "timeout-reason-x".to_owned(),
            },
        )
        .await
        .expect("update");

    let raw = all_bytes(&database, &["keys", "entries"]).await;
    assert!(raw.len() > BODY.len(), "the ciphertext was read");
    assert!(
        contains(&raw, entry.id.as_bytes()),
        "the search sees what is in clear"
    );
    for plain in [
        BODY,
        "新橋",
        "シンバシ",
        "R-0042-7731",
        "staff-ons-7",
        "受付 花子",
        "/onshi/v1/reference-numbers",
        "secret-session-token",
        "timeout-reason-x",
        entry.idempotency_key.as_str(),
    ] {
        assert!(
            !contains(&raw, plain.as_bytes()),
            "{plain:?} is stored in plaintext"
        );
    }
    // In clear: the random id and the creation time, nothing else.
    let entries = records(&database, "entries").await;
    assert_eq!(entries.len(), 1);
    let fields: Vec<String> = js_sys::Object::keys(entries[0].1.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    assert_eq!(fields, ["id", "created_at", "iv", "data"]);

    let device_key = crypto_key(&database, "keys", "device", "key").await;
    assert!(!device_key.extractable());
    drop(outbox);
    delete(&database).await;
}

#[wasm_bindgen_test]
async fn a_changed_ciphertext_or_creation_time_is_an_error_not_data() {
    let database = fresh_database("outbox-tamper");
    let outbox = OutboxStore::open(&database).await.expect("open");
    let entry = outbox.add(new_entry(NINE_AM, BODY)).await.expect("add");
    flip_a_bit(&database, "entries", "data").await;
    assert!(matches!(
        outbox.list().await,
        Err(OutboxError::Unreadable { id, .. }) if id == entry.id
    ));
    assert!(
        outbox
            .update_state(
                &entry.id,
                OutboxState::Done {
                    outcome: "登録しました。".to_owned()
                }
            )
            .await
            .is_err()
    );

    // The creation time is in clear, but bound to the ciphertext: making an entry look younger (to
    // escape 要確認) fails too.
    outbox.remove(&entry.id).await.expect("remove");
    let entry = outbox.add(new_entry(NINE_AM, BODY)).await.expect("add");
    set_field(
        &database,
        "entries",
        "created_at",
        (NINE_AM.millis() as f64 + 86_400_000.0).into(),
    )
    .await;
    assert!(matches!(
        outbox.list().await,
        Err(OutboxError::Unreadable { id, .. }) if id == entry.id
    ));
    drop(outbox);
    delete(&database).await;
}

#[wasm_bindgen_test]
async fn two_pages_opening_the_outbox_share_one_device_key() {
    let database = fresh_database("outbox-device-key");
    let (first, second) =
        futures::join!(OutboxStore::open(&database), OutboxStore::open(&database));
    let (first, second) = (first.expect("open"), second.expect("open"));
    let entry = first.add(new_entry(NINE_AM, BODY)).await.expect("add");
    assert_eq!(second.list().await.expect("list"), vec![entry]);
    drop((first, second));
    delete(&database).await;
}

#[wasm_bindgen_test]
async fn an_entry_older_than_six_days_is_too_old_to_replay() {
    let database = fresh_database("outbox-age");
    let outbox = OutboxStore::open(&database).await.expect("open");
    let entry = outbox.add(new_entry(NINE_AM, BODY)).await.expect("add");
    let after = |ms: i64| Timestamp::from_millis(NINE_AM.millis() + ms);
    assert_eq!(NEEDS_CHECK_AFTER_MS, 6 * 86_400_000);
    assert!(!entry.is_too_old(after(NEEDS_CHECK_AFTER_MS)));
    assert!(entry.is_too_old(after(NEEDS_CHECK_AFTER_MS + 1)));
    drop(outbox);
    delete(&database).await;
}
