//! The `card` group through the dispatcher (decisions.md D7): challenges (32 random bytes,
//! 60 s, single use, bound to the session), and the qualification a card's signature proves, against
//! the committed test PKI. Signatures are made with the rsa crate directly (`pki::sign_like_a_card`),
//! never through the virtual card.

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::TimeDelta;
use onshi_core::{
    canned::people::people,
    card::testpki::{self, CA_CERTIFICATE, EXPIRED, ROGUE, TestCard},
    client::{self, HistorySearch},
    codes::{LimitConsentFlag, QualificationValidity, ReferenceClassification, TreatmentKind},
    contract::groups::ConsentChoices,
    contract::{
        Capabilities, Method, Request, Response,
        groups::{CardQualification, Challenge, EventsPage, HistoryPage, ViewablePatients},
    },
    dispatch::{Config, Dispatcher},
    domain::QualificationResult,
    simulator::NationalSide,
    store::StoreRead,
    wire,
};

use crate::{
    harness::{Harness, problem},
    pki::sign_like_a_card,
};

fn taro() -> TestCard {
    testpki::card("shinbashi-taro").expect("新橋 太郎 has a test card")
}

fn challenge(h: &mut Harness, token: &str) -> Challenge {
    h.json(&client::challenge(token), 201)
}

fn nonce_bytes(challenge: &Challenge) -> Vec<u8> {
    STANDARD
        .decode(&challenge.nonce)
        .expect("the nonce is base64")
}

/// The body a terminal sends after the card `signer` signed `message` (the nonce, normally), with
/// `card`'s certificate.
fn proof(nonce: &str, card: TestCard, signer: TestCard, message: &[u8]) -> CardQualification {
    CardQualification {
        nonce: nonce.to_owned(),
        certificate: STANDARD.encode(card.certificate),
        signature: STANDARD.encode(sign_like_a_card(signer.key, message)),
        qualification_date: String::new(),
        treatment: None,
        consents: ConsentChoices::default(),
    }
}

/// A challenge signed by `card` itself.
fn signed(h: &mut Harness, token: &str, card: TestCard) -> CardQualification {
    let c = challenge(h, token);
    proof(&c.nonce, card, card, &nonce_bytes(&c))
}

fn qualify(h: &mut Harness, token: &str, body: &CardQualification) -> Response {
    h.send(&client::qualify_by_card(token, body))
}

fn result_of(response: &Response) -> QualificationResult {
    let message: wire::QualificationResult =
        client::expect_xml(response, 200).expect("an official result");
    QualificationResult::from_wire(&message).0
}

fn refusal(h: &mut Harness, token: &str, body: &CardQualification) -> String {
    problem(&qualify(h, token, body), 422).code
}

fn history_total(h: &mut Harness, token: &str) -> usize {
    h.json::<HistoryPage>(&client::history(token, &HistorySearch::default()), 200)
        .total
}

#[test]
fn a_challenge_is_32_random_bytes_valid_for_60_seconds() {
    let mut h = Harness::training();
    let token = h.token("002");
    let response = h.send(&client::challenge(&token));
    assert_eq!(response.status, 201);
    assert_eq!(response.headers.get("Cache-Control"), Some("no-store"));
    let first: Challenge = client::expect_json(&response, 201).expect("a challenge");
    assert_eq!(nonce_bytes(&first).len(), 32);
    assert_eq!(first.nonce.len(), 44, "standard padded base64");
    assert_eq!(first.expires_at.0, h.now + TimeDelta::seconds(60));
    assert_eq!(
        first.expires_at.0.to_rfc3339(),
        "2026-11-22T09:01:00.000+09:00"
    );
    let second = challenge(&mut h, &token);
    assert_ne!(first.nonce, second.nonce);
}

#[test]
fn training_advertises_the_card_group_and_the_bridge_and_real_data_do_not() {
    let mut h = Harness::training();
    let caps: Capabilities = h.json(&client::capabilities(), 200);
    assert!(
        caps.groups.contains(&"card".to_owned()),
        "{:?}",
        caps.groups
    );

    for (what, dispatcher) in [
        (
            "the folder bridge",
            Dispatcher::new(Config::training()).with_files(),
        ),
        (
            "real data with the simulator",
            Dispatcher::new(Config::standard()),
        ),
        (
            "the folder bridge on real data",
            Dispatcher::new(Config::standard()).with_files(),
        ),
    ] {
        let mut h = Harness::training();
        h.dispatcher = dispatcher;
        let caps: Capabilities = h.json(&client::capabilities(), 200);
        assert!(!caps.groups.contains(&"card".to_owned()), "{what}");
        let token = h.token("002");
        assert_eq!(
            problem(&h.send(&client::challenge(&token)), 404).code,
            "not_found",
            "{what}"
        );
        let body = proof(&STANDARD.encode([0u8; 32]), taro(), taro(), &[0u8; 32]);
        assert_eq!(
            problem(&qualify(&mut h, &token, &body), 404).code,
            "not_found",
            "{what}"
        );
    }
}

#[test]
fn both_operations_need_a_session() {
    let mut h = Harness::training();
    let bare = Request::new(Method::Post, "/challenges");
    assert_eq!(problem(&h.send(&bare), 401).code, "unauthenticated");
    assert_eq!(
        problem(&h.send(&client::challenge("no-such-token")), 401).code,
        "unauthenticated"
    );
    let token = h.token("002");
    let body = signed(&mut h, &token, taro());
    let without = Request::new(Method::Post, "/qualifications/mynumber").with_json(&body);
    assert_eq!(problem(&h.send(&without), 401).code, "unauthenticated");
    // The nonce was not touched: its own session still proves the card with it.
    assert_eq!(qualify(&mut h, &token, &body).status, 200);
}

#[test]
fn taro_is_qualified_by_his_card_with_his_consents_in_history() {
    let mut h = Harness::training();
    let token = h.token("002");
    let mut body = signed(&mut h, &token, taro());
    body.consents = ConsentChoices {
        medical: true,
        checkups: false,
        limit: true,
    };
    let response = qualify(&mut h, &token, &body);
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(response.content_type(), Some("application/xml"));
    let location = response
        .headers
        .get("Content-Location")
        .expect("the history entry")
        .to_owned();
    let id = client::history_id_of(&response).expect("a history id");
    assert_eq!(location, format!("/onshi/v1/qualifications/{id}"));

    let result = result_of(&response);
    assert_eq!(
        result.info.classification,
        Some(ReferenceClassification::MyNumberCard)
    );
    assert_eq!(result.info.confirmation_date, Some(h.now.jst_date()));
    assert_eq!(result.answer.validity, Some(QualificationValidity::Valid));
    let q = &result.answer.qualifications[0];
    assert_eq!(q.name.as_deref(), Some("新橋　太郎"));
    assert!(q.consents.pharmacists.is_consented());
    assert!(q.consents.diagnosis.is_consented());
    assert!(!q.consents.checkups.is_consented());
    assert_eq!(q.limit.consent, Some(LimitConsentFlag::Consented));
    assert!(result.answer.search.is_none(), "no 診療区分 was given");

    // The stored entry is the answer, recorded under the caller with no reader.
    let detail = h.send(&client::history_detail(&token, id));
    assert_eq!(detail.body, response.body);
    let page: HistoryPage = h.json(
        &client::history(
            &token,
            &HistorySearch {
                kind: Some("my_number_card".to_owned()),
                ..HistorySearch::default()
            },
        ),
        200,
    );
    let row = page.items.iter().find(|r| r.id == id).expect("the row");
    assert_eq!(row.classification.label, "マイナンバーカード");
    assert_eq!(row.login_id, "002");
    assert_eq!(row.reader_id, None);
    assert_eq!(row.name.as_deref(), Some("新橋　太郎"));

    let events: EventsPage = h.json(&client::events(&token, 0), 200);
    let event = events.events.last().expect("an event");
    assert_eq!(
        serde_json::to_value(event.kind).expect("json"),
        "qualification"
    );
    assert_eq!(event.data["history_id"], id);
    assert_eq!(event.data["reader_id"], serde_json::Value::Null);

    // The viewing consents reach 医療情報閲覧: medical yes, checkups no.
    let doctor = h.token("003");
    let patients: ViewablePatients = h.json(&client::medical_patients(&doctor), 200);
    let p = patients
        .items
        .iter()
        .find(|p| p.history_id == id)
        .expect("taro is viewable");
    assert!(p.pharmacists && p.diagnosis && p.operation);
    assert!(!p.checkups);
}

#[test]
fn the_date_and_treatment_travel_as_the_inquirys() {
    let mut h = Harness::training();
    let token = h.token("002");
    let mut body = signed(&mut h, &token, taro());
    body.qualification_date = "2026-11-20".to_owned();
    body.treatment = Some("2".to_owned());
    let response = qualify(&mut h, &token, &body);
    let result = result_of(&response);
    assert_eq!(
        result.info.confirmation_date,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
    );
    assert_eq!(
        result.answer.search.and_then(|s| s.treatment),
        Some(TreatmentKind::HomeVisit)
    );
    assert!(
        String::from_utf8_lossy(&response.body)
            .contains("<MedicalTreatmentFlag>2</MedicalTreatmentFlag>")
    );
    // 外来 is written as absent.
    let mut outpatient = signed(&mut h, &token, taro());
    outpatient.treatment = Some("1".to_owned());
    let response = qualify(&mut h, &token, &outpatient);
    assert!(!String::from_utf8_lossy(&response.body).contains("MedicalTreatmentFlag"));
}

#[test]
fn a_nonce_never_issued_or_issued_to_another_session_is_unknown() {
    let mut h = Harness::training();
    let token = h.token("002");
    let other = h.token("admin01");
    let made_up = [9u8; 32];
    let body = proof(&STANDARD.encode(made_up), taro(), taro(), &made_up);
    assert_eq!(refusal(&mut h, &token, &body), "challenge_unknown");

    // Another session's nonce is unknown here, and stays usable by its own session.
    let theirs = signed(&mut h, &other, taro());
    assert_eq!(refusal(&mut h, &token, &theirs), "challenge_unknown");
    assert_eq!(qualify(&mut h, &other, &theirs).status, 200);
    assert_eq!(history_total(&mut h, &token), 1);
}

#[test]
fn a_nonce_serves_one_qualification() {
    let mut h = Harness::training();
    let token = h.token("002");
    let body = signed(&mut h, &token, taro());
    assert_eq!(qualify(&mut h, &token, &body).status, 200);
    assert_eq!(refusal(&mut h, &token, &body), "challenge_unknown");
    assert_eq!(history_total(&mut h, &token), 1);
}

/// A refused proof uses the nonce up too: nobody can try certificates or signatures one after the
/// other against one nonce.
#[test]
fn a_refused_proof_uses_the_nonce_up() {
    let mut h = Harness::training();
    let token = h.token("002");
    let c = challenge(&mut h, &token);
    let nonce = nonce_bytes(&c);
    let wrong = proof(&c.nonce, taro(), taro(), b"another message");
    assert_eq!(refusal(&mut h, &token, &wrong), "signature_invalid");
    let right = proof(&c.nonce, taro(), taro(), &nonce);
    assert_eq!(refusal(&mut h, &token, &right), "challenge_unknown");

    let c = challenge(&mut h, &token);
    let rogue = proof(&c.nonce, ROGUE, ROGUE, &nonce_bytes(&c));
    assert_eq!(refusal(&mut h, &token, &rogue), "certificate_unknown");
    let right = proof(&c.nonce, taro(), taro(), &nonce_bytes(&c));
    assert_eq!(refusal(&mut h, &token, &right), "challenge_unknown");
    assert_eq!(history_total(&mut h, &token), 0);
}

#[test]
fn a_challenge_is_good_for_59_seconds_and_expired_at_60() {
    let mut h = Harness::training();
    let token = h.token("002");
    let body = signed(&mut h, &token, taro());
    h.advance(TimeDelta::seconds(59));
    assert_eq!(qualify(&mut h, &token, &body).status, 200);

    let body = signed(&mut h, &token, taro());
    h.advance(TimeDelta::seconds(60));
    let response = qualify(&mut h, &token, &body);
    let refused = problem(&response, 422);
    assert_eq!(refused.code, "challenge_expired");
    assert_eq!(
        refused.title,
        "カードの確認要求の有効期限（60秒）が切れました。もう一度カードで確認してください。"
    );
    // Expired is used up as well.
    assert_eq!(refusal(&mut h, &token, &body), "challenge_unknown");

    let body = signed(&mut h, &token, taro());
    h.advance(TimeDelta::minutes(10));
    assert_eq!(refusal(&mut h, &token, &body), "challenge_expired");
}

#[test]
fn the_window_is_the_configurations() {
    let mut h = Harness::training();
    h.dispatcher = Dispatcher::new(Config {
        challenge_validity: TimeDelta::seconds(5),
        ..h.dispatcher.config().clone()
    });
    let token = h.token("002");
    let c = challenge(&mut h, &token);
    assert_eq!(c.expires_at.0, h.now + TimeDelta::seconds(5));
    let body = proof(&c.nonce, taro(), taro(), &nonce_bytes(&c));
    h.advance(TimeDelta::seconds(5));
    assert_eq!(refusal(&mut h, &token, &body), "challenge_expired");
}

/// Issuing a challenge prunes those that ended over an hour ago; until then an expired nonce is
/// still told `challenge_expired`.
#[test]
fn expired_challenges_are_pruned_an_hour_after_they_end() {
    let mut h = Harness::training();
    let token = h.token("002");
    let old = challenge(&mut h, &token);
    // It ended a minute after it was issued; an hour after that it is still kept.
    h.advance(TimeDelta::minutes(61));
    let token = h.token("002");
    challenge(&mut h, &token);
    assert!(h.store.challenge(&old.nonce).expect("reads").is_some());
    h.advance(TimeDelta::seconds(1));
    let fresh = challenge(&mut h, &token);
    assert_eq!(h.store.challenge(&old.nonce).expect("reads"), None);
    assert!(h.store.challenge(&fresh.nonce).expect("reads").is_some());
}

/// Makes a qualification body for a challenge.
type MakeProof = dyn Fn(&Challenge) -> CardQualification;

#[test]
fn a_bad_signature_is_signature_invalid() {
    let mut h = Harness::training();
    let token = h.token("002");
    let hanako = testpki::card("shinbashi-hanako").expect("花子's card");
    let cases: Vec<(&str, Box<MakeProof>)> = vec![
        (
            "over another message",
            Box::new(|c| {
                let mut other = nonce_bytes(c);
                other[0] ^= 1;
                proof(&c.nonce, taro(), taro(), &other)
            }),
        ),
        (
            "by another card's key",
            Box::new(move |c| proof(&c.nonce, taro(), hanako, &nonce_bytes(c))),
        ),
        (
            "cut short",
            Box::new(|c| {
                let mut body = proof(&c.nonce, taro(), taro(), &nonce_bytes(c));
                let mut bytes = STANDARD.decode(&body.signature).expect("base64");
                bytes.truncate(128);
                body.signature = STANDARD.encode(bytes);
                body
            }),
        ),
    ];
    for (what, make) in cases {
        let c = challenge(&mut h, &token);
        let response = qualify(&mut h, &token, &make(&c));
        let refused = problem(&response, 422);
        assert_eq!(refused.code, "signature_invalid", "{what}");
        assert!(!refused.title.is_ascii(), "{what}: a Japanese title");
    }
    assert_eq!(history_total(&mut h, &token), 0);
}

#[test]
fn untrusted_expired_and_ca_certificates_are_unknown() {
    let mut h = Harness::training();
    let token = h.token("002");
    let ca = TestCard {
        person_id: "ca",
        certificate: CA_CERTIFICATE,
        // Nobody holds the CA's key; any key makes the signature, which is never reached.
        key: taro().key,
    };
    for (what, card, detail) in [
        ("the rogue CA's card", ROGUE, "issued by"),
        ("an expired certificate", EXPIRED, "expired"),
        ("the CA's own certificate", ca, "certification authority"),
    ] {
        let body = signed(&mut h, &token, card);
        let refused = problem(&qualify(&mut h, &token, &body), 422);
        assert_eq!(refused.code, "certificate_unknown", "{what}");
        let said = refused.detail.unwrap_or_default();
        assert!(said.contains(detail), "{what}: {said}");
    }
    assert_eq!(history_total(&mut h, &token), 0);
}

/// A good certificate of the test CA whose holder the national side does not know: the side here
/// knows everyone but 中原 さくら, whose card still proves its key.
#[test]
fn a_certificate_nobody_holds_is_unknown() {
    let mut h = Harness::training();
    let everyone_but_sakura = people()
        .into_iter()
        .filter(|p| p.id != "nakahara-sakura")
        .collect();
    h.dispatcher = Dispatcher::new(h.dispatcher.config().clone())
        .with_national_side(NationalSide::with_people(everyone_but_sakura));
    let token = h.token("002");
    let sakura = testpki::card("nakahara-sakura").expect("her card");
    let body = signed(&mut h, &token, sakura);
    let refused = problem(&qualify(&mut h, &token, &body), 422);
    assert_eq!(refused.code, "certificate_unknown");
    assert_eq!(
        refused.detail.as_deref(),
        Some("the national side knows no holder of this certificate")
    );

    // With her known, the same card qualifies her.
    let mut h = Harness::training();
    let token = h.token("002");
    let body = signed(&mut h, &token, sakura);
    let result = result_of(&qualify(&mut h, &token, &body));
    let expected = people()
        .into_iter()
        .find(|p| p.id == "nakahara-sakura")
        .expect("her");
    assert_eq!(result.answer.validity, Some(expected.outcome));
}

#[test]
fn every_canned_card_qualifies_its_own_person() {
    let mut h = Harness::training();
    let token = h.token("002");
    for person in people() {
        let card = testpki::card(&person.id).expect("a card per person");
        let body = signed(&mut h, &token, card);
        let response = qualify(&mut h, &token, &body);
        let result = result_of(&response);
        assert_eq!(
            result.answer.validity.as_ref(),
            Some(&person.outcome),
            "{}",
            person.id
        );
        if let Some(q) = result.answer.qualifications.first() {
            assert_eq!(
                q.name.as_deref(),
                Some(person.name.as_str()),
                "{}",
                person.id
            );
        }
    }
}

#[test]
fn an_idempotent_replay_gives_the_same_answer_once() {
    let mut h = Harness::training();
    let token = h.token("002");
    let body = signed(&mut h, &token, taro());
    let request = client::with_idempotency_key(client::qualify_by_card(&token, &body), "card-1");
    let first = h.send(&request);
    assert_eq!(first.status, 200);
    let replay = h.send(&request);
    assert_eq!(replay.status, 200);
    assert_eq!(replay.body, first.body);
    assert_eq!(replay.headers.get("Idempotent-Replayed"), Some("true"));
    assert_eq!(
        replay.headers.get("Content-Location"),
        first.headers.get("Content-Location")
    );
    assert_eq!(replay.content_type(), Some("application/xml"));
    assert_eq!(history_total(&mut h, &token), 1);

    let mut changed = body.clone();
    changed.consents.medical = true;
    let reused = client::with_idempotency_key(client::qualify_by_card(&token, &changed), "card-1");
    assert_eq!(
        problem(&h.send(&reused), 422).code,
        "idempotency_key_reused"
    );
    // Without the key, the used nonce is refused.
    assert_eq!(refusal(&mut h, &token, &body), "challenge_unknown");
}

#[test]
fn malformed_bodies_are_refused_naming_the_field_and_keep_the_nonce() {
    let mut h = Harness::training();
    let token = h.token("002");
    let good = signed(&mut h, &token, taro());

    let raw = |body: &[u8]| {
        let mut request = client::qualify_by_card(&token, &good);
        request.body = body.to_vec();
        request
    };
    assert_eq!(
        problem(&h.send(&raw(b"not json")), 400).code,
        "malformed_body"
    );
    assert_eq!(problem(&h.send(&raw(b"[]")), 400).code, "malformed_body");
    assert_eq!(
        problem(&h.send(&raw(br#"{"nonce": 5}"#)), 400).code,
        "malformed_body"
    );

    let fields = |h: &mut Harness, body: &CardQualification| -> Vec<String> {
        let p = problem(&qualify(h, &token, body), 422);
        assert_eq!(p.code, "invalid_request");
        p.errors.into_iter().map(|e| e.field).collect()
    };
    assert_eq!(
        fields(&mut h, &CardQualification::default()),
        ["nonce", "certificate", "signature"]
    );
    let with = |edit: &dyn Fn(&mut CardQualification)| {
        let mut body = good.clone();
        edit(&mut body);
        body
    };
    let cases: Vec<(CardQualification, &[&str])> = vec![
        (with(&|b| b.nonce = "not base64!".to_owned()), &["nonce"]),
        (with(&|b| b.nonce = STANDARD.encode([1u8; 16])), &["nonce"]),
        (
            with(&|b| b.certificate = "%%%".to_owned()),
            &["certificate"],
        ),
        (with(&|b| b.signature = "a".to_owned()), &["signature"]),
        (
            with(&|b| b.qualification_date = "2026-13-01".to_owned()),
            &["qualification_date"],
        ),
        (
            with(&|b| b.qualification_date = "2026-11-23".to_owned()),
            &["qualification_date"],
        ),
        (
            with(&|b| b.treatment = Some("9".to_owned())),
            &["treatment"],
        ),
    ];
    for (body, expected) in &cases {
        assert_eq!(fields(&mut h, body), *expected, "{body:?}");
    }
    let messages = problem(
        &qualify(
            &mut h,
            &token,
            &with(&|b| b.qualification_date = "2026-11-23".to_owned()),
        ),
        422,
    );
    assert!(messages.errors[0].message.contains("資格確認日"));

    // None of these reached the nonce.
    assert_eq!(qualify(&mut h, &token, &good).status, 200);
}

#[test]
fn a_json_body_is_required() {
    let mut h = Harness::training();
    let token = h.token("002");
    let good = signed(&mut h, &token, taro());
    let mut request = client::qualify_by_card(&token, &good);
    request.headers.set("Content-Type", "application/xml");
    assert_eq!(
        problem(&h.send(&request), 415).code,
        "unsupported_media_type"
    );
    let get = Request::new(Method::Get, "/challenges").with_bearer(&token);
    let response = h.send(&get);
    assert_eq!(problem(&response, 405).code, "method_not_allowed");
    assert_eq!(response.headers.get("Allow"), Some("POST"));
}
