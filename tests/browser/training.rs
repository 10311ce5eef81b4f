//! Training mode's transport and its own IndexedDB database (decisions.md D3): the state persists,
//! a second tab sees the first tab's session and locks, and reads write nothing.

use onshi::{
    platform::{clock::Clock, training_db},
    transport::Endpoint,
};
use onshi_core::{client, contract::Problem};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{database_names, fresh_database, training_endpoint};

async fn status_and_code(
    endpoint: &Endpoint,
    request: onshi_core::contract::Request,
) -> (u16, String) {
    let response = endpoint.send(request).await.expect("the transport answers");
    let code = serde_json::from_slice::<Problem>(&response.body)
        .map(|p| p.code)
        .unwrap_or_default();
    (response.status, code)
}

#[wasm_bindgen_test]
async fn a_second_tab_sees_the_first_tabs_session() {
    let database = fresh_database("tabs");
    let first = training_endpoint(&database, Clock::page());
    let second = training_endpoint(&database, Clock::page());
    assert_eq!(
        status_and_code(&first, client::sign_in("002", "Onshi*002*002", false))
            .await
            .0,
        201
    );
    assert_eq!(
        status_and_code(&second, client::sign_in("002", "Onshi*002*002", false)).await,
        (409, "session_in_use".to_owned())
    );
    // And back: the first tab sees what the second one wrote after it.
    assert_eq!(
        status_and_code(&second, client::sign_in("002", "Onshi*002*002", true))
            .await
            .0,
        201
    );
    assert_eq!(
        status_and_code(&first, client::sign_in("002", "Onshi*002*002", false)).await,
        (409, "session_in_use".to_owned())
    );
    drop((first, second));
    training_db::delete(&database).await.expect("delete");
}

#[wasm_bindgen_test]
async fn a_lock_survives_a_new_page() {
    let database = fresh_database("lock");
    let before = training_endpoint(&database, Clock::page());
    for _ in 0..5 {
        status_and_code(&before, client::sign_in("admin01", "wrong", false)).await;
    }
    drop(before);
    let after_reload = training_endpoint(&database, Clock::page());
    assert_eq!(
        status_and_code(
            &after_reload,
            client::sign_in("admin01", "Onshi*admin*01", false)
        )
        .await,
        (423, "account_locked".to_owned())
    );
    drop(after_reload);
    training_db::delete(&database).await.expect("delete");
}

#[wasm_bindgen_test]
async fn the_training_state_lives_in_its_own_database_opened_on_first_use() {
    let database = fresh_database("own");
    let endpoint = training_endpoint(&database, Clock::page());
    assert!(
        !database_names().await.contains(&database),
        "nothing opens before the first request"
    );
    let (status, _) = status_and_code(&endpoint, client::capabilities()).await;
    assert_eq!(status, 200);
    assert!(database_names().await.contains(&database));
    drop(endpoint);
    training_db::delete(&database).await.expect("delete");
}

#[wasm_bindgen_test]
async fn concurrent_requests_from_one_page_do_not_lose_writes() {
    let database = fresh_database("concurrent");
    let endpoint = training_endpoint(&database, Clock::page());
    // Four wrong passwords at once: each must count, so one more locks.
    let attempts = (0..4).map(|_| endpoint.send(client::sign_in("003", "wrong", false)));
    for response in futures::future::join_all(attempts).await {
        assert_eq!(response.expect("answer").status, 401);
    }
    assert_eq!(
        status_and_code(&endpoint, client::sign_in("003", "wrong", false)).await,
        (423, "account_locked".to_owned())
    );
    drop(endpoint);
    training_db::delete(&database).await.expect("delete");
}

#[wasm_bindgen_test]
async fn training_data_of_another_schema_is_replaced_by_fresh_canned_data() {
    use onshi_core::store::{Change, LoginFailures, Store, StoreRead};
    let database = fresh_database("schema");
    let db = training_db::TrainingDb::open(&database)
        .await
        .expect("open");
    // An older build's data: a lock on 002 and no readers.
    db.exchange(1, onshi_core::store::MemoryStore::new, |store| {
        store
            .transaction(&mut |_| {
                Ok(vec![Change::PutLoginFailures(LoginFailures {
                    user_id: "002".to_owned(),
                    count: 5,
                    locked_until: None,
                    last_failed_at: None,
                })])
            })
            .expect("memory store");
    })
    .await
    .expect("old write");
    let (failures, readers) = db
        .exchange(2, onshi_core::canned::training_store, |store| {
            (
                store.login_failures("002").expect("read"),
                store.readers().expect("read").len(),
            )
        })
        .await
        .expect("new read");
    assert_eq!(failures, None, "the old data is gone");
    assert_eq!(readers, 2, "the canned readers are there");
    drop(db);
    training_db::delete(&database).await.expect("delete");
}
