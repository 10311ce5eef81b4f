//! 薬剤情報 and 特定健診情報 as the 医療情報閲覧 screens use them (seed 003, screens.md S12), converted
//! explicitly from and to the `YZK` / `TKK` XML results.
//!
//! Reference marks follow seed 003's checkup table: ▲ marks a value at or above (or ▽ at or below, or
//! below) the judging value; a value outside its reference is flagged.

use chrono::NaiveDate;

use crate::{
    codes::Sex,
    domain::convert::{Findings, text, wire_date},
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

/// One day's dispensing at one institution (a row group of 処方実績).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dispensing {
    pub date: NaiveDate,
    /// 処方区分, e.g. 院内.
    pub place: String,
    /// 使用区分, e.g. 内服 or 外用.
    pub use_kind: String,
    pub institution: Option<String>,
    pub drugs: Vec<DrugItem>,
}

/// One drug of a dispensing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrugItem {
    /// 医薬品名.
    pub name: String,
    /// 成分名.
    pub ingredient: Option<String>,
    /// 【用法】.
    pub usage: Option<String>,
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

/// A drug list: the patient and their dispensings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DrugHistory {
    pub patient: MedicalPatient,
    pub dispensings: Vec<Dispensing>,
}

impl DrugHistory {
    /// Reads the typed part of a drug result (the first source's months).
    pub fn from_wire(message: &wire::DrugResult, findings: &mut Findings) -> DrugHistory {
        let patient = message
            .header
            .patient
            .as_ref()
            .map_or_else(MedicalPatient::default, |p| MedicalPatient {
                name: text(&p.name),
                kana: text(&p.kana_name),
                birthdate: findings.date("Birth", &p.birth),
                sex: crate::domain::convert::code(&p.gender),
            });
        let mut dispensings = Vec::new();
        for month in &message.body.months {
            for day in &month.days {
                let Some(date) = findings.date("DiDate", &day.date) else {
                    continue;
                };
                let use_kind = day
                    .drugs
                    .iter()
                    .find_map(|d| text(&d.use_kind))
                    .unwrap_or_default();
                dispensings.push(Dispensing {
                    date,
                    place: text(&month.prescription_kind).unwrap_or_default(),
                    use_kind,
                    institution: text(&month.institution_name),
                    drugs: day
                        .drugs
                        .iter()
                        .map(|d| DrugItem {
                            name: text(&d.name).unwrap_or_default(),
                            ingredient: text(&d.ingredient),
                            usage: text(&d.usage),
                            quantity: text(&d.quantity).unwrap_or_default(),
                            unit: text(&d.unit).unwrap_or_default(),
                            supply: text(&d.times),
                        })
                        .collect(),
                });
            }
        }
        DrugHistory {
            patient,
            dispensings,
        }
    }

    /// The body of a drug result: one `MeTrMonthInf` per institution and month.
    pub fn to_wire_body(&self) -> wire::DrugResultBody {
        let mut months: Vec<wire::DrugMonth> = Vec::new();
        for d in &self.dispensings {
            let month = d.date.format("%Y%m").to_string();
            let day = wire::DrugDay {
                date: wire_date(&Some(d.date)),
                prescribed: wire_date(&Some(d.date)),
                drugs: d
                    .drugs
                    .iter()
                    .map(|item| wire::Drug {
                        name: Some(item.name.clone()),
                        ingredient: item.ingredient.clone(),
                        usage: item.usage.clone(),
                        quantity: Some(item.quantity.clone()),
                        unit: Some(item.unit.clone()),
                        times: item.supply.clone(),
                        use_kind: Some(d.use_kind.clone()),
                        ..wire::Drug::default()
                    })
                    .collect(),
                treatments: Vec::new(),
            };
            match months.iter_mut().find(|m| {
                m.month.as_deref() == Some(month.as_str())
                    && m.institution_name == d.institution
                    && m.prescription_kind.as_deref() == Some(d.place.as_str())
            }) {
                Some(existing) => existing.days.push(day),
                None => months.push(wire::DrugMonth {
                    institution_name: d.institution.clone(),
                    month: Some(month),
                    prescription_kind: Some(d.place.clone()),
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

/// One item of a checkup; `value` is `None` where the report prints —.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckupValue {
    /// The group seed 003 prints it under, e.g. 脂質.
    pub group: String,
    pub name: String,
    pub value: Option<String>,
    pub unit: Option<String>,
}

impl CheckupValue {
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
    pub date: NaiveDate,
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
                sex: crate::domain::convert::code(&p.gender),
            });
        let checkups = message
            .body
            .checkups
            .iter()
            .filter_map(|c| {
                let date = findings.date("EffectiveTime", &c.effective_time)?;
                let note = |n: &str| {
                    c.items
                        .iter()
                        .find(|i| i.name.as_deref() == Some(n))
                        .and_then(|i| text(&i.value))
                };
                Some(CheckupRecord {
                    date,
                    history: note(NOTES[0]),
                    subjective: note(NOTES[1]),
                    objective: note(NOTES[2]),
                    values: c
                        .items
                        .iter()
                        .filter(|i| !NOTES.contains(&i.name.as_deref().unwrap_or_default()))
                        .map(|i| CheckupValue {
                            group: text(&i.oid).unwrap_or_default(),
                            name: text(&i.name).unwrap_or_default(),
                            value: text(&i.value),
                            unit: text(&i.unit),
                        })
                        .collect(),
                })
            })
            .collect();
        CheckupReport { patient, checkups }
    }

    /// The body of a checkup result. The group rides in `Oid`, where the report's grouping has no
    /// element of its own (ours).
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
                            unit: v.unit.clone(),
                            oid: Some(v.group.clone()),
                            ..wire::CheckupItem::default()
                        }
                    }));
                    wire::Checkup {
                        effective_time: wire_date(&Some(c.date)),
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
            ingredient: Some("アムロジピンベシル酸塩".to_owned()),
            usage: None,
            quantity: "1".to_owned(),
            unit: "錠".to_owned(),
            supply: Some("30日分".to_owned()),
        };
        assert_eq!(item.amount(), "1錠 30日分");
    }
}
