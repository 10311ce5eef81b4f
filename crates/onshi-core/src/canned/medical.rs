//! Seed 003's 薬剤情報一覧 and 特定健康診査受診結果, for the patient of [`super::people`]'s
//! `nakahara-sakura`.
//!
//! The values are the seed's. decisions.md D10 keeps them verbatim with two named corrections; three
//! more OCR errors of this page are corrected here, because their printed forms name nothing real:
//! - the cream's ingredient is オキシコナゾール硝酸塩, the real ingredient of オキナゾールクリーム (the
//!   seed's two printings of the page read 硫酸塩 and 酸塩);
//! - 「特記すべきことなし」 (printed once as 「特和イベキことなし」);
//! - 腹囲, the 特定健診 item (printed 「腰圍」).

use chrono::{Datelike, NaiveDate};

use crate::domain::medical::{CheckupRecord, CheckupValue, Dispensing, DrugItem};

/// The person whose drug list and checkups these are.
pub const PATIENT_ID: &str = "nakahara-sakura";

/// Seed 003: the institution of the drug list (as printed).
const INSTITUTION: &str = "医療法人 社内科クリニック";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("the seed's dates are real dates")
}

fn drug(
    name: &str,
    ingredient: &str,
    use_kind: &str,
    quantity: &str,
    unit: &str,
    supply: &str,
) -> DrugItem {
    DrugItem {
        name: name.to_owned(),
        code: None,
        ingredient: Some(ingredient.to_owned()),
        usage: None,
        use_kind: Some(use_kind.to_owned()),
        quantity: quantity.to_owned(),
        unit: unit.to_owned(),
        supply: Some(supply.to_owned()),
    }
}

fn blood_pressure_drugs() -> Vec<DrugItem> {
    vec![
        drug(
            "アムロジピン錠2.5mg「オーハラ」",
            "アムロジピンベシル酸塩",
            "内服",
            "1",
            "錠",
            "30日分",
        ),
        drug(
            "テルミサルタン錠20mg「TCK」",
            "テルミサルタン",
            "内服",
            "1",
            "錠",
            "30日分",
        ),
    ]
}

fn skin_drugs() -> Vec<DrugItem> {
    vec![
        drug(
            "オキナゾールクリーム1%",
            "オキシコナゾール硝酸塩",
            "外用",
            "8",
            "g",
            "1瓶分",
        ),
        drug(
            "リンデロン-VG軟膏0.12%",
            "ベタメタゾン吉草酸エステル・ゲンタマイシン硫酸塩",
            "外用",
            "4",
            "g",
            "1瓶分",
        ),
    ]
}

/// The 処方実績 rows of seed 003, in the seed's order.
pub fn dispensings() -> Vec<Dispensing> {
    let day = |d: NaiveDate, institution: Option<&str>, drugs: Vec<DrugItem>| Dispensing {
        date: Some(d),
        month: Some((d.year(), d.month())),
        prescribed: Some(d),
        place: "院内".to_owned(),
        institution: institution.map(str::to_owned),
        institution_code: None,
        prescriber: None,
        drugs,
        treatments: Vec::new(),
    };
    let internal = |d: NaiveDate| day(d, Some(INSTITUTION), blood_pressure_drugs());
    // The seed prints no institution for the 外用 rows.
    let external = |d: NaiveDate| day(d, None, skin_drugs());
    vec![
        internal(date(2022, 9, 10)),
        internal(date(2022, 6, 20)),
        internal(date(2022, 7, 2)),
        internal(date(2022, 6, 4)),
        external(date(2022, 5, 23)),
        external(date(2022, 5, 14)),
        internal(date(2022, 4, 30)),
    ]
}

/// One item; the group it is shown under comes from the report's layout
/// ([`crate::domain::medical::group_of`]).
fn value(name: &str, value: Option<&str>, unit: &str) -> CheckupValue {
    CheckupValue {
        code: None,
        name: name.to_owned(),
        value: value.map(str::to_owned),
        value_label: None,
        unit: (!unit.is_empty()).then(|| unit.to_owned()),
    }
}

/// Seed 003's 特定健診情報 (実施日 2020/06/15).
pub fn checkups() -> Vec<CheckupRecord> {
    vec![CheckupRecord {
        date: Some(date(2020, 6, 15)),
        history: Some("高血圧症、腎炎、胆膵(腎・膵膵)結石".to_owned()),
        subjective: Some("特記すべきことなし".to_owned()),
        objective: Some("特記すべきことなし".to_owned()),
        values: vec![
            value("身長", Some("157.1"), "cm"),
            value("体重", Some("59.4"), "kg"),
            value("腹囲", Some("87.0"), "cm"),
            value("内臓脂肪面積", None, "cm2"),
            value("BMI", Some("24.1"), ""),
            value("収縮期血圧", Some("117"), "mmHg"),
            value("拡張期血圧", Some("70"), "mmHg"),
            value("中性脂肪", Some("190"), "mg/dl"),
            value("HDL-コレステロール", Some("52"), "mg/dl"),
            value("LDL-コレステロール", Some("154"), "mg/dl"),
            value("Non-HDLコレステロール", None, "mg/dl"),
            value("GOT (AST)", Some("18"), "U/l"),
            value("GPT (ALT)", Some("22"), "U/l"),
            value("γ-GT (γ-GTP)", Some("41"), "U/l"),
            value("空腹時血糖", Some("114"), "mg/dl"),
            value("HbA1c", Some("6.1"), "%"),
            value("随時血糖", None, "mg/dl"),
            value("尿糖", Some("(-)"), ""),
            value("尿蛋白", Some("(-)"), ""),
            value("赤血球数", None, ""),
            value("白血球数", None, ""),
            value("ヘマトクリット値", None, "%"),
            value("血清クレアチニン値", None, "mg/dl"),
            value("eGFR", None, ""),
        ],
    }]
}

/// The drug list and checkups of a canned person: seed 003's for its patient, nothing for the others.
pub fn for_person(person_id: &str) -> (Vec<Dispensing>, Vec<CheckupRecord>) {
    if person_id == PATIENT_ID {
        (dispensings(), checkups())
    } else {
        (Vec::new(), Vec::new())
    }
}
