//! The national system's code tables (業務コード OQSCD001–028) as enums with their Japanese labels.
//!
//! Values and labels follow docs/interface.md §5, which gives the majority reading where public
//! sources disagree (noted on the table). The labels are data of the official tables, not screen
//! wording, so they live here rather than in the catalogue. A code a table does not know is kept as
//! received in `Unknown` and shown as unknown: decoding never fails on a new code.

use std::{borrow::Cow, fmt};

use crate::catalogue;

/// What every code table offers.
pub trait CodeTable: Sized + Clone + PartialEq {
    /// The table's number, e.g. `OQSCD006`.
    const TABLE: &'static str;
    /// The code as the wire carries it, surrounding whitespace ignored. Never fails.
    fn from_code(code: &str) -> Self;
    /// The code as the wire carries it.
    fn code(&self) -> &str;
    /// The official label, or a 「不明なコード」 label for an unknown code.
    fn label(&self) -> Cow<'static, str>;
    fn is_known(&self) -> bool;
}

macro_rules! code_table {
    (
        $(#[$meta:meta])*
        $name:ident = $table:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal => $label:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A code this table does not know, kept as received.
            Unknown(String),
        }

        impl $name {
            /// The codes the table knows, in code order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];
        }

        impl CodeTable for $name {
            const TABLE: &'static str = $table;

            fn from_code(code: &str) -> $name {
                match code.trim() {
                    $( $code => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }

            fn code(&self) -> &str {
                match self {
                    $( $name::$variant => $code, )+
                    $name::Unknown(code) => code,
                }
            }

            fn label(&self) -> Cow<'static, str> {
                match self {
                    $( $name::$variant => Cow::Borrowed($label), )+
                    $name::Unknown(code) => Cow::Owned(catalogue::unknown_code(code)),
                }
            }

            fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.label())
            }
        }
    };
}

code_table! {
    /// OQSCD001 限度額適用認定証提供同意フラグ (`LimitApplicationCertificateRelatedConsFlg`).
    LimitConsentFlag = "OQSCD001" {
        NotConsented = "0" => "未同意",
        Consented = "1" => "同意",
    }
}

code_table! {
    /// OQSCD002 照会区分 (`ReferenceClassification`).
    ReferenceClassification = "OQSCD002" {
        MyNumberCard = "1" => "マイナンバーカード",
        InsuranceCard = "2" => "被保険者証情報",
    }
}

code_table! {
    /// OQSCD003 処理結果区分 (`SegmentOfResult`). One source gives 3 for 異常終了; the majority, 9.
    SegmentOfResult = "OQSCD003" {
        Completed = "1" => "正常終了",
        Processing = "2" => "処理中",
        Failed = "9" => "異常終了",
    }
}

code_table! {
    /// OQSCD004 処理結果状況 (`ProcessingResultStatus`).
    ProcessingResultStatus = "OQSCD004" {
        Completed = "1" => "正常終了",
        Error = "2" => "エラー",
    }
}

code_table! {
    /// OQSCD005 文字コード識別 (`CharacterCodeIdentifier`). One source numbers it 1/2; the majority, 0/1.
    CharacterCodeIdentifier = "OQSCD005" {
        Utf8 = "0" => "UTF-8",
        ShiftJis = "1" => "Shift_JIS",
    }
}

code_table! {
    /// OQSCD006 資格有効性 (`QualificationValidity`). 6 occurs only for 医療扶助.
    QualificationValidity = "OQSCD006" {
        Valid = "1" => "有効",
        Invalid = "2" => "無効",
        InvalidWithNewQualification = "3" => "無効（新しい資格あり）",
        NoQualification = "4" => "該当資格なし",
        Multiple = "5" => "複数該当",
        ValidUnregistered = "6" => "有効（未登録）",
    }
}

code_table! {
    /// OQSCD007 性別 (`Sex1`, `Sex2`).
    Sex = "OQSCD007" {
        Male = "1" => "男",
        Female = "2" => "女",
        Unset = "3" => "未設定",
    }
}

code_table! {
    /// OQSCD008 資格喪失事由 (`ReasonOfLoss`).
    ReasonOfLoss = "OQSCD008" {
        Death = "01" => "死亡",
        PublicAssistance = "02" => "生活保護受給開始",
        OtherInsurance = "03" => "医療保険等の資格取得",
        Other = "99" => "その他",
    }
}

code_table! {
    /// OQSCD009 本人・家族の別 (`PersonalFamilyClassification`).
    PersonalFamily = "OQSCD009" {
        Insured = "1" => "本人",
        Family = "2" => "家族",
    }
}

code_table! {
    /// OQSCD010 被保険者証区分 (`InsuredCardClassification`). Sources disagree on 05 (被保険者資格証明書
    /// or 特別療養費支給対象者); this follows the first.
    InsuredCardClassification = "OQSCD010" {
        General = "01" => "被保険者証（一般）",
        Retired = "02" => "被保険者証（退職）",
        ShortTermGeneral = "03" => "短期被保険者証（一般）",
        ShortTermRetired = "04" => "短期被保険者証（退職）",
        QualificationCertificate = "05" => "被保険者資格証明書",
        SpecialRetired = "06" => "特例退職被保険者証",
        SelfDefenseForces = "07" => "自衛官診療証",
        MedicalAid = "A1" => "医療扶助",
    }
}

code_table! {
    /// OQSCD011 限度額適用認定証区分 (`LimitApplicationCertificateClassification`). Label 01 as the three
    /// sources write it.
    LimitCertificateClassification = "OQSCD011" {
        Limit = "01" => "限度額適用区分認定証",
        LimitAndReduction = "02" => "限度額適用・標準負担額減額認定証",
        Reduction = "03" => "標準負担額減額認定証",
    }
}

code_table! {
    /// OQSCD012 限度額適用認定証適用区分 (`LimitApplicationCertificateClassificationFlag`).
    LimitCertificateFlag = "OQSCD012" {
        A01 = "A01" => "ア",
        A02 = "A02" => "イ",
        A03 = "A03" => "ウ",
        A04 = "A04" => "エ",
        A05 = "A05" => "オ",
        A06 = "A06" => "オ（境）",
        B01 = "B01" => "現役並みⅢ",
        B02 = "B02" => "現役並みⅡ",
        B03 = "B03" => "現役並みⅠ",
        B04 = "B04" => "一般",
        B05 = "B05" => "低所得Ⅱ",
        B06 = "B06" => "低所得Ⅰ",
        B07 = "B07" => "低所得Ⅰ（老福）",
        B08 = "B08" => "低所得Ⅰ（境）",
        B09 = "B09" => "一般Ⅱ",
        B10 = "B10" => "一般Ⅰ",
    }
}

code_table! {
    /// OQSCD013 特定疾病区分 (`SpecificDiseasesDiseaseCategory`).
    SpecificDisease = "OQSCD013" {
        Dialysis = "1" => "人工透析を必要とする慢性腎不全",
        Hemophilia = "2" => "先天性血液凝固因子障害（第VIII/IX因子）",
        Hiv = "3" => "血液凝固因子製剤の投与に起因するHIV感染症",
    }
}

code_table! {
    /// OQSCD014 限度額適用認定証情報変更有無 (`LimitApplicationCertificateChanged`, bulk results only).
    LimitCertificateChanged = "OQSCD014" {
        Unchanged = "0" => "変更なし",
        ChangedOrUnknown = "1" => "変更あり または 判定不能",
    }
}

code_table! {
    /// OQSCD015 未就学区分 (`PreschoolClassification`). One source adds 2 就学中; unconfirmed, so kept unknown.
    Preschool = "OQSCD015" {
        Preschool = "1" => "未就学該当",
    }
}

code_table! {
    /// OQSCD016 同意区分 (the `…ConsFlg` of 特定疾病, 特定健診, 薬剤, 診療 and 手術 information).
    ConsentStatus = "OQSCD016" {
        NotConsented = "0" => "同意なし",
        Consented = "1" => "同意あり",
        Expired = "2" => "同意有効期限切れ",
        UnableToObtain = "3" => "同意取得困難",
    }
}

code_table! {
    /// OQSCD017 処方箋発行形態 (`PrescriptionIssueSelect`).
    PrescriptionIssue = "OQSCD017" {
        Electronic = "1" => "電子処方箋",
        Paper = "2" => "紙の処方箋",
    }
}

code_table! {
    /// OQSCD018 券種別 (`TicketType`, 医療扶助).
    TicketType = "OQSCD018" {
        Medical = "01" => "医療券",
        Dispensing = "02" => "調剤券",
    }
}

code_table! {
    /// OQSCD019 診療別 (`MedicalTreatmentType`, 医療扶助).
    MedicalTreatmentType = "OQSCD019" {
        Inpatient = "01" => "入院",
        Outpatient = "02" => "入院外",
        Dental = "03" => "歯科",
        Dispensing = "04" => "調剤",
        HomeNursing = "05" => "訪問看護",
    }
}

code_table! {
    /// OQSCD020 単独併用別 (`SingleOrCombinedUse`, 医療扶助).
    SingleOrCombinedUse = "OQSCD020" {
        Single = "01" => "単独",
        Combined = "02" => "併用",
    }
}

code_table! {
    /// OQSCD021 社会保険の有無 (`StatusOfSocialInsurance`, 医療扶助).
    StatusOfSocialInsurance = "OQSCD021" {
        Present = "01" => "あり",
        Absent = "02" => "なし",
    }
}

code_table! {
    /// OQSCD022 整合性フラグ (`ConsistencyFlag`, 医療扶助).
    ConsistencyFlag = "OQSCD022" {
        Inconsistent = "1" => "不整合あり",
    }
}

code_table! {
    /// OQSCD023 感染症の有無 (`StatusOfInfecton`, spelled so on the wire; 医療扶助).
    StatusOfInfection = "OQSCD023" {
        Present = "01" => "あり",
        Absent = "02" => "なし",
    }
}

code_table! {
    /// OQSCD024 後期高齢者医療の有無 (`StatusOfElderlyMedicalCare`, 医療扶助).
    StatusOfElderlyMedicalCare = "OQSCD024" {
        Present = "01" => "あり",
        Absent = "02" => "なし",
    }
}

code_table! {
    /// OQSCD025 都道府県費の有無 (`StatusOfPrefecturalExpenses`, 医療扶助).
    StatusOfPrefecturalExpenses = "OQSCD025" {
        Present = "01" => "あり",
        Absent = "02" => "なし",
    }
}

code_table! {
    /// OQSCD026 指定医療機関一致フラグ (`DesignatedMedicalInstitutionFlag`, 医療扶助).
    DesignatedInstitutionFlag = "OQSCD026" {
        Matches = "0" => "一致",
        Differs = "1" => "不一致",
    }
}

code_table! {
    /// OQSCD027 同一個人有無フラグ.
    SamePersonFlag = "OQSCD027" {
        SamePerson = "1" => "同一個人あり",
    }
}

code_table! {
    /// OQSCD028 診療区分 (`MedicalTreatmentFlag`).
    TreatmentKind = "OQSCD028" {
        Outpatient = "1" => "外来",
        HomeVisit = "2" => "訪問診療等",
        Online = "3" => "オンライン診療等",
        Emergency = "4" => "救急時",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every known code of a table round-trips through its code and has a non-empty label.
    fn round_trips<T: CodeTable + fmt::Debug>(known: &[T]) {
        for value in known {
            assert!(value.is_known());
            assert_eq!(T::from_code(value.code()), *value, "{}", T::TABLE);
            assert!(!value.label().is_empty());
        }
    }

    fn labels<T: CodeTable>(known: &[T]) -> Vec<(String, String)> {
        known
            .iter()
            .map(|v| (v.code().to_owned(), v.label().into_owned()))
            .collect()
    }

    fn check(actual: Vec<(String, String)>, expected: &[(&str, &str)]) {
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
            .collect();
        assert_eq!(actual, expected);
    }

    #[test]
    fn every_table_round_trips() {
        round_trips(LimitConsentFlag::KNOWN);
        round_trips(ReferenceClassification::KNOWN);
        round_trips(SegmentOfResult::KNOWN);
        round_trips(ProcessingResultStatus::KNOWN);
        round_trips(CharacterCodeIdentifier::KNOWN);
        round_trips(QualificationValidity::KNOWN);
        round_trips(Sex::KNOWN);
        round_trips(ReasonOfLoss::KNOWN);
        round_trips(PersonalFamily::KNOWN);
        round_trips(InsuredCardClassification::KNOWN);
        round_trips(LimitCertificateClassification::KNOWN);
        round_trips(LimitCertificateFlag::KNOWN);
        round_trips(SpecificDisease::KNOWN);
        round_trips(LimitCertificateChanged::KNOWN);
        round_trips(Preschool::KNOWN);
        round_trips(ConsentStatus::KNOWN);
        round_trips(PrescriptionIssue::KNOWN);
        round_trips(TicketType::KNOWN);
        round_trips(MedicalTreatmentType::KNOWN);
        round_trips(SingleOrCombinedUse::KNOWN);
        round_trips(StatusOfSocialInsurance::KNOWN);
        round_trips(ConsistencyFlag::KNOWN);
        round_trips(StatusOfInfection::KNOWN);
        round_trips(StatusOfElderlyMedicalCare::KNOWN);
        round_trips(StatusOfPrefecturalExpenses::KNOWN);
        round_trips(DesignatedInstitutionFlag::KNOWN);
        round_trips(SamePersonFlag::KNOWN);
        round_trips(TreatmentKind::KNOWN);
    }

    /// The tables the screens lean on, against the research's literal values.
    #[test]
    fn key_tables_match_the_interface() {
        check(
            labels(QualificationValidity::KNOWN),
            &[
                ("1", "有効"),
                ("2", "無効"),
                ("3", "無効（新しい資格あり）"),
                ("4", "該当資格なし"),
                ("5", "複数該当"),
                ("6", "有効（未登録）"),
            ],
        );
        check(
            labels(Sex::KNOWN),
            &[("1", "男"), ("2", "女"), ("3", "未設定")],
        );
        check(
            labels(ReasonOfLoss::KNOWN),
            &[
                ("01", "死亡"),
                ("02", "生活保護受給開始"),
                ("03", "医療保険等の資格取得"),
                ("99", "その他"),
            ],
        );
        check(
            labels(SegmentOfResult::KNOWN),
            &[("1", "正常終了"), ("2", "処理中"), ("9", "異常終了")],
        );
        check(
            labels(CharacterCodeIdentifier::KNOWN),
            &[("0", "UTF-8"), ("1", "Shift_JIS")],
        );
        check(
            labels(TreatmentKind::KNOWN),
            &[
                ("1", "外来"),
                ("2", "訪問診療等"),
                ("3", "オンライン診療等"),
                ("4", "救急時"),
            ],
        );
        assert_eq!(
            InsuredCardClassification::General.label(),
            "被保険者証（一般）"
        );
        assert_eq!(PersonalFamily::Family.label(), "家族");
        assert_eq!(LimitCertificateFlag::B01.label(), "現役並みⅢ");
        assert_eq!(ConsentStatus::Expired.label(), "同意有効期限切れ");
    }

    #[test]
    fn unknown_codes_are_kept_and_shown_as_unknown() {
        let v = QualificationValidity::from_code("7");
        assert_eq!(v, QualificationValidity::Unknown("7".to_owned()));
        assert!(!v.is_known());
        assert_eq!(v.code(), "7");
        assert_eq!(v.label(), "不明なコード（7）");
        assert_eq!(Sex::from_code(""), Sex::Unknown(String::new()));
        // Surrounding whitespace is not part of a code.
        assert_eq!(ReasonOfLoss::from_code(" 99\n"), ReasonOfLoss::Other);
        assert_eq!(
            LimitCertificateFlag::from_code("a01"),
            LimitCertificateFlag::Unknown("a01".to_owned())
        );
        assert_eq!(format!("{}", PersonalFamily::Insured), "本人");
    }
}
