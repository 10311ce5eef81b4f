//! 「マイナンバーカードで確認」: the reception screen follows the feed from the newest
//! event when it opens (today's earlier reader results listed, not announced), a new reader result
//! appears at the top with its cue and opens as 資格情報確認 with the consents chosen. In training (the
//! world run in the page, its clock standing at the page's 09:00), the patient is played on the
//! frame's reader panel (S9), wrong PINs included; a real endpoint offers no panel.

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
    reader_panel::{
        ERROR, PEOPLE_SETTLED, choose, open_panel, place_card, press as press_on_reader, shows,
        visit_by_face,
    },
    support::{
        Mounted, NINE_AM, clear_session, click, consents, count, manual_clock, mount_with, path,
        set_input, sign_in_on_the_page, store_session_of, text, until,
    },
    world::InPageWorld,
};

const ROW: &str = "[data-testid=reception-row]";
const NEW: &str = "[data-testid=reception-new]";
const WAITING: &str = "カードリーダーからの結果を待っています。";
const LOCKED: &str = "暗証番号がロックされています。目視確認モードで本人確認を行ってください。";

/// Opens a training world in the page on a fresh database named after `test`, its clock standing at
/// the page's 09:00 (the times the world stamps are the ones the page shows), signs in as 002 on the
/// sign-in page, checks that the menu tile leads to the reception screen, and opens it by its address
/// (routers of earlier tests in this page still listen for link clicks).
async fn open_reception(test: &str) -> (Mounted, InPageWorld) {
    clear_session();
    let world = InPageWorld::open(test).await;
    world.fix_clock_at(NINE_AM).await;
    let signing_in = sign_in_on_the_page(&world).await;
    let tiles = signing_in
        .root
        .query_selector_all(".menu a.tile")
        .expect("selector");
    let tile = (0..tiles.length())
        .filter_map(|i| tiles.item(i))
        .map(|n| n.unchecked_into::<web_sys::Element>())
        .find(|e| e.text_content().as_deref() == Some("マイナンバーカードで確認"))
        .expect("the マイナンバーカードで確認 tile opens a screen");
    assert_eq!(
        tile.get_attribute("href").as_deref(),
        Some(Route::Reception.path())
    );
    drop(signing_in);
    let app = mount_reception(&world);
    (app, world)
}

fn mount_reception(world: &InPageWorld) -> Mounted {
    let (clock, _) = manual_clock();
    mount_with(Route::Reception.path(), world.endpoint(), clock)
}

/// Waits until the feed is open.
async fn ready(app: &Mounted) {
    until("the feed", || {
        path() == "/my-number-card"
            && text(&app.root, "[data-testid=reception-feed]").as_deref() == Some(WAITING)
    })
    .await;
}

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

/// Clicks the button of `.check-buttons` labelled `label`.
fn press(app: &Mounted, label: &str) {
    crate::support::button(&app.root, ".check-buttons", label)
        .unwrap_or_else(|| panic!("no button {label}"))
        .click();
}

#[wasm_bindgen_test]
async fn a_visit_at_the_reader_appears_live_and_opens_as_the_qualification_check() {
    let (app, world) = open_reception("reception").await;
    ready(&app).await;
    assert_eq!(
        text(&app.root, "[data-testid=screen-name]").as_deref(),
        Some("マイナンバーカードで確認")
    );
    assert_eq!(count(&app.root, ROW), 0);
    open_panel(&app.root).await;
    assert!(
        text(&app.root, "[data-testid=reader-panel] h2").is_some_and(|h| h.starts_with("研修用")),
        "the panel says whose it is"
    );

    // 新橋 太郎 at 内科受付用 by face: 診療・薬剤・手術情報 and 限度額 yes, 特定健診等情報 no.
    choose(&app.root, "#panel_reader", "reader-2");
    visit_by_face(&app.root, "shinbashi-taro", [true, false, true]).await;
    shows(&app.root, "マイナンバーカードを置いてください").await;
    until("the result in the list", || count(&app.root, ROW) == 1).await;
    until("the announcement", || {
        text(&app.root, "[data-testid=reception-announcement]").as_deref()
            == Some("新しい確認結果が届きました：新橋　太郎　有効")
    })
    .await;
    assert_eq!(count(&app.root, NEW), 1, "the new result is marked");
    assert_eq!(count(&app.root, ".reception-row-new"), 1);
    let shown = rows(&app);
    assert_eq!(shown[0][0], "09:00:00新着");
    assert_eq!(shown[0][1..4], ["内科受付用", "新橋　太郎", "有効"]);

    // A second visit goes on top.
    visit_by_face(&app.root, "shinbashi-hanako", [false, false, false]).await;
    until("the second result", || count(&app.root, ROW) == 2).await;
    until("its name", || rows(&app)[0][2] == "新橋　花子").await;
    assert_eq!(rows(&app)[1][2], "新橋　太郎");
    assert_eq!(count(&app.root, NEW), 2);

    // 詳細 on 新橋 太郎: 資格情報確認 with the consents chosen at the reader.
    click(&app.root, "[data-testid=reception-row]:nth-child(2) button");
    until("the result", || {
        count(&app.root, "[data-testid=result-banner]") == 1
    })
    .await;
    assert_eq!(
        text(&app.root, "[data-testid=result-banner]").as_deref(),
        Some("この資格は有効です。")
    );
    assert_eq!(
        text(&app.root, "[data-testid=screen-name]").as_deref(),
        Some("資格情報確認")
    );
    let expected = [
        ("限度額適用認定証閲覧同意", "あり"),
        ("特定疾病療養受療証閲覧同意", "あり"),
        ("特定健診情報閲覧同意", "なし"),
        ("薬剤情報閲覧同意", "あり"),
        ("診療情報閲覧同意", "あり"),
        ("手術情報閲覧同意", "あり"),
    ]
    .map(|(l, v)| (l.to_owned(), v.to_owned()));
    assert_eq!(consents(&app), expected);
    assert!(
        text(&app.root, "[data-testid=reader-result]").is_some_and(|t| t.contains("内科受付用")),
        "the reader is named"
    );
    // With consent, 情報表示 shows the 限度額 block's details rather than the no-consent note.
    click(&app.root, "[data-testid=limit] button");
    leptos::task::tick().await;
    assert_ne!(
        text(&app.root, "[data-testid=limit-details]").as_deref(),
        Some("患者の同意がないため、限度額適用認定証の情報は表示できません。")
    );

    // 次の患者へ(マイナンバーカード): back to the waiting list; the opened result is no longer new.
    press(&app, "次の患者へ(マイナンバーカード)");
    until("the list again", || {
        count(&app.root, "[data-testid=result-banner]") == 0
            && text(&app.root, "[data-testid=screen-name]").as_deref()
                == Some("マイナンバーカードで確認")
    })
    .await;
    assert_eq!(count(&app.root, NEW), 1);
    assert_eq!(rows(&app)[1][0], "09:00:00");
    // Nothing may still be on its way when the screen goes (the app's contexts go with it here).
    until("the panel's cards", || {
        count(&app.root, PEOPLE_SETTLED) == 1
    })
    .await;

    // Away and back: today's results are read again from the history, without the cue.
    drop(app);
    let again = mount_reception(&world);
    ready(&again).await;
    until("today's results", || count(&again.root, ROW) == 2).await;
    assert_eq!(rows(&again)[0][2], "新橋　花子");
    assert_eq!(rows(&again)[1][2], "新橋　太郎");
    assert_eq!(count(&again.root, NEW), 0, "old results are not news");
    assert_eq!(
        text(&again.root, "[data-testid=reception-announcement]").as_deref(),
        Some("")
    );
    drop(again);
    drop(world);
    clear_session();
}

#[wasm_bindgen_test]
async fn wrong_pins_are_told_with_the_tries_left_and_then_the_lock() {
    let (app, world) = open_reception("reception-pin").await;
    ready(&app).await;
    open_panel(&app.root).await;
    // The page's cards keep their PIN counters for the whole test page (see `world`), so the card
    // locked here is one no other test reads.
    place_card(&app.root, "nakahara-sakura").await;
    press_on_reader(&app.root, "暗証番号を入力").await;
    until("the PIN field", || count(&app.root, "#panel_pin") == 1).await;

    // A PIN that is not 4 digits: told at the field before anything is sent.
    set_input(&app.root, "#panel_pin", "12");
    press_on_reader(&app.root, "確定").await;
    until("the field's message", || {
        text(&app.root, "#panel_pin-message").as_deref()
            == Some("暗証番号は4桁の数字で入力してください。")
    })
    .await;

    for left in [2, 1] {
        set_input(&app.root, "#panel_pin", "0000");
        press_on_reader(&app.root, "確定").await;
        let expected =
            format!("暗証番号が正しくありません。あと{left}回間違えると暗証番号がロックされます。");
        until("the wrong PIN's message", || {
            text(&app.root, "#panel_pin-message").as_deref() == Some(expected.as_str())
        })
        .await;
        assert_eq!(text(&app.root, ERROR).as_deref(), Some(""));
    }
    set_input(&app.root, "#panel_pin", "0000");
    press_on_reader(&app.root, "確定").await;
    until("the lock", || {
        text(&app.root, ERROR).as_deref() == Some(LOCKED)
    })
    .await;
    press_on_reader(&app.root, "終了する").await;
    shows(&app.root, "マイナンバーカードを置いてください").await;
    // The list of cards now says so, and the right PIN no longer helps.
    until("the lock in the list", || {
        count(&app.root, PEOPLE_SETTLED) == 1
            && text(&app.root, "#panel_person option[value=nakahara-sakura]")
                .is_some_and(|t| t.ends_with("（暗証番号ロック中）"))
    })
    .await;
    place_card(&app.root, "nakahara-sakura").await;
    press_on_reader(&app.root, "暗証番号を入力").await;
    until("the PIN field", || count(&app.root, "#panel_pin") == 1).await;
    set_input(&app.root, "#panel_pin", "1234");
    press_on_reader(&app.root, "確定").await;
    until("still locked", || {
        text(&app.root, ERROR).as_deref() == Some(LOCKED)
    })
    .await;
    assert_eq!(count(&app.root, ROW), 0, "no wrong PIN made a result");
    press_on_reader(&app.root, "終了する").await;

    // Another patient gets through.
    visit_by_face(&app.root, "shinbashi-hanako", [false, false, false]).await;
    until("the result", || count(&app.root, ROW) == 1).await;
    // Nothing may still be on its way when the screen goes (the app's contexts go with it here).
    until("the announcement and the panel's cards", || {
        count(&app.root, PEOPLE_SETTLED) == 1
            && text(&app.root, "[data-testid=reception-announcement]").as_deref()
                == Some("新しい確認結果が届きました：新橋　花子　無効")
    })
    .await;
    drop(app);
    drop(world);
    clear_session();
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
