//! Seed 003's 薬剤情報一覧 and 特定健康診査受診結果, for the patient of [`super::people`]'s
//! `nakahara-sakura`.
//!
//! The values are the seed's. Where its two printings of the same page disagree (OCR), the reading
//! that names a real thing is kept and said so: オキナゾールクリーム is オキシコナゾール硝酸塩 (the
//! seed prints 硫酸塩 once and 酸塩 once), and 「特記すべきことなし」 (printed once as
//! 「特和イベキことなし」).

use chrono::NaiveDate;

use crate::domain::medical::{CheckupRecord, CheckupValue, Dispensing, DrugItem};

/// The person whose drug list and checkups these are.
pub const PATIENT_ID: &str = "nakahara-sakura";

/// Seed 003: the institution of the drug list (as printed).
const INSTITUTION: &str = "医療法人 社内科クリニック";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("the seed's dates are real dates")
}

fn drug(name: &str, ingredient: &str, quantity: &str, unit: &str, supply: &str) -> DrugItem {
    DrugItem {
        name: name.to_owned(),
        ingredient: Some(ingredient.to_owned()),
        usage: None,
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
            "1",
            "錠",
            "30日分",
        ),
        drug(
            "テルミサルタン錠20mg「TCK」",
            "テルミサルタン",
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
            "8",
            "g",
            "1瓶分",
        ),
        drug(
            "リンデロン-VG軟膏0.12%",
            "ベタメタゾン吉草酸エステル・ゲンタマイシン硫酸塩",
            "4",
            "g",
            "1瓶分",
        ),
    ]
}

/// The 処方実績 rows of seed 003, in the seed's order.
pub fn dispensings() -> Vec<Dispensing> {
    let internal = |d: NaiveDate| Dispensing {
        date: d,
        place: "院内".to_owned(),
        use_kind: "内服".to_owned(),
        institution: Some(INSTITUTION.to_owned()),
        drugs: blood_pressure_drugs(),
    };
    // The seed prints no institution for the 外用 rows.
    let external = |d: NaiveDate| Dispensing {
        date: d,
        place: "院内".to_owned(),
        use_kind: "外用".to_owned(),
        institution: None,
        drugs: skin_drugs(),
    };
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

fn value(group: &str, name: &str, value: Option<&str>, unit: &str) -> CheckupValue {
    CheckupValue {
        group: group.to_owned(),
        name: name.to_owned(),
        value: value.map(str::to_owned),
        unit: (!unit.is_empty()).then(|| unit.to_owned()),
    }
}

/// Seed 003's 特定健診情報 (実施日 2020/06/15).
pub fn checkups() -> Vec<CheckupRecord> {
    vec![CheckupRecord {
        date: date(2020, 6, 15),
        history: Some("高血圧症、腎炎、胆膵(腎・膵膵)結石".to_owned()),
        subjective: Some("特記すべきことなし".to_owned()),
        objective: Some("特記すべきことなし".to_owned()),
        values: vec![
            value("基本項目", "身長", Some("157.1"), "cm"),
            value("基本項目", "体重", Some("59.4"), "kg"),
            value("基本項目", "腹囲", Some("87.0"), "cm"),
            value("基本項目", "内臓脂肪面積", None, "cm2"),
            value("基本項目", "BMI", Some("24.1"), ""),
            value("血圧", "収縮期血圧", Some("117"), "mmHg"),
            value("血圧", "拡張期血圧", Some("70"), "mmHg"),
            value("脂質", "中性脂肪", Some("190"), "mg/dl"),
            value("脂質", "HDL-コレステロール", Some("52"), "mg/dl"),
            value("脂質", "LDL-コレステロール", Some("154"), "mg/dl"),
            value("脂質", "Non-HDLコレステロール", None, "mg/dl"),
            value("肝機能", "GOT (AST)", Some("18"), "U/l"),
            value("肝機能", "GPT (ALT)", Some("22"), "U/l"),
            value("肝機能", "γ-GT (γ-GTP)", Some("41"), "U/l"),
            value("血糖", "空腹時血糖", Some("114"), "mg/dl"),
            value("血糖", "HbA1c", Some("6.1"), "%"),
            value("血糖", "随時血糖", None, "mg/dl"),
            value("尿検査", "尿糖", Some("(-)"), ""),
            value("尿検査", "尿蛋白", Some("(-)"), ""),
            value("詳細項目", "赤血球数", None, ""),
            value("詳細項目", "白血球数", None, ""),
            value("詳細項目", "ヘマトクリット値", None, "%"),
            value("詳細項目", "血清クレアチニン値", None, "mg/dl"),
            value("詳細項目", "eGFR", None, ""),
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
