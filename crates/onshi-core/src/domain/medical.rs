//! 薬剤情報 and 特定健診情報 as the 医療情報閲覧 screens use them (seed 003, decisions.md S12), converted
//! explicitly from and to the `YZK` / `TKK` XML results.
//!
//! Reference marks follow seed 003's checkup table: ▲ marks a value at or above (or ▽ at or below, or
//! below) the judging value; a value outside its reference is flagged.

use chrono::{Datelike, NaiveDate};

use crate::{
    codes::{Sex, TreatmentKind},
    domain::{
        Card, InsurerNumber,
        convert::{DecodeProblem, Findings, code, parse_month, text, wire_code, wire_date},
    },
    wire,
};

/// Whom a drug list or checkup report is about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MedicalPatient {
    pub name: Option<String>,
    pub kana: Option<String>,
    pub birthdate: Option<NaiveDate>,
    pub sex: Option<Sex>,
}

/// A drug or checkup request (`YZKsiquc01req` / `TKKsiquc01req`), typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MedicalRequest {
    pub institution_code: Option<String>,
    pub card: Card,
    pub arbitrary_file_identifier: Option<String>,
    /// The months asked for, from and to (drugs only).
    pub months: Option<((i32, u32), (i32, u32))>,
    /// FileCategory: for drugs 1 PDF, 2 XML, 3 with 診療情報 PDF, 4 with 診療情報 XML; for checkups 1
    /// PDF, 2 XML.
    pub file_category: Option<String>,
    /// 診療区分 (OQSCD028).
    pub treatment: Option<TreatmentKind>,
}

impl MedicalRequest {
    pub fn from_wire(
        message: &wire::MedicalInfoRequest,
        findings: &mut Findings,
    ) -> MedicalRequest {
        let h = &message.header;
        let b = &message.body;
        let month = |findings: &mut Findings, element, value: &Option<String>| {
            let raw = text(value)?;
            let read = parse_month(&raw);
            if read.is_none() {
                findings.push(element, DecodeProblem::Unreadable { value: raw });
            }
            read
        };
        let from = month(findings, "StartDate", &b.start_date);
        let to = month(findings, "EndDate", &b.end_date);
        findings.require("InsurerNumber", &h.insurer_number);
        findings.require(
            "InsuredPersonIdentificationNumber",
            &h.insured_identification_number,
        );
        MedicalRequest {
            institution_code: findings
                .required_text("MedicalInstitutionCode", &h.medical_institution_code),
            card: Card::read(
                findings,
                &h.insurer_number,
                &h.insured_card_symbol,
                &h.insured_identification_number,
                &h.insured_branch_number,
            ),
            arbitrary_file_identifier: text(&h.arbitrary_file_identifier),
            months: from.zip(to),
            file_category: text(&b.file_category),
            treatment: code(&b.medical_treatment_flag),
        }
    }

    /// The wire request, with the insurer number in its 8-character form. `PrDiInfClassification` is
    /// 1, the only value the one public peer sends (its meaning is not public).
    pub fn to_wire(&self) -> wire::MedicalInfoRequest {
        let month = |m: (i32, u32)| format!("{:04}{:02}", m.0, m.1);
        wire::MedicalInfoRequest {
            header: wire::MedicalInfoRequestHeader {
                medical_institution_code: self.institution_code.clone(),
                insurer_number: self
                    .card
                    .insurer_number
                    .as_ref()
                    .map(InsurerNumber::to_wire),
                insured_card_symbol: self.card.symbol.clone(),
                insured_identification_number: self.card.number.clone(),
                insured_branch_number: self.card.branch.clone(),
                arbitrary_file_identifier: self.arbitrary_file_identifier.clone(),
            },
            body: wire::MedicalInfoRequestBody {
                start_date: self.months.map(|(from, _)| month(from)),
                end_date: self.months.map(|(_, to)| month(to)),
                file_category: self.file_category.clone(),
                prdi_inf_classification: Some("1".to_owned()),
                medical_treatment_flag: wire_code(&self.treatment),
            },
        }
    }
}

/// One day's dispensing at one institution (a row group of 処方実績).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dispensing {
    /// 調剤日; `None` when the day carries none (the peer OQSDrug shows such rows by month, 日付不明).
    pub date: Option<NaiveDate>,
    /// 診療年月 of the month the day is filed under.
    pub month: Option<(i32, u32)>,
    /// 処方日.
    pub prescribed: Option<NaiveDate>,
    /// 院内 or 院外 (`InOut`).
    pub place: String,
    pub institution: Option<String>,
    /// 医療機関コード of the institution (`MeTrDiHCd`).
    pub institution_code: Option<String>,
    /// 処方元 (`PrlsHNm`), where another institution prescribed.
    pub prescriber: Option<String>,
    pub drugs: Vec<DrugItem>,
    /// 診療行為 (`MeTrInf`), sent with the 診療情報 file categories.
    pub treatments: Vec<TreatmentItem>,
}

impl Dispensing {
    /// 使用区分 as the list prints it: each kind of the day's drugs once, in order (内服, 外用, …).
    pub fn use_kind(&self) -> String {
        let mut kinds: Vec<&str> = Vec::new();
        for kind in self.drugs.iter().filter_map(|d| d.use_kind.as_deref()) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        kinds.join("・")
    }

    /// The day as the list prints it: the date, or the month with 「日付不明」.
    pub fn day_label(&self) -> String {
        match (self.date, self.month) {
            (Some(date), _) => date.format("%Y/%m/%d").to_string(),
            (None, Some((year, month))) => format!("{year}/{month:02}（日付不明）"),
            (None, None) => "日付不明".to_owned(),
        }
    }
}

/// One drug of a dispensing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrugItem {
    /// 医薬品名.
    pub name: String,
    /// 医薬品コード (`DrugC`).
    pub code: Option<String>,
    /// 成分名.
    pub ingredient: Option<String>,
    /// 【用法】.
    pub usage: Option<String>,
    /// 使用区分 of this drug, e.g. 内服 or 外用.
    pub use_kind: Option<String>,
    /// The amount, e.g. `1` (with `unit` 錠).
    pub quantity: String,
    pub unit: String,
    /// The days or doses, e.g. `30日分`.
    pub supply: Option<String>,
}

impl DrugItem {
    /// 薬剤数量 as seed 003 prints it, e.g. 「1錠 30日分」.
    pub fn amount(&self) -> String {
        match &self.supply {
            Some(supply) => format!("{}{} {supply}", self.quantity, self.unit),
            None => format!("{}{}", self.quantity, self.unit),
        }
    }
}

/// One 診療行為 of a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreatmentItem {
    pub name: String,
    pub code: Option<String>,
    pub use_kind: Option<String>,
    pub quantity: Option<String>,
    pub times: Option<String>,
    pub unit: Option<String>,
}

/// A drug list: the patient and their dispensings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DrugHistory {
    pub patient: MedicalPatient,
    pub dispensings: Vec<Dispensing>,
}

impl DrugHistory {
    /// Reads the typed part of a drug result (the first source's months). A day without a date is
    /// kept under its month with a finding; the dispensing and prescription blocks, whose layout is
    /// not public, are kept in the message and reported as not shown.
    pub fn from_wire(message: &wire::DrugResult, findings: &mut Findings) -> DrugHistory {
        let patient = message
            .header
            .patient
            .as_ref()
            .map_or_else(MedicalPatient::default, |p| MedicalPatient {
                name: text(&p.name),
                kana: text(&p.kana_name),
                birthdate: findings.date("Birth", &p.birth),
                sex: code(&p.gender),
            });
        let mut dispensings = Vec::new();
        for month in &message.body.months {
            let filed = text(&month.month).and_then(|raw| {
                let read = parse_month(&raw);
                if read.is_none() {
                    findings.push("MeTrMonth", DecodeProblem::Unreadable { value: raw });
                }
                read
            });
            for day in &month.days {
                let date = findings.required_date("DiDate", &day.date);
                dispensings.push(Dispensing {
                    date,
                    month: filed.or(date.map(|d| (d.year(), d.month()))),
                    prescribed: findings.date("PrDate", &day.prescribed),
                    place: text(&month.in_out).unwrap_or_default(),
                    institution: text(&month.institution_name),
                    institution_code: text(&month.institution_code),
                    prescriber: text(&month.prescriber_name),
                    drugs: day
                        .drugs
                        .iter()
                        .map(|d| DrugItem {
                            name: text(&d.name).unwrap_or_default(),
                            code: text(&d.code),
                            ingredient: text(&d.ingredient),
                            usage: text(&d.usage),
                            use_kind: text(&d.use_kind),
                            quantity: text(&d.quantity).unwrap_or_default(),
                            unit: text(&d.unit).unwrap_or_default(),
                            supply: text(&d.times),
                        })
                        .collect(),
                    treatments: day
                        .treatments
                        .iter()
                        .map(|t| TreatmentItem {
                            name: text(&t.name).unwrap_or_default(),
                            code: text(&t.code),
                            use_kind: text(&t.use_kind),
                            quantity: text(&t.quantity),
                            times: text(&t.times),
                            unit: text(&t.unit),
                        })
                        .collect(),
                });
            }
        }
        if message.body.dispensing.is_some() {
            findings.push("CzDiInf", DecodeProblem::NotShown);
        }
        if message.body.prescriptions.is_some() {
            findings.push("ShPrInf", DecodeProblem::NotShown);
        }
        DrugHistory {
            patient,
            dispensings,
        }
    }

    /// The body of a drug result: one `MeTrMonthInf` per institution, place and month.
    pub fn to_wire_body(&self) -> wire::DrugResultBody {
        let mut months: Vec<wire::DrugMonth> = Vec::new();
        for d in &self.dispensings {
            let month = d
                .month
                .or(d.date.map(|date| (date.year(), date.month())))
                .map(|(year, month)| format!("{year:04}{month:02}"));
            let day = wire::DrugDay {
                date: wire_date(&d.date),
                prescribed: wire_date(&d.prescribed),
                drugs: d
                    .drugs
                    .iter()
                    .map(|item| wire::Drug {
                        code: item.code.clone(),
                        name: Some(item.name.clone()),
                        ingredient: item.ingredient.clone(),
                        usage: item.usage.clone(),
                        quantity: Some(item.quantity.clone()),
                        unit: Some(item.unit.clone()),
                        times: item.supply.clone(),
                        use_kind: item.use_kind.clone(),
                        ..wire::Drug::default()
                    })
                    .collect(),
                treatments: d
                    .treatments
                    .iter()
                    .map(|t| wire::Treatment {
                        name: Some(t.name.clone()),
                        code: t.code.clone(),
                        use_kind: t.use_kind.clone(),
                        quantity: t.quantity.clone(),
                        times: t.times.clone(),
                        unit: t.unit.clone(),
                    })
                    .collect(),
            };
            let place = Some(d.place.clone());
            match months.iter_mut().find(|m| {
                m.month == month
                    && m.institution_name == d.institution
                    && m.institution_code == d.institution_code
                    && m.prescriber_name == d.prescriber
                    && m.in_out == place
            }) {
                Some(existing) => existing.days.push(day),
                None => months.push(wire::DrugMonth {
                    institution_name: d.institution.clone(),
                    institution_code: d.institution_code.clone(),
                    prescriber_name: d.prescriber.clone(),
                    month,
                    in_out: place,
                    days: vec![day],
                    ..wire::DrugMonth::default()
                }),
            }
        }
        wire::DrugResultBody {
            months,
            ..wire::DrugResultBody::default()
        }
    }
}

/// How a checkup value is judged (seed 003's 判定値 column).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reference {
    /// ▲ at or above, e.g. 「▲ 140以上」.
    AtLeast(f64),
    /// ▽ at or below, e.g. 「▽ 34以下」.
    AtMost(f64),
    /// ▽ below, e.g. 「▽ 45.0未満」.
    Below(f64),
    /// ▽ at or below, by sex, e.g. 「▽ 男12.0以下 女11.0以下」.
    AtMostBySex { male: f64, female: f64 },
}

impl Reference {
    /// The 判定値 as seed 003 prints it.
    pub fn label(self) -> String {
        match self {
            Reference::AtLeast(v) => format!("▲ {}以上", number(v)),
            Reference::AtMost(v) => format!("▽ {}以下", number(v)),
            Reference::Below(v) => format!("▽ {v:.1}未満"),
            Reference::AtMostBySex { male, female } => {
                format!("▽ 男{male:.1}以下 女{female:.1}以下")
            }
        }
    }

    /// Whether `value` is outside the reference (so the screen flags it with the mark).
    pub fn flags(self, value: f64, sex: Option<&Sex>) -> bool {
        match self {
            Reference::AtLeast(v) => value >= v,
            Reference::AtMost(v) => value <= v,
            Reference::Below(v) => value < v,
            Reference::AtMostBySex { male, female } => match sex {
                Some(Sex::Male) => value <= male,
                Some(Sex::Female) => value <= female,
                _ => false,
            },
        }
    }

    /// ▲ or ▽.
    pub fn mark(self) -> char {
        match self {
            Reference::AtLeast(_) => '▲',
            _ => '▽',
        }
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// The judging values of seed 003's checkup table, by item name.
pub fn reference_for(item: &str) -> Option<Reference> {
    Some(match item {
        "収縮期血圧" | "LDL-コレステロール" => Reference::AtLeast(140.0),
        "拡張期血圧" => Reference::AtLeast(90.0),
        "中性脂肪" => Reference::AtLeast(300.0),
        "HDL-コレステロール" => Reference::AtMost(34.0),
        "Non-HDLコレステロール" => Reference::AtLeast(170.0),
        "GOT (AST)" | "GPT (ALT)" => Reference::AtLeast(51.0),
        "γ-GT (γ-GTP)" => Reference::AtLeast(101.0),
        "空腹時血糖" | "随時血糖" => Reference::AtLeast(126.0),
        "HbA1c" => Reference::AtLeast(6.5),
        "白血球数" => Reference::AtMostBySex {
            male: 12.0,
            female: 11.0,
        },
        "eGFR" => Reference::Below(45.0),
        _ => return None,
    })
}

/// The groups of seed 003's checkup report and the items under each, in the report's order. A
/// result names no group (the interface has no element for it), so the report's layout is ours to
/// apply; an item it does not list is shown under その他.
const GROUPS: [(&str, &[&str]); 7] = [
    ("基本項目", &["身長", "体重", "腹囲", "内臓脂肪面積", "BMI"]),
    ("血圧", &["収縮期血圧", "拡張期血圧"]),
    (
        "脂質",
        &[
            "中性脂肪",
            "HDL-コレステロール",
            "LDL-コレステロール",
            "Non-HDLコレステロール",
        ],
    ),
    ("肝機能", &["GOT (AST)", "GPT (ALT)", "γ-GT (γ-GTP)"]),
    ("血糖", &["空腹時血糖", "HbA1c", "随時血糖"]),
    ("尿検査", &["尿糖", "尿蛋白"]),
    (
        "詳細項目",
        &[
            "赤血球数",
            "白血球数",
            "ヘマトクリット値",
            "血清クレアチニン値",
            "eGFR",
        ],
    ),
];

/// The group an item is shown under.
pub fn group_of(item: &str) -> &'static str {
    GROUPS
        .iter()
        .find(|(_, items)| items.contains(&item))
        .map_or("その他", |(group, _)| group)
}

/// One item of a checkup; `value` is `None` where the report prints —.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckupValue {
    /// 項目コード (`ItemCode`).
    pub code: Option<String>,
    pub name: String,
    /// The value as sent (`DataValue`): a measurement, or a code for answers.
    pub value: Option<String>,
    /// The value's label where it is a code (`DataValueName`, e.g. はい for 1).
    pub value_label: Option<String>,
    pub unit: Option<String>,
}

impl CheckupValue {
    /// The group the report shows it under.
    pub fn group(&self) -> &'static str {
        group_of(&self.name)
    }

    /// What the report shows: the label of a coded value, else the value.
    pub fn shown(&self) -> Option<&str> {
        self.value_label.as_deref().or(self.value.as_deref())
    }

    /// Whether the value is outside its reference for a patient of `sex`.
    pub fn flagged(&self, sex: Option<&Sex>) -> bool {
        match (
            reference_for(&self.name),
            self.value.as_deref().and_then(|v| v.parse::<f64>().ok()),
        ) {
            (Some(reference), Some(value)) => reference.flags(value, sex),
            _ => false,
        }
    }
}

/// One checkup: its date, the doctor's notes, and its items in the report's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckupRecord {
    /// 実施日; `None` when the result gives none (kept, with a finding).
    pub date: Option<NaiveDate>,
    /// 既往歴 (医師記載).
    pub history: Option<String>,
    /// 自覚症状 (医師記載).
    pub subjective: Option<String>,
    /// 他覚症状 (医師記載).
    pub objective: Option<String>,
    pub values: Vec<CheckupValue>,
}

/// A checkup report: the patient and their checkups.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckupReport {
    pub patient: MedicalPatient,
    pub checkups: Vec<CheckupRecord>,
}

/// The item names that carry the doctor's notes in the wire form.
const NOTES: [&str; 3] = ["既往歴", "自覚症状", "他覚症状"];

impl CheckupReport {
    pub fn from_wire(message: &wire::CheckupResult, findings: &mut Findings) -> CheckupReport {
        let patient = message
            .header
            .patient
            .as_ref()
            .map_or_else(MedicalPatient::default, |p| MedicalPatient {
                name: text(&p.name),
                kana: text(&p.kana_name),
                birthdate: findings.date("Birthday", &p.birthday),
                sex: code(&p.gender),
            });
        let checkups = message
            .body
            .checkups
            .iter()
            .map(|c| {
                let note = |n: &str| {
                    c.items
                        .iter()
                        .find(|i| i.name.as_deref() == Some(n))
                        .and_then(|i| text(&i.value_name).or_else(|| text(&i.value)))
                };
                CheckupRecord {
                    date: findings.required_date("EffectiveTime", &c.effective_time),
                    history: note(NOTES[0]),
                    subjective: note(NOTES[1]),
                    objective: note(NOTES[2]),
                    values: c
                        .items
                        .iter()
                        .filter(|i| !NOTES.contains(&i.name.as_deref().unwrap_or_default()))
                        .map(|i| CheckupValue {
                            code: text(&i.code),
                            name: text(&i.name).unwrap_or_default(),
                            value: text(&i.value),
                            value_label: text(&i.value_name),
                            unit: text(&i.unit),
                        })
                        .collect(),
                }
            })
            .collect();
        CheckupReport { patient, checkups }
    }

    /// The body of a checkup result.
    pub fn to_wire_body(&self) -> wire::CheckupResultBody {
        wire::CheckupResultBody {
            checkups: self
                .checkups
                .iter()
                .map(|c| {
                    let notes = [&c.history, &c.subjective, &c.objective];
                    let mut items: Vec<wire::CheckupItem> = NOTES
                        .iter()
                        .zip(notes)
                        .filter_map(|(name, value)| {
                            value.as_ref().map(|v| wire::CheckupItem {
                                name: Some((*name).to_owned()),
                                data_type: Some("ST".to_owned()),
                                value: Some(v.clone()),
                                ..wire::CheckupItem::default()
                            })
                        })
                        .collect();
                    items.extend(c.values.iter().map(|v| {
                        wire::CheckupItem {
                            code: v.code.clone(),
                            name: Some(v.name.clone()),
                            data_type: Some(
                                if v.value.as_deref().is_some_and(|x| x.parse::<f64>().is_ok()) {
                                    "PQ"
                                } else {
                                    "ST"
                                }
                                .to_owned(),
                            ),
                            value: v.value.clone(),
                            value_name: v.value_label.clone(),
                            unit: v.unit.clone(),
                            ..wire::CheckupItem::default()
                        }
                    }));
                    wire::Checkup {
                        effective_time: wire_date(&c.date),
                        items,
                    }
                })
                .collect(),
            ..wire::CheckupResultBody::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seed 003's checkup: LDL 154 is flagged (▲140以上), the others of its table are not.
    #[test]
    fn reference_marks_follow_seed_003() {
        let check = |name: &str, value: f64, sex: Option<&Sex>, flagged: bool, label: &str| {
            let reference = reference_for(name).expect(name);
            assert_eq!(reference.flags(value, sex), flagged, "{name} {value}");
            assert_eq!(reference.label(), label, "{name}");
        };
        check("LDL-コレステロール", 154.0, None, true, "▲ 140以上");
        check("収縮期血圧", 117.0, None, false, "▲ 140以上");
        check("拡張期血圧", 70.0, None, false, "▲ 90以上");
        check("中性脂肪", 190.0, None, false, "▲ 300以上");
        check("HDL-コレステロール", 52.0, None, false, "▽ 34以下");
        check("HDL-コレステロール", 34.0, None, true, "▽ 34以下");
        check("GOT (AST)", 18.0, None, false, "▲ 51以上");
        check("γ-GT (γ-GTP)", 41.0, None, false, "▲ 101以上");
        check("空腹時血糖", 114.0, None, false, "▲ 126以上");
        check("HbA1c", 6.1, None, false, "▲ 6.5以上");
        check("HbA1c", 6.5, None, true, "▲ 6.5以上");
        check("eGFR", 44.9, None, true, "▽ 45.0未満");
        check(
            "白血球数",
            11.5,
            Some(&Sex::Female),
            false,
            "▽ 男12.0以下 女11.0以下",
        );
        check(
            "白血球数",
            11.5,
            Some(&Sex::Male),
            true,
            "▽ 男12.0以下 女11.0以下",
        );
        assert_eq!(reference_for("身長"), None);
    }

    #[test]
    fn amounts_print_as_the_seed_does() {
        let item = DrugItem {
            name: "アムロジピン錠2.5mg「オーハラ」".to_owned(),
            code: None,
            ingredient: Some("アムロジピンベシル酸塩".to_owned()),
            usage: None,
            use_kind: Some("内服".to_owned()),
            quantity: "1".to_owned(),
            unit: "錠".to_owned(),
            supply: Some("30日分".to_owned()),
        };
        assert_eq!(item.amount(), "1錠 30日分");
    }
}
