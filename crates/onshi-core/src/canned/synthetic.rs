//! Synthetic people, history and bulk results of any size, for benchmarks.
//!
//! Everything is made up but well formed: insurer numbers and 記号・番号 that pass their checks,
//! birthdates inside an era, names with their kana. Values come from the random source handed in, so
//! a seeded source gives the same people every time.

use chrono::{NaiveDate, TimeDelta};

use crate::{
    canned::{self, people::Person},
    codes::{
        CodeTable, InsuredCardClassification, PersonalFamily, QualificationValidity, ReasonOfLoss,
        ReferenceClassification, Sex,
    },
    domain::{Card, InsurerNumber, Qualification, Search, identifiers::check_digit},
    random::{Random, index},
    simulator::{AnswerContext, NationalSide},
    store::{ConsentChoices, HistoryRecord},
    time::Timestamp,
    wire::{self, EncodeError, Encoding},
};

const FAMILY: [(&str, &str); 12] = [
    ("佐藤", "ｻﾄｳ"),
    ("鈴木", "ｽｽﾞｷ"),
    ("高橋", "ﾀｶﾊｼ"),
    ("田中", "ﾀﾅｶ"),
    ("伊藤", "ｲﾄｳ"),
    ("渡辺", "ﾜﾀﾅﾍﾞ"),
    ("山本", "ﾔﾏﾓﾄ"),
    ("中村", "ﾅｶﾑﾗ"),
    ("小林", "ｺﾊﾞﾔｼ"),
    ("加藤", "ｶﾄｳ"),
    ("吉田", "ﾖｼﾀﾞ"),
    ("山田", "ﾔﾏﾀﾞ"),
];

const GIVEN: [(&str, &str, Sex); 12] = [
    ("太郎", "ﾀﾛｳ", Sex::Male),
    ("次郎", "ｼﾞﾛｳ", Sex::Male),
    ("健", "ｹﾝ", Sex::Male),
    ("翔太", "ｼｮｳﾀ", Sex::Male),
    ("誠", "ﾏｺﾄ", Sex::Male),
    ("大輔", "ﾀﾞｲｽｹ", Sex::Male),
    ("花子", "ﾊﾅｺ", Sex::Female),
    ("美咲", "ﾐｻｷ", Sex::Female),
    ("陽子", "ﾖｳｺ", Sex::Female),
    ("恵", "ﾒｸﾞﾐ", Sex::Female),
    ("さくら", "ｻｸﾗ", Sex::Female),
    ("由美", "ﾕﾐ", Sex::Female),
];

/// `count` people: about nine in ten 有効, one in twenty 無効 (a qualification that ended, with its
/// 有効終了日 and 資格喪失事由) and one in twenty 該当資格なし.
pub fn people(count: usize, random: &mut dyn Random) -> Vec<Person> {
    (0..count).map(|i| person(i, random)).collect()
}

fn number(random: &mut dyn Random, digits: usize) -> String {
    (0..digits)
        .map(|_| char::from(b'0' + index(random, 10) as u8))
        .collect()
}

fn person(i: usize, random: &mut dyn Random) -> Person {
    let (family, family_kana) = FAMILY[index(random, FAMILY.len())];
    let (given, given_kana, sex) = GIVEN[index(random, GIVEN.len())].clone();
    // 法別 06 (組合), 都道府県 13, a serial insurer number, and its check digit.
    let body = format!("0613{:03}", i % 1000);
    let insurer = format!("{body}{}", check_digit(&body).unwrap_or(0));
    let card = Card {
        insurer_number: Some(InsurerNumber::from_wire(&insurer)),
        symbol: Some(number(random, 4)),
        number: Some(format!("{}{i}", number(random, 3))),
        branch: Some(format!("{:02}", index(random, 5))),
    };
    let birthdate = NaiveDate::from_ymd_opt(1930, 1, 1)
        .map(|d| d + TimeDelta::days(index(random, 250) as i64 * 130 + index(random, 130) as i64))
        .expect("1930-01-01 is a date");
    let outcome = match index(random, 20) {
        0 => QualificationValidity::Invalid,
        1 => QualificationValidity::NoQualification,
        _ => QualificationValidity::Valid,
    };
    let name = format!("{family}　{given}");
    let kana = format!("{family_kana} {given_kana}");
    // An invalid person's qualification ended on a day of 2025 for another insurance (転職).
    let ended = (outcome == QualificationValidity::Invalid).then(|| {
        NaiveDate::from_ymd_opt(2025, 1, 1)
            .map(|d| d + TimeDelta::days(index(random, 365) as i64))
            .expect("2025-01-01 is a date")
    });
    let qualifications = if outcome == QualificationValidity::NoQualification {
        Vec::new()
    } else {
        vec![Qualification {
            card_classification: Some(InsuredCardClassification::General),
            card: card.clone(),
            personal_family: Some(PersonalFamily::Insured),
            insured_name: Some(name.clone()),
            name: Some(name.clone()),
            name_kana: Some(kana.clone()),
            sex1: Some(sex.clone()),
            birthdate: Some(birthdate),
            insurer_name: Some(format!("サンプル健康保険組合{:03}", i % 1000)),
            valid_from: NaiveDate::from_ymd_opt(2020, 4, 1),
            valid_until: ended,
            disqualification_date: ended.and_then(|d| d.succ_opt()),
            reason_of_loss: ended.map(|_| ReasonOfLoss::OtherInsurance),
            ..Qualification::default()
        }]
    };
    Person {
        id: format!("synthetic-{i}"),
        name,
        kana,
        sex,
        address: Some(format!(
            "東京都千代田区{}-{}-{}",
            1 + i % 9,
            1 + i % 20,
            1 + i % 30
        )),
        outcome,
        card,
        birthdate,
        pin: number(random, 4),
        qualifications,
        note: "合成データ".to_owned(),
    }
}

/// `count` history records spread evenly from `from` to `to`, ids 1..=count, each the simulator's
/// answer for a random one of `side`'s people, checked by card or at a reader.
pub fn history(
    side: &NationalSide,
    count: usize,
    from: Timestamp,
    to: Timestamp,
    random: &mut dyn Random,
) -> Result<Vec<HistoryRecord>, EncodeError> {
    const LOGINS: [&str; 3] = ["002", "003", "admin01"];
    let people = side.people();
    let span = to.since(from).num_milliseconds().max(1);
    let step = span / i64::try_from(count.max(1)).unwrap_or(i64::MAX);
    let mut records = Vec::with_capacity(count);
    for i in 0..count {
        let Some(person) = people.get(index(random, people.len())) else {
            break;
        };
        let at = Timestamp::from_millis(from.millis() + step * i as i64);
        let context = AnswerContext {
            now: at.jst().naive_local(),
            institution_code: canned::INSTITUTION_CODE.to_owned(),
            reference_number: None,
        };
        // A reader visit without consents answers what a card inquiry answers, apart from how the
        // patient was identified.
        let mut result = side.answer_visit(
            person,
            ConsentChoices::default(),
            at.jst_date(),
            format!("SYN{i:08}"),
            &context,
        );
        let at_reader = index(random, 2) == 0;
        if !at_reader {
            result.info.classification = Some(ReferenceClassification::InsuranceCard);
            result.info.arbitrary_file_identifier = None;
        }
        let id = i as u64 + 1;
        let login_id = LOGINS[index(random, LOGINS.len())];
        let reader_id = at_reader.then_some("reader-1");
        let message = result.to_wire().encode(Encoding::Utf8)?;
        records.push(HistoryRecord::of_result(
            id, at, login_id, reader_id, &result, message,
        ));
    }
    Ok(records)
}

/// A 資格確認一括照会結果 (`…02res`) with one unit for each of `side`'s people, searched by card and
/// birthdate and answered by the simulator, as the decode benchmarks (host and page) read it.
pub fn bulk_result(side: &NationalSide, context: &AnswerContext) -> wire::BulkResult {
    let units: Vec<wire::BulkConfirmUnit> = side
        .people()
        .iter()
        .map(|p| {
            let search = Search {
                card: p.card.clone(),
                birthdate: Some(p.birthdate),
                ..Search::default()
            };
            let (validity, records) = side.answer_search(&search, context);
            wire::BulkConfirmUnit {
                search: Some(search.to_wire()),
                processing_result_status: Some("1".to_owned()),
                qualification_validity: Some(validity.code().to_owned()),
                results: records.iter().map(Qualification::to_wire).collect(),
                ..wire::BulkConfirmUnit::default()
            }
        })
        .collect();
    wire::BulkResult {
        header: wire::ResultHeader {
            reception_number: Some("20261122000001".to_owned()),
            number_of_processing_result: Some(units.len().to_string()),
            character_code_identifier: Some(String::new()),
            ..wire::ResultHeader::default()
        },
        body: wire::BulkResultBody { units },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{random::SeededRandom, validate::insurance};

    #[test]
    fn synthetic_people_are_well_formed_and_repeatable() {
        let a = people(300, &mut SeededRandom::new(1));
        let b = people(300, &mut SeededRandom::new(1));
        assert_eq!(a, b);
        for p in &a {
            let digits = p
                .card
                .insurer_number
                .as_ref()
                .map(|n| n.digits().to_owned())
                .unwrap_or_default();
            assert!(
                insurance::insurer_number("insurer_number", &digits).is_ok(),
                "{digits}"
            );
            assert!(crate::era::Era::of(p.birthdate).is_some());
        }
        let valid = a
            .iter()
            .filter(|p| p.outcome == QualificationValidity::Valid)
            .count();
        assert!(valid > 240 && valid < 300, "{valid}");
        // A 無効 record says when and why it ended (found in review).
        for p in a
            .iter()
            .filter(|p| p.outcome == QualificationValidity::Invalid)
        {
            let q = &p.qualifications[0];
            assert!(
                q.valid_until.is_some() && q.reason_of_loss.is_some(),
                "{}",
                p.id
            );
        }
    }

    #[test]
    fn a_synthetic_bulk_result_answers_each_person_once_and_decodes() {
        let side = NationalSide::with_people(people(40, &mut SeededRandom::new(4)));
        let context = AnswerContext {
            now: NaiveDate::from_ymd_opt(2026, 11, 22)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .expect("a time"),
            institution_code: canned::INSTITUTION_CODE.to_owned(),
            reference_number: None,
        };
        let result = bulk_result(&side, &context);
        assert_eq!(result.body.units.len(), 40);
        assert_eq!(
            result.header.number_of_processing_result.as_deref(),
            Some("40")
        );
        // Everyone but the 該当資格なし people has their one qualification in the answer.
        let answered = result
            .body
            .units
            .iter()
            .filter(|u| u.results.len() == 1)
            .count();
        let qualified = side
            .people()
            .iter()
            .filter(|p| p.outcome != QualificationValidity::NoQualification)
            .count();
        assert_eq!(answered, qualified);
        let bytes = result.encode(Encoding::Utf8).expect("encodable");
        let decoded =
            wire::BulkResult::decode_with_limit(&bytes, wire::BULK_LIMIT).expect("decodes");
        // The writer fills in CharacterCodeIdentifier; everything else reads back as built.
        assert_eq!(decoded.body, result.body);
        assert_eq!(
            decoded.header.number_of_processing_result.as_deref(),
            Some("40")
        );
    }

    #[test]
    fn synthetic_history_is_ordered_and_spread() {
        let people = people(50, &mut SeededRandom::new(2));
        let from = Timestamp::from_millis(0);
        let to = Timestamp::from_millis(1_000_000);
        let side = NationalSide::with_people(people);
        let records =
            history(&side, 1000, from, to, &mut SeededRandom::new(3)).expect("encodable answers");
        assert_eq!(records.len(), 1000);
        assert!(
            records
                .windows(2)
                .all(|w| w[0].id < w[1].id && w[0].at <= w[1].at)
        );
        assert!(records.iter().all(|r| r.at >= from && r.at <= to));
    }
}
