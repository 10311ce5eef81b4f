//! Handing a result to the レセコン: the items staff may leave out on 資格情報確認 (S6).
//!
//! The national system writes 「●」 for characters it cannot convert (seed 001 FAQ 2), and staff are
//! told to uncheck such items so that the レセコン keeps what it has. Unchecked items are left empty
//! in the result exported for the レセコン (decisions.md D9). Only free text can carry ●: numbers,
//! dates and codes are always handed over.

use serde::{Deserialize, Serialize};

use crate::domain::{Qualification, QualificationResult};

/// The mark the national system writes for a character it cannot convert.
pub const UNCONVERTIBLE: char = '●';

/// One item of a qualification that staff may leave out. Serialized so a terminal can keep staff's
/// choices for a result (by name, e.g. `"address"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandOverItem {
    InsurerName,
    Name,
    NameKana,
    NameOfOther,
    NameOfOtherKana,
    InsuredName,
    PostNumber,
    Address,
}

impl HandOverItem {
    pub const ALL: [HandOverItem; 8] = [
        HandOverItem::InsurerName,
        HandOverItem::Name,
        HandOverItem::NameKana,
        HandOverItem::NameOfOther,
        HandOverItem::NameOfOtherKana,
        HandOverItem::InsuredName,
        HandOverItem::PostNumber,
        HandOverItem::Address,
    ];

    fn slot(self, q: &mut Qualification) -> &mut Option<String> {
        match self {
            HandOverItem::InsurerName => &mut q.insurer_name,
            HandOverItem::Name => &mut q.name,
            HandOverItem::NameKana => &mut q.name_kana,
            HandOverItem::NameOfOther => &mut q.name_of_other,
            HandOverItem::NameOfOtherKana => &mut q.name_of_other_kana,
            HandOverItem::InsuredName => &mut q.insured_name,
            HandOverItem::PostNumber => &mut q.post_number,
            HandOverItem::Address => &mut q.address,
        }
    }

    /// The item's value in `q`, if it has one.
    pub fn value(self, q: &Qualification) -> Option<&str> {
        match self {
            HandOverItem::InsurerName => q.insurer_name.as_deref(),
            HandOverItem::Name => q.name.as_deref(),
            HandOverItem::NameKana => q.name_kana.as_deref(),
            HandOverItem::NameOfOther => q.name_of_other.as_deref(),
            HandOverItem::NameOfOtherKana => q.name_of_other_kana.as_deref(),
            HandOverItem::InsuredName => q.insured_name.as_deref(),
            HandOverItem::PostNumber => q.post_number.as_deref(),
            HandOverItem::Address => q.address.as_deref(),
        }
    }

    /// Whether the item is checked to begin with: every item with a value, unless it holds a ●.
    pub fn checked_at_first(self, q: &Qualification) -> bool {
        self.value(q).is_some_and(|v| !v.contains(UNCONVERTIBLE))
    }
}

/// Whether any item of any qualification holds a ●.
pub fn has_unconvertible(result: &QualificationResult) -> bool {
    result.answer.qualifications.iter().any(|q| {
        HandOverItem::ALL
            .iter()
            .any(|item| item.value(q).is_some_and(|v| v.contains(UNCONVERTIBLE)))
    })
}

/// The result for the レセコン: `keep(index, item)` says whether the item of the `index`th qualification
/// stays; every other item is left empty.
pub fn for_receipt_computer(
    result: &QualificationResult,
    keep: impl Fn(usize, HandOverItem) -> bool,
) -> QualificationResult {
    let mut out = result.clone();
    for (index, q) in out.answer.qualifications.iter_mut().enumerate() {
        for item in HandOverItem::ALL {
            if !keep(index, item) {
                *item.slot(q) = None;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, address: &str) -> Qualification {
        Qualification {
            name: Some(name.to_owned()),
            address: Some(address.to_owned()),
            insurer_name: Some("東京新橋サンプル保険者".to_owned()),
            ..Qualification::default()
        }
    }

    #[test]
    fn items_with_a_black_circle_start_unchecked() {
        let check = |q: &Qualification, item: HandOverItem, expected: bool| {
            assert_eq!(item.checked_at_first(q), expected, "{item:?} of {q:?}");
        };
        let q = person("髙●　太郎", "東京都港区〇〇5丁目500-1");
        check(&q, HandOverItem::Name, false);
        check(&q, HandOverItem::Address, true);
        check(&q, HandOverItem::InsurerName, true);
        // An item without a value has nothing to hand over.
        check(&q, HandOverItem::NameOfOther, false);
        let q = person("新橋　太郎", "東京都●●区");
        check(&q, HandOverItem::Name, true);
        check(&q, HandOverItem::Address, false);
    }

    #[test]
    fn unchecked_items_are_left_empty_for_the_receipt_computer() {
        let mut result = QualificationResult::default();
        result.answer.qualifications = vec![
            person("髙●　太郎", "東京都港区"),
            person("新橋　花子", "東京都港区"),
        ];
        assert!(has_unconvertible(&result));
        let out = for_receipt_computer(&result, |index, item| {
            !(index == 0 && item == HandOverItem::Name)
        });
        assert_eq!(out.answer.qualifications[0].name, None);
        assert_eq!(
            out.answer.qualifications[0].address.as_deref(),
            Some("東京都港区")
        );
        assert_eq!(
            out.answer.qualifications[1].name.as_deref(),
            Some("新橋　花子")
        );
        let clean = for_receipt_computer(&result, |_, _| true);
        assert_eq!(clean, result);
        result.answer.qualifications[0].name = Some("新橋　太郎".to_owned());
        assert!(!has_unconvertible(&result));
    }
}
