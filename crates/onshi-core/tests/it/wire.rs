//! Decoding the official messages from fixture files (hand-written, or peers' synthetic samples),
//! never from our own encoder's output, and the domain conversion of what they carry.

use chrono::NaiveDate;
use onshi_core::{
    codes::{
        CharacterCodeIdentifier, CodeTable, PersonalFamily, QualificationValidity, ReasonOfLoss,
        ReferenceClassification, Sex,
    },
    domain::{
        DecodeProblem, Findings, Inquiry, QualificationResult,
        medical::{CheckupReport, DrugHistory},
    },
    wire::{self, DecodeError, Encoding},
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/wire/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn result(name: &str) -> (wire::QualificationResult, Encoding) {
    wire::QualificationResult::decode_with_encoding(&fixture(name), wire::MESSAGE_LIMIT)
        .expect(name)
}

#[test]
fn a_full_result_in_any_element_order() {
    let (message, encoding) = result("siquc01res-taro.xml");
    assert_eq!(encoding, Encoding::Utf8);
    let (r, findings) = QualificationResult::from_wire(&message);
    assert!(findings.0.is_empty(), "{:?}", findings.0);
    assert_eq!(
        r.info.classification,
        Some(ReferenceClassification::InsuranceCard)
    );
    assert_eq!(r.info.character_code, Some(CharacterCodeIdentifier::Utf8));
    assert_eq!(r.answer.validity, Some(QualificationValidity::Valid));
    assert!(r.is_valid());
    let q = &r.answer.qualifications[0];
    assert_eq!(q.name.as_deref(), Some("新橋　太郎"));
    assert_eq!(q.name_of_other.as_deref(), Some("新橋　他太郎"));
    assert_eq!(q.name_kana.as_deref(), Some("ｼﾝﾊﾞｼ ﾀﾛｳ"));
    assert_eq!(q.insurer_name.as_deref(), Some("東京新橋サンプル保険者"));
    assert_eq!(q.card.symbol_number_branch(), "9000 10001 01");
    assert_eq!(q.personal_family, Some(PersonalFamily::Insured));
    assert_eq!(q.sex1, Some(Sex::Male));
    assert_eq!(
        q.birthdate.map(onshi_core::era::format),
        Some(Some("昭和29年3月26日".to_owned()))
    );
    assert_eq!(
        q.valid_from.and_then(onshi_core::era::format).as_deref(),
        Some("令和2年1月1日")
    );
    assert_eq!(
        q.elderly
            .as_ref()
            .and_then(|e| e.ratio)
            .map(|r| r.label())
            .as_deref(),
        Some("2割")
    );
    assert_eq!(q.reference_number.as_deref(), Some("12345678901"));
}

#[test]
fn a_shift_jis_face_result_with_unconvertible_characters() {
    let (message, encoding) = result("siquc01res-face-sjis.xml");
    assert_eq!(encoding, Encoding::ShiftJis);
    let (r, _) = QualificationResult::from_wire(&message);
    assert_eq!(
        r.info.classification,
        Some(ReferenceClassification::MyNumberCard)
    );
    let q = &r.answer.qualifications[0];
    assert_eq!(q.name.as_deref(), Some("渡●　美咲"));
    assert!(onshi_core::text::has_unconvertible(
        q.address.as_deref().unwrap_or_default()
    ));
    // Full-width 記号 is kept as received; comparisons fold it.
    assert_eq!(q.card.symbol.as_deref(), Some("１２３４５６７"));
    assert_eq!(
        onshi_core::text::number_key(q.card.symbol.as_deref().unwrap_or_default()),
        "1234567"
    );
    assert!(q.consents.pharmacists.is_consented());
    assert!(!q.consents.checkups.is_consented());
    assert_eq!(
        q.consents
            .pharmacists
            .available_until
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .as_deref(),
        Some("2026-11-23 10:15")
    );
}

#[test]
fn the_peers_synthetic_face_samples_decode() {
    let (message, _) = result("face-synthetic-capture.xml");
    let (r, findings) = QualificationResult::from_wire(&message);
    assert_eq!(r.answer.qualifications.len(), 1);
    let q = &r.answer.qualifications[0];
    assert_eq!(q.name.as_deref(), Some("試験太郎"));
    assert_eq!(q.name_kana.as_deref(), Some("ﾃｽﾄ ﾀﾛｳ"));
    assert_eq!(
        q.card.insurer_number.as_ref().map(|n| n.digits()),
        Some("00123456")
    );
    // Synthetic data: the insurer number fails its check digit and InsurerName is absent. Both are
    // shown as received, with warnings (D6).
    let problems: Vec<(&str, &DecodeProblem)> =
        findings.0.iter().map(|f| (f.element, &f.problem)).collect();
    assert!(problems.contains(&(
        "InsurerNumber",
        &DecodeProblem::CheckDigit {
            value: "00123456".to_owned()
        }
    )));
    assert!(problems.contains(&("InsurerName", &DecodeProblem::Missing)));
    // No declaration: UTF-8 by default, the reference number found.
    let (message, encoding) = result("face-refno-synthetic.xml");
    assert_eq!(encoding, Encoding::Utf8);
    let (r, _) = QualificationResult::from_wire(&message);
    assert_eq!(
        r.answer.qualifications[0].reference_number.as_deref(),
        Some("24434")
    );
    assert_eq!(
        r.answer.qualifications[0].name_kana.as_deref(),
        Some("テスト")
    );
}

#[test]
fn zero_one_or_many_results() {
    let (message, _) = result("siquc01res-multiple.xml");
    let (r, _) = QualificationResult::from_wire(&message);
    assert_eq!(r.answer.validity, Some(QualificationValidity::Multiple));
    assert_eq!(r.answer.qualifications.len(), 2);
    assert_eq!(
        r.answer.qualifications[1]
            .card
            .insurer_number
            .as_ref()
            .map(|n| n.digits()),
        Some("138057")
    );
    assert!(!r.is_valid());
    let (message, _) = result("siquc01res-not-found.xml");
    let (r, findings) = QualificationResult::from_wire(&message);
    assert_eq!(
        r.answer.validity,
        Some(QualificationValidity::NoQualification)
    );
    assert!(r.answer.qualifications.is_empty());
    assert!(findings.0.is_empty());
}

#[test]
fn a_byte_order_mark_and_missing_elements() {
    let (message, encoding) = result("siquc01res-bom.xml");
    assert_eq!(encoding, Encoding::Utf8);
    let (r, findings) = QualificationResult::from_wire(&message);
    assert_eq!(r.info.segment, None, "a missing header is all None");
    let q = &r.answer.qualifications[0];
    assert_eq!(q.reason_of_loss, Some(ReasonOfLoss::Other));
    assert_eq!(
        q.reason_of_loss
            .as_ref()
            .map(|r| r.label().into_owned())
            .as_deref(),
        Some("その他")
    );
    let missing: Vec<&str> = findings
        .0
        .iter()
        .filter(|f| f.problem == DecodeProblem::Missing)
        .map(|f| f.element)
        .collect();
    // What §4.1 and §4.2 require of every result, then what §4.3 requires of each record.
    assert_eq!(
        missing,
        [
            "ProcessExecutionTime",
            "QualificationConfirmationDate",
            "ProcessingResultStatus",
            "InsuredCardClassification",
            "Birthdate",
            "InsurerName"
        ]
    );
}

#[test]
fn refusals_name_their_reason() {
    let check = |name: &str, expected: DecodeError| {
        assert_eq!(
            wire::QualificationResult::decode(&fixture(name)),
            Err(expected),
            "{name}"
        );
    };
    check(
        "mismatch-identifier.xml",
        DecodeError::CharacterCodeMismatch {
            identifier: "1".to_owned(),
            encoding: Encoding::Utf8,
        },
    );
    check("doctype.xml", DecodeError::DoctypeRefused);
    assert_eq!(
        wire::QualificationResult::decode(b"<Other/>"),
        Err(DecodeError::NotXmlMsg {
            root: "Other".to_owned()
        })
    );
    assert!(matches!(
        wire::QualificationResult::decode_with_limit(&fixture("siquc01res-taro.xml"), 100),
        Err(DecodeError::TooLarge { limit: 100, .. })
    ));
}

#[test]
fn requests_in_both_encodings() {
    let (message, encoding) = wire::QualificationRequest::decode_with_encoding(
        &fixture("siquc01req-kokuho-sjis.xml"),
        wire::MESSAGE_LIMIT,
    )
    .expect("sjis");
    assert_eq!(encoding, Encoding::ShiftJis);
    let (inquiry, findings) = Inquiry::from_wire(&message);
    assert!(findings.0.is_empty());
    assert_eq!(
        inquiry
            .search
            .card
            .insurer_number
            .as_ref()
            .map(|n| n.digits()),
        Some("138057"),
        "padding removed"
    );
    assert_eq!(inquiry.search.card.symbol.as_deref(), Some("大田"));
    assert_eq!(
        inquiry.search.arbitrary_identifier.as_deref(),
        Some("受付-7")
    );
    assert_eq!(
        inquiry.arbitrary_file_identifier.as_deref(),
        Some("kokuho-0001")
    );
    let (message, encoding) = wire::QualificationRequest::decode_with_encoding(
        &fixture("siquc01req-taro.xml"),
        wire::MESSAGE_LIMIT,
    )
    .expect("utf8");
    assert_eq!(encoding, Encoding::Utf8);
    assert_eq!(
        message.header.medical_institution_code.as_deref(),
        Some("1234567897")
    );
}

#[test]
fn bulk_results_find_results_directly_or_in_a_list() {
    let message = wire::BulkResult::decode(&fixture("muquc02res.xml")).expect("bulk");
    assert_eq!(
        message.header.reception_number.as_deref(),
        Some("20261122000001")
    );
    assert_eq!(
        message.header.number_of_processing_result.as_deref(),
        Some("2")
    );
    let counts: Vec<usize> = message.body.units.iter().map(|u| u.results.len()).collect();
    assert_eq!(counts, [1, 2]);
    assert_eq!(
        message.body.units[0].reference_number.as_deref(),
        Some("12345678901")
    );
    assert_eq!(
        message.body.units[1].qualification_validity.as_deref(),
        Some("5")
    );
}

#[test]
fn reference_number_messages() {
    let request = wire::ReferenceRequest::decode(&fixture("siimm01req.xml")).expect("siimm01req");
    let registration = request.body.registration.expect("registration");
    assert_eq!(registration.reference_number.as_deref(), Some("K-000123"));
    assert_eq!(
        registration.insured_identification_number.as_deref(),
        Some("010001")
    );
    let result = wire::BulkReferenceResult::decode(&fixture("muimm02res.xml")).expect("muimm02res");
    let statuses: Vec<Option<&str>> = result
        .body
        .units
        .iter()
        .map(|u| u.processing_result_status.as_deref())
        .collect();
    assert_eq!(statuses, [Some("1"), Some("2")]);
    assert_eq!(
        result.body.units[1].processing_result_message.as_deref(),
        Some("該当資格なし")
    );
}

#[test]
fn drug_and_checkup_results() {
    let drugs = wire::DrugResult::decode(&fixture("yzk-res.xml")).expect("yzk");
    assert_eq!(
        drugs.header.result_code, None,
        "ResultCode sits in the body here"
    );
    assert_eq!(drugs.body.result_code.as_deref(), Some("1"));
    assert!(
        drugs.body.dispensing.is_some(),
        "the dispensing block is carried unread"
    );
    let mut findings = Findings::default();
    let history = DrugHistory::from_wire(&drugs, &mut findings);
    assert_eq!(history.patient.name.as_deref(), Some("中原　さくら"));
    let d = &history.dispensings[0];
    // 院内/院外 is InOut; PrIsOrg's meaning is not public and is not read as the place.
    assert_eq!((d.place.as_str(), d.use_kind().as_str()), ("院内", "内服"));
    assert_eq!(d.institution.as_deref(), Some("医療法人 社内科クリニック"));
    assert_eq!(d.drugs[0].amount(), "1錠 30日分");
    assert_eq!(d.drugs[1].name, "テルミサルタン錠20mg「TCK」");
    // A day without 調剤日 is kept under its month, its 処方日 kept, and each drug keeps its own
    // 使用区分 (found in review).
    let undated = &history.dispensings[1];
    assert_eq!(undated.date, None);
    assert_eq!(undated.day_label(), "2022/09（日付不明）");
    assert_eq!(undated.prescribed, NaiveDate::from_ymd_opt(2022, 9, 14));
    assert_eq!(undated.use_kind(), "内服・外用");
    let again = DrugHistory::from_wire(
        &wire::DrugResult {
            header: drugs.header.clone(),
            body: history.to_wire_body(),
        },
        &mut Findings::default(),
    );
    assert_eq!(again.dispensings, history.dispensings, "round trip");
    let reported: Vec<(&str, &DecodeProblem)> =
        findings.0.iter().map(|f| (f.element, &f.problem)).collect();
    assert_eq!(
        reported,
        [
            ("DiDate", &DecodeProblem::Missing),
            ("CzDiInf", &DecodeProblem::NotShown)
        ]
    );

    let checkups = wire::CheckupResult::decode(&fixture("tkk-res.xml")).expect("tkk");
    assert_eq!(checkups.header.result_code.as_deref(), Some("1"));
    let mut findings = Findings::default();
    let report = CheckupReport::from_wire(&checkups, &mut findings);
    let c = &report.checkups[0];
    assert_eq!(c.objective.as_deref(), Some("特記すべきことなし"));
    let sex = report.patient.sex.clone();
    let flagged: Vec<&str> = c
        .values
        .iter()
        .filter(|v| v.flagged(sex.as_ref()))
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(flagged, ["LDL-コレステロール"]);
    // Groups come from the report's layout, not from Oid; a coded answer shows its label.
    let shown: Vec<(&str, &str, Option<&str>)> = c
        .values
        .iter()
        .map(|v| (v.group(), v.name.as_str(), v.shown()))
        .collect();
    assert_eq!(
        shown,
        [
            ("脂質", "LDL-コレステロール", Some("154")),
            ("血圧", "収縮期血圧", Some("117")),
            ("その他", "服薬1(血圧)", Some("はい")),
        ]
    );
    assert_eq!(c.values[2].code.as_deref(), Some("9N701000000000011"));
    // A checkup without 実施日 is kept, with a finding.
    assert_eq!(report.checkups[1].date, None);
    assert_eq!(report.checkups[1].values[0].name, "身長");
    let reported: Vec<&str> = findings.0.iter().map(|f| f.element).collect();
    assert_eq!(reported, ["EffectiveTime"]);
}
