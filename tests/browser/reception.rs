//! 「マイナンバーカードで確認」: the reception screen follows the feed from the newest
//! event when it opens (today's earlier reader results listed, not announced), a new reader result
//! appears at the top with its cue and opens as 資格情報確認 with the consents chosen; a real endpoint
//! offers no reader panel.

use onshi::{
    route::Route,
    transport::{Endpoint, EndpointUrl, HttpOptions, HttpTransport},
};
use onshi_core::account::AccountKind;
use serde_json::{Value, json};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{
    fake_fetch::{ALL_GROUPS, FakeFetch, capabilities, json, problem, routed, stream},
    support::{
        Mounted, NINE_AM, clear_session, count, manual_clock, mount_with, store_session_of, text,
        until,
    },
};

const ROW: &str = "[data-testid=reception-row]";
const NEW: &str = "[data-testid=reception-new]";
/// The texts of the cells of each row, newest first.
fn rows(app: &Mounted) -> Vec<Vec<String>> {
    let list = app.root.query_selector_all(ROW).expect("selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|row| {
            let cells = row
                .unchecked_into::<web_sys::Element>()
                .query_selector_all("td")
                .expect("selector");
            (0..cells.length())
                .filter_map(|i| cells.item(i))
                .map(|c| c.text_content().unwrap_or_default().trim().to_owned())
                .collect()
        })
        .collect()
}

/// One frame of an event stream.
fn sse(id: u64, data: &Value) -> Value {
    Value::from(format!(
        "id: {id}\nevent: qualification\ndata: {}\n\n",
        json!({"id": id, "at": "2026-11-22T09:05:06.000+09:00", "kind": "qualification", "data": data})
    ))
}

#[wasm_bindgen_test]
async fn a_real_endpoint_is_followed_from_its_newest_event_and_offers_no_reader_panel() {
    let base = "http://127.0.0.1:9";
    let reader = json!({
        "id": "r1", "device_name": "Identiv CLOUD 3701 F Contactless Reader 0", "label": "外科受付用",
        "mode": "unattended", "modes": [{"mode": "unattended", "label": "無人運転"}],
        "etag": "\"1\"", "pending_visual_check": null,
    });
    let earlier = json!({
        "id": 6, "confirmed_at": "2026-11-22T08:30:01.005+09:00", "login_id": "002",
        "reference_number": null, "classification": {"code": "1", "label": "マイナンバーカード"},
        "validity": {"code": "2", "label": "無効"}, "insurer_number": "06139000", "symbol": "9000",
        "number": "10001", "branch": "02", "name": "新橋　花子", "kana": "ｼﾝﾊﾞｼ ﾊﾅｺ",
        "sex": {"code": "2", "label": "女"}, "birthdate": "1955-01-18", "reader_id": "r1",
    });
    let fake = FakeFetch::install(vec![
        capabilities("1.0.0", &ALL_GROUPS, false),
        // The backlog of files that could not be read: none.
        routed(
            "kind=face_unreadable",
            json(200, &json!({"events": [], "last_id": 0, "newest_id": 7})),
        ),
        routed(
            "/events?after=0&limit=1",
            json(200, &json!({"events": [], "last_id": 0, "newest_id": 7})),
        ),
        routed(
            "/events?after=7",
            stream(
                vec![
                    // A result of the マイナンバーカード, and one of an insurance card (not shown here).
                    sse(
                        8,
                        &json!({"history_id": 8, "classification": "1", "validity": "1", "reader_id": "r1"}),
                    ),
                    sse(
                        9,
                        &json!({"history_id": 9, "classification": "2", "validity": "1", "reader_id": null}),
                    ),
                ],
                "hang",
            ),
        ),
        routed("/readers", json(200, &json!({"readers": [reader]}))),
        routed(
            "/qualifications?",
            json(
                200,
                &json!({"total": 1, "page": 1, "per_page": 100, "items": [earlier]}),
            ),
        ),
        routed(
            "/qualifications/8",
            problem(404, "not_found", "指定された情報が見つかりません。"),
        ),
    ]);
    store_session_of(base, AccountKind::General, NINE_AM);
    let (clock, _) = manual_clock();
    let endpoint = Endpoint::Http(Rc::new(HttpTransport::new(
        EndpointUrl::parse(base).expect("url"),
        HttpOptions::default(),
    )));
    let app = mount_with(Route::Reception.path(), endpoint, clock);
    until("both results", || count(&app.root, ROW) == 2).await;
    until("the announcement", || {
        text(&app.root, "[data-testid=reception-announcement]").is_some_and(|t| t.ends_with("有効"))
    })
    .await;
    let shown = rows(&app);
    assert_eq!(
        shown[0][..4],
        ["09:05:06新着", "外科受付用", "（氏名なし）", "有効"]
    );
    assert_eq!(
        shown[1][..4],
        ["08:30:01", "外科受付用", "新橋　花子", "無効"]
    );
    assert_eq!(count(&app.root, NEW), 1);
    // The readers are shown, but without the training group there is no panel to play a patient.
    until("the frame's readers", || {
        count(&app.root, "[data-testid=frame-readers]") == 1
    })
    .await;
    assert_eq!(count(&app.root, "[data-testid=reader-panel-toggle]"), 0);
    assert_eq!(count(&app.root, "[data-testid=reader-panel]"), 0);

    let calls = fake.calls();
    let urls: Vec<&str> = calls.iter().map(|c| c.url.as_str()).collect();
    let history = calls
        .iter()
        .find(|c| c.url.contains("/qualifications?"))
        .expect("today's results were read");
    assert!(
        history.url.contains("kind=my_number_card"),
        "{}",
        history.url
    );
    let feed = calls
        .iter()
        .find(|c| c.url.contains("/events?after=7"))
        .unwrap_or_else(|| panic!("the feed starts at the newest event: {urls:?}"));
    assert_eq!(feed.header("accept"), Some("text/event-stream"));
    assert!(
        !urls.iter().any(|u| u.ends_with("/events?after=0")),
        "the backlog is never read whole: {urls:?}"
    );
    drop(app);
    clear_session();
}

/// A `face_unreadable` event as the endpoint gives it, with its English detail.
fn face_unreadable(id: u64, at: &str, file: &str, reason: &str) -> Value {
    json!({
        "id": id, "at": at, "kind": "face_unreadable",
        "data": {"file": file, "reason": reason, "detail": format!("english-detail-{id}: invalid bytes")},
    })
}

/// One frame of an event stream carrying `event`.
fn sse_of(event: &Value) -> Value {
    Value::from(format!(
        "id: {}\nevent: {}\ndata: {event}\n\n",
        event["id"],
        event["kind"].as_str().expect("a kind")
    ))
}

/// What each notice says: its reason's attribute and its paragraphs' texts.
fn notices(app: &Mounted) -> Vec<(String, Vec<String>)> {
    let list = app
        .root
        .query_selector_all("[data-testid=face-unreadable-notice]")
        .expect("selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|node| {
            let notice: web_sys::Element = node.unchecked_into();
            let paragraphs = notice.query_selector_all("p").expect("selector");
            let texts = (0..paragraphs.length())
                .filter_map(|i| paragraphs.item(i))
                .map(|p| p.text_content().unwrap_or_default().trim().to_owned())
                .collect();
            (
                notice.get_attribute("data-reason").unwrap_or_default(),
                texts,
            )
        })
        .collect()
}

const ACTION: &str = "この患者の資格は「保険証/処方箋で確認」で確認してください。繰り返し発生する場合は、資格確認端末の販売業者にお問い合わせください。";

#[wasm_bindgen_test]
async fn face_reader_files_that_could_not_be_read_are_told_today_and_as_they_arrive() {
    // A face reader's result file the endpoint cannot read names no patient anywhere else,
    // so the reception screen tells of each one in Japanese: today's earlier ones from the backlog
    // of that kind (not yesterday's), and new ones from the feed, each reason in its own words.
    let base = "http://127.0.0.1:9";
    let yesterday = face_unreadable(
        2,
        "2026-11-21T23:59:59.000+09:00",
        "OQSsiquc01res_face_20261121235959.xml",
        "encoding",
    );
    // 00:30 in Tokyo is still the day before in UTC: "today" is Tokyo's.
    let early = face_unreadable(
        5,
        "2026-11-21T15:30:00Z",
        "OQSsiquc01res_face_20261122003000.xml",
        "broken",
    );
    let arriving = [
        (
            "encrypted",
            "資格確認端末の設定でファイルが暗号化されている、またはファイルが壊れているため、内容を読み取れません。",
        ),
        (
            "encoding",
            "ファイルの文字コードが、ファイル内で指定された文字コードと一致しないため、内容を読み取れません。",
        ),
        (
            "broken",
            "ファイルが途中で途切れているか壊れているため、内容を読み取れません。",
        ),
        (
            "not_a_message",
            "ファイルが資格確認結果の形式ではないため、内容を読み取れません。",
        ),
        (
            "too_large",
            "ファイルが大きすぎるため、内容を読み取れません。",
        ),
        ("a_future_reason", "ファイルの内容を読み取れません。"),
    ];
    let frames: Vec<Value> = arriving
        .iter()
        .enumerate()
        .map(|(i, (reason, _))| {
            let id = 10 + i as u64;
            sse_of(&face_unreadable(
                id,
                &format!("2026-11-22T09:10:{:02}.000+09:00", i),
                &format!("OQSsiquc01res_face_2026112209100{i}.xml"),
                reason,
            ))
        })
        .collect();
    let empty_page = |after: u64| json!({"events": [], "last_id": after, "newest_id": 9});
    let fake = FakeFetch::install(vec![
        capabilities("1.2.0", &ALL_GROUPS, false),
        // The backlog of that kind, page by page: resumed after each page's last event.
        routed(
            "/events?after=0&kind=face_unreadable",
            json(
                200,
                &json!({"events": [yesterday, early], "last_id": 5, "newest_id": 9}),
            ),
        ),
        routed(
            "/events?after=5&kind=face_unreadable",
            json(200, &empty_page(5)),
        ),
        // The oldest event's page: the feed starts after the newest event there is, not after it.
        routed(
            "/events?after=0&limit=1",
            json(
                200,
                &json!({"events": [face_unreadable(1, "2026-11-20T10:00:00.000+09:00", "old.xml", "broken")], "last_id": 1, "newest_id": 9}),
            ),
        ),
        routed("/events?after=9", stream(frames, "hang")),
        routed("/readers", json(200, &json!({"readers": []}))),
        routed(
            "/qualifications?",
            json(
                200,
                &json!({"total": 0, "page": 1, "per_page": 100, "items": []}),
            ),
        ),
    ]);
    store_session_of(base, AccountKind::General, NINE_AM);
    let (clock, _) = manual_clock();
    let endpoint = Endpoint::Http(Rc::new(HttpTransport::new(
        EndpointUrl::parse(base).expect("url"),
        HttpOptions::default(),
    )));
    let app = mount_with(Route::Reception.path(), endpoint, clock);
    until("every notice", || notices(&app).len() == arriving.len() + 1).await;

    let shown = notices(&app);
    // Newest first: the six that arrived, then today's earlier one.
    for (i, (reason, why)) in arriving.iter().enumerate() {
        let (attribute, texts) = &shown[arriving.len() - 1 - i];
        let expected_reason = if *reason == "a_future_reason" {
            "unknown"
        } else {
            reason
        };
        assert_eq!(attribute, expected_reason);
        assert_eq!(
            texts,
            &[
                format!(
                    "09:10:{i:02}　顔認証付きカードリーダーから確認結果が届きましたが、読み取れませんでした。この患者は一覧に表示されません。"
                ),
                (*why).to_owned(),
                ACTION.to_owned(),
                format!("ファイル名：OQSsiquc01res_face_2026112209100{i}.xml"),
            ]
        );
    }
    let (attribute, texts) = &shown[arriving.len()];
    assert_eq!(attribute, "broken");
    assert!(texts[0].starts_with("00:30:00　"), "{texts:?}");
    assert_eq!(
        texts[3],
        "ファイル名：OQSsiquc01res_face_20261122003000.xml"
    );

    let region = app
        .root
        .query_selector("[data-testid=face-unreadable]")
        .expect("selector")
        .expect("the notices' region");
    assert_eq!(region.get_attribute("role").as_deref(), Some("alert"));
    let all = region.text_content().unwrap_or_default();
    assert!(!all.contains("20261121235959"), "yesterday's is not told");
    assert!(!all.contains("old.xml"));
    assert!(
        !all.contains("english-detail"),
        "the English detail is never shown"
    );
    let links = region
        .query_selector_all("[data-testid=face-unreadable-inquiry]")
        .expect("selector");
    assert_eq!(links.length(), 7);
    let link: web_sys::Element = links.item(0).expect("a link").unchecked_into();
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some(Route::Inquiry.path())
    );
    assert_eq!(count(&app.root, ROW), 0, "no patient appears in the list");

    let urls: Vec<String> = fake.calls().into_iter().map(|c| c.url).collect();
    assert!(
        urls.iter()
            .any(|u| u.ends_with("/events?after=5&kind=face_unreadable")),
        "the backlog is read on from the first page's last event: {urls:?}"
    );
    drop(app);
    clear_session();
}
