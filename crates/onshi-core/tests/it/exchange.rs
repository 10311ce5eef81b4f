//! The folder bridge's rules (`onshi_core::exchange`): names, identifiers, what an answer
//! must show to be its request's, and why a file does not read. Data-driven: each table row is an
//! input and what it must come to.

use chrono::NaiveDate;
use onshi_core::{
    exchange::{self, Expectation, MedicalKind, Mismatch, PatientKeys, SearchKeys, Unreadable},
    random::SeededRandom,
    store::CardKey,
    wire,
};

use crate::{
    harness::fixture,
    national::{answer, template},
};

#[test]
fn request_and_answer_names() {
    let day = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
    let check = |prefix: &str, sequence: u32, request: &str, answer: &str| {
        let name = exchange::request_name(prefix, day, sequence);
        assert_eq!(name, request);
        assert_eq!(exchange::answer_name(&name), answer);
    };
    check(
        "OQSsiquc01req",
        1,
        "OQSsiquc01req_202612070001",
        "OQSsiquc01res_202612070001",
    );
    check(
        "OQSsiimm01req",
        42,
        "OQSsiimm01req_202612070042",
        "OQSsiimm01res_202612070042",
    );
    check(
        "OQSmuquc02req",
        9999,
        "OQSmuquc02req_202612079999",
        "OQSmuquc02res_202612079999",
    );
    check(
        "YZKsiquc01req",
        7,
        "YZKsiquc01req_202612070007",
        "YZKsiquc01res_202612070007",
    );
}

#[test]
fn name_prefixes() {
    let check = |file: &str, prefix: &str| assert_eq!(exchange::prefix_of(file), prefix, "{file}");
    check(
        "OQSsiquc01res_face_2714_20260929160112.xml",
        "OQSsiquc01res_face",
    );
    check("OQSsiquc01res_202612070001.xml", "OQSsiquc01res");
    check("OQSmuquc02res_202612070001.zip", "OQSmuquc02res");
    check("README.txt", "README");
}

#[test]
fn file_identifiers_are_the_exchange_and_random_within_the_interface_limit() {
    let mut random = SeededRandom::new(1);
    let first = exchange::file_identifier(1, &mut random);
    let second = exchange::file_identifier(2, &mut random);
    let again = exchange::file_identifier(1, &mut random);
    assert!(first.starts_with("O000000000001"), "{first}");
    assert!(second.starts_with("O000000000002"), "{second}");
    assert_ne!(first, again, "the random part differs even for the same id");
    for id in [first, second, again] {
        assert!(
            id.len() <= 50 && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "{id}"
        );
    }
}

#[test]
fn what_looks_encrypted() {
    let check = |bytes: &[u8], encrypted: bool| {
        assert_eq!(exchange::looks_encrypted(bytes), encrypted, "{bytes:?}");
    };
    check(&fixture("face-encrypted.bin"), true);
    check(&fixture("face-sjis-declared-utf8.xml"), false);
    check(&fixture("siquc01res-face-sjis.xml"), false);
    check(&fixture("siquc01res-bom.xml"), false);
    check(b"", false);
    check(b"   \r\n", false);
    check(b"\x00\x01\x02\x03 secret", true);
    check("資格確認結果".as_bytes(), false);
    check(b"\x8e\x91\x8a\x69", false);
    check(b"\xff\xfe\x00\x00\x9c\x01", true);
}

#[test]
fn why_a_file_does_not_read() {
    let check = |bytes: &[u8], reason: Unreadable| {
        let error = wire::QualificationResult::decode(bytes).expect_err("does not read");
        assert_eq!(Unreadable::of(bytes, &error), reason, "{error}");
    };
    check(&fixture("face-encrypted.bin"), Unreadable::Encrypted);
    check(
        &fixture("face-sjis-declared-utf8.xml"),
        Unreadable::Encoding,
    );
    check(
        "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><XmlMsg><MessageHeader><CharacterCodeIdentifier>0</CharacterCodeIdentifier></MessageHeader></XmlMsg>".as_bytes(),
        Unreadable::Encoding,
    );
    check(&fixture("doctype.xml"), Unreadable::NotAMessage);
    check(b"<?xml version=\"1.0\"?><Other/>", Unreadable::NotAMessage);
    check(
        b"<?xml version=\"1.0\"?><XmlMsg><MessageBody>",
        Unreadable::Broken,
    );
    check(b"", Unreadable::Broken);
    let mut large = b"<XmlMsg>".to_vec();
    large.resize(wire::MESSAGE_LIMIT + 1, b' ');
    check(&large, Unreadable::TooLarge);
}

fn taro_search() -> SearchKeys {
    SearchKeys {
        card: CardKey {
            insurer: "06139000".to_owned(),
            symbol: "9000".to_owned(),
            number: "10001".to_owned(),
            branch: "01".to_owned(),
        },
        birthdate: "19540326".to_owned(),
    }
}

/// The qualification template filled for taro's request, with `identifier` in its header.
fn taro_answer(identifier: &str) -> Vec<u8> {
    let request = String::from_utf8(fixture("siquc01req-taro.xml"))
        .expect("utf-8")
        .replace(
            "</MedicalInstitutionCode>",
            &format!("</MedicalInstitutionCode><ArbitraryFileIdentifier>{identifier}</ArbitraryFileIdentifier>"),
        );
    answer(
        &template("siquc01res.xml"),
        request.as_bytes(),
        &[("Name", "新橋　太郎")],
    )
}

fn replace(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    String::from_utf8(bytes.to_vec())
        .expect("utf-8")
        .replacen(from, to, 1)
        .into_bytes()
}

#[test]
fn a_qualification_answer_must_echo_the_search_and_carry_no_other_identifier() {
    let expect = Expectation::Qualification {
        file_identifier: "O000000000007abc".to_owned(),
        search: taro_search(),
    };
    let good = taro_answer("O000000000007abc");
    let check = |bytes: Vec<u8>, verdict: Result<(), Mismatch>| {
        assert_eq!(exchange::verify(&expect, &bytes), verdict);
    };
    check(good.clone(), Ok(()));
    // The echo compared as card data is: full-width digits and the space-padded insurer number.
    check(
        replace(
            &good,
            "<InsuredIdentificationNumber>10001</InsuredIdentificationNumber>\n<InsuredBranchNumber>01</InsuredBranchNumber>\n<Birthdate>19540326</Birthdate>\n<Limit",
            "<InsuredIdentificationNumber>１０００１</InsuredIdentificationNumber>\n<InsuredBranchNumber>01</InsuredBranchNumber>\n<Birthdate>19540326</Birthdate>\n<Limit",
        ),
        Ok(()),
    );
    // No identifier in the answer is allowed (the peers' samples have none); another is not.
    check(
        replace(
            &good,
            "<ArbitraryFileIdentifier>O000000000007abc</ArbitraryFileIdentifier>",
            "",
        ),
        Ok(()),
    );
    check(
        taro_answer("O000000000008abc"),
        Err(Mismatch::Differs {
            element: "ArbitraryFileIdentifier",
        }),
    );
    check(
        replace(
            &good,
            "<Birthdate>19540326</Birthdate>\n<Limit",
            "<Birthdate>19540327</Birthdate>\n<Limit",
        ),
        Err(Mismatch::Differs {
            element: "Birthdate",
        }),
    );
    check(
        replace(
            &good,
            "<InsuredBranchNumber>01</InsuredBranchNumber>\n<Birthdate>19540326</Birthdate>\n<Limit",
            "<InsuredBranchNumber>02</InsuredBranchNumber>\n<Birthdate>19540326</Birthdate>\n<Limit",
        ),
        Err(Mismatch::Differs {
            element: "InsuredBranchNumber",
        }),
    );
    check(
        fixture("siquc01res-taro.xml"),
        Err(Mismatch::Missing {
            element: "QualificationConfirmSearchInfo",
        }),
    );
    assert!(matches!(
        exchange::verify(&expect, &fixture("face-encrypted.bin")),
        Err(Mismatch::Unreadable {
            reason: Unreadable::Encrypted,
            ..
        })
    ));
}

#[test]
fn a_registration_answer_must_name_its_identifier_and_number() {
    let expect = Expectation::ReferenceNumber {
        file_identifier: "ref-0001".to_owned(),
        reference_number: "K-000123".to_owned(),
    };
    let good = fixture("siimm01res.xml");
    let check = |bytes: Vec<u8>, verdict: Result<(), Mismatch>| {
        assert_eq!(exchange::verify(&expect, &bytes), verdict);
    };
    check(good.clone(), Ok(()));
    check(
        replace(&good, ">ref-0001<", ">ref-0002<"),
        Err(Mismatch::Differs {
            element: "ArbitraryFileIdentifier",
        }),
    );
    check(
        replace(
            &good,
            "<ArbitraryFileIdentifier>ref-0001</ArbitraryFileIdentifier>",
            "",
        ),
        Err(Mismatch::Missing {
            element: "ArbitraryFileIdentifier",
        }),
    );
    check(
        replace(&good, ">K-000123<", ">K-000124<"),
        Err(Mismatch::Differs {
            element: "ReferenceNumber",
        }),
    );
    check(
        replace(&good, "<ReferenceNumber>K-000123</ReferenceNumber>", ""),
        Err(Mismatch::Missing {
            element: "ReferenceNumber",
        }),
    );
}

#[test]
fn bulk_answers_must_name_their_upload_or_their_job() {
    let receipt = Expectation::BulkReceipt {
        file_identifier: "O000000000003ff".to_owned(),
    };
    let upload = b"<XmlMsg><MessageHeader><ArbitraryFileIdentifier>O000000000003ff</ArbitraryFileIdentifier></MessageHeader></XmlMsg>";
    let filled = answer(
        &template("mu01res.xml"),
        upload,
        &[("ReceptionNumber", "20261122000001")],
    );
    assert_eq!(exchange::verify(&receipt, &filled), Ok(()));
    assert_eq!(
        exchange::verify(&receipt, &fixture("muquc01res.xml")),
        Err(Mismatch::Missing {
            element: "ArbitraryFileIdentifier"
        })
    );
    let result = Expectation::BulkResult {
        reception_number: "20261122000001".to_owned(),
        registrations: false,
    };
    assert_eq!(
        exchange::verify(&result, &fixture("muquc02res.xml")),
        Ok(())
    );
    assert_eq!(
        exchange::verify(&result, &fixture("muquc02res-processing.xml")),
        Ok(())
    );
    assert_eq!(
        exchange::verify(&result, &fixture("muimm02res.xml")),
        Err(Mismatch::Differs {
            element: "ReceptionNumber"
        })
    );
}

#[test]
fn medical_answers_must_name_the_consented_patient() {
    let sakura = PatientKeys::new(
        "中原 さくら",
        NaiveDate::from_ymd_opt(1962, 4, 10).expect("date"),
    );
    let drugs = Expectation::MedicalInfo {
        medical: MedicalKind::Drugs,
        patient: sakura.clone(),
    };
    let checkups = Expectation::MedicalInfo {
        medical: MedicalKind::Checkups,
        patient: sakura,
    };
    // The name compared as names are (the full-width space is only a separator).
    assert_eq!(exchange::verify(&drugs, &fixture("yzk-res.xml")), Ok(()));
    assert_eq!(exchange::verify(&checkups, &fixture("tkk-res.xml")), Ok(()));
    assert_eq!(
        exchange::verify(
            &checkups,
            &replace(&fixture("tkk-res.xml"), "19620410", "19620411")
        ),
        Err(Mismatch::OtherPatient { element: "Birth" })
    );
    assert_eq!(
        exchange::verify(
            &drugs,
            &replace(&fixture("yzk-res.xml"), "中原　さくら", "中原　さくや")
        ),
        Err(Mismatch::OtherPatient { element: "Name" })
    );
    // Information with no one named is not passed on.
    let anonymous = replace(
        &fixture("yzk-res.xml"),
        "<QuaInf><Name>中原　さくら</Name><KanaName>ﾅｶﾊﾗ ｻｸﾗ</KanaName><Birth>19620410</Birth><AdmGendCode>2</AdmGendCode></QuaInf>",
        "",
    );
    assert_eq!(
        exchange::verify(&drugs, &anonymous),
        Err(Mismatch::Missing { element: "Name" })
    );
    assert!(exchange::accepts_pdf(&drugs));
    assert!(!exchange::accepts_pdf(&Expectation::BulkResult {
        reception_number: String::new(),
        registrations: false,
    }));
}
