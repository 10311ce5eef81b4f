//! The people the training simulator's national side knows (decisions.md D10).
//!
//! The first four are the seeds' own, verbatim but for D10's corrections (the kana of 新橋 is シンバシ;
//! the two 新橋 太郎 are two people). The rest are ours, one per outcome the seeds do not show, so that
//! every outcome can be rehearsed: 複数該当, 該当資格なし, names with ●, a 6-digit 国保 number,
//! 後期高齢 without 枝番, 限度額 and 特定疾病. Names are written as the national system writes them:
//! a full-width space between family and given name, kana in half-width katakana.

use chrono::NaiveDate;

use crate::{
    codes::{
        InsuredCardClassification, LimitCertificateClassification, LimitCertificateFlag,
        PersonalFamily, QualificationValidity, ReasonOfLoss, Sex, SpecificDisease,
    },
    domain::{
        Card, ContributionRatio, DiseaseCertificate, ElderlyCertificate, InsurerNumber,
        LimitCertificate, Qualification,
    },
};

/// A card holder as the national side knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// A stable id for the trainer's controls, e.g. `shinbashi-taro`.
    pub id: String,
    /// 氏名 as the national system writes it (full-width space between the names).
    pub name: String,
    /// 氏名カナ, half-width katakana.
    pub kana: String,
    pub sex: Sex,
    /// 住所, for the disaster search by name and address.
    pub address: Option<String>,
    /// What an inquiry about this person answers.
    pub outcome: QualificationValidity,
    /// The card the patient shows (and whose data staff type).
    pub card: Card,
    pub birthdate: NaiveDate,
    /// The My Number card's 4-digit PIN, for rehearsing 暗証番号 at the reader.
    pub pin: String,
    /// The qualification records an answer carries (two for 複数該当, none for 該当資格なし). Their
    /// 限度額 and 特定疾病 parts are given only where the patient consents.
    pub qualifications: Vec<Qualification>,
    /// What this person lets a trainee rehearse (ours; shown in the trainer's list).
    pub note: String,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("the canned dates are real dates")
}

fn card_of(insurer: &str, symbol: Option<&str>, number: &str, branch: Option<&str>) -> Card {
    Card {
        insurer_number: Some(InsurerNumber::from_wire(insurer)),
        symbol: symbol.map(str::to_owned),
        number: Some(number.to_owned()),
        branch: branch.map(str::to_owned),
    }
}

fn s(text: &str) -> Option<String> {
    Some(text.to_owned())
}

/// The fields every record of a person shares, and the person's own.
#[derive(Clone)]
struct Base<'a> {
    card: &'a Card,
    insurer_name: &'a str,
    name: &'a str,
    kana: &'a str,
    sex: Sex,
    birthdate: NaiveDate,
}

impl Base<'_> {
    /// The person these fields describe. Every canned person's PIN is 1234, so that a trainee can
    /// rehearse 暗証番号 without looking it up.
    fn person(
        &self,
        id: &str,
        address: Option<&str>,
        outcome: QualificationValidity,
        qualifications: Vec<Qualification>,
        note: &str,
    ) -> Person {
        Person {
            id: id.to_owned(),
            name: self.name.to_owned(),
            kana: self.kana.to_owned(),
            sex: self.sex.clone(),
            address: address.map(str::to_owned),
            outcome,
            card: self.card.clone(),
            birthdate: self.birthdate,
            pin: "1234".to_owned(),
            qualifications,
            note: note.to_owned(),
        }
    }
}

fn record(base: &Base<'_>) -> Qualification {
    Qualification {
        card_classification: Some(InsuredCardClassification::General),
        card: base.card.clone(),
        name: s(base.name),
        name_kana: s(base.kana),
        sex1: Some(base.sex.clone()),
        birthdate: Some(base.birthdate),
        insurer_name: s(base.insurer_name),
        ..Qualification::default()
    }
}

/// Every canned person, in the order the trainer's list shows them.
pub fn people() -> Vec<Person> {
    vec![
        shinbashi_taro(),
        shinbashi_hanako(),
        shinbashi_ichiro(),
        shinbashi_taro_sample(),
        shinagawa_jiro(),
        meguro_saburo(),
        watanabe_misaki(),
        ota_kazuko(),
        minato_haru(),
        kawasaki_kenichi(),
        yokohama_toru(),
        nakahara_sakura(),
    ]
}

/// The person with this id.
pub fn person(id: &str) -> Option<Person> {
    people().into_iter().find(|p| p.id == id)
}

/// Seed 000 Case2 (有効): 新橋 太郎 of 東京新橋サンプル保険者, with 氏名（その他） and 高齢受給者証 2割.
fn shinbashi_taro() -> Person {
    let card = card_of("06139000", Some("9000"), "10001", Some("01"));
    let birthdate = date(1954, 3, 26);
    let base = Base {
        card: &card,
        insurer_name: "東京新橋サンプル保険者",
        name: "新橋　太郎",
        kana: "ｼﾝﾊﾞｼ ﾀﾛｳ",
        sex: Sex::Male,
        birthdate,
    };
    let mut q = record(&base);
    q.personal_family = Some(PersonalFamily::Insured);
    q.insured_name = s("新橋　太郎");
    q.name_of_other = s("新橋　他太郎");
    q.valid_from = Some(date(2020, 1, 1));
    q.post_number = s("151-1234");
    q.address = s("東京都港区〇〇5丁目500-1");
    q.elderly = Some(ElderlyCertificate {
        issued: None,
        valid_from: Some(date(2020, 1, 1)),
        valid_until: None,
        ratio: Some(ContributionRatio(20)),
    });
    // Ours: a 限度額 certificate, so that 情報表示 has something to show once he consents.
    q.limit.certificate = Some(LimitCertificate {
        classification: Some(LimitCertificateClassification::LimitAndReduction),
        flag: Some(LimitCertificateFlag::B05),
        issued: Some(date(2026, 8, 1)),
        valid_from: Some(date(2026, 8, 1)),
        valid_until: Some(date(2027, 7, 31)),
        long_term: None,
    });
    base.person(
        "shinbashi-taro",
        Some("東京都港区〇〇5丁目500-1"),
        QualificationValidity::Valid,
        vec![q],
        "有効（高齢受給者証 2割、限度額は同意した場合のみ表示）",
    )
}

/// Seed 000 「その他の判定結果」 (資格無効): 新橋 花子.
fn shinbashi_hanako() -> Person {
    let card = card_of("06139000", Some("9000"), "10001", Some("02"));
    let birthdate = date(1955, 1, 18);
    let base = Base {
        card: &card,
        insurer_name: "東京新橋サンプル保険者",
        name: "新橋　花子",
        kana: "ｼﾝﾊﾞｼ ﾊﾅｺ",
        sex: Sex::Female,
        birthdate,
    };
    let mut q = record(&base);
    q.personal_family = Some(PersonalFamily::Family);
    q.insured_name = s("新橋　太郎");
    q.valid_from = Some(date(2020, 1, 1));
    q.valid_until = Some(date(2020, 12, 31));
    q.reason_of_loss = Some(ReasonOfLoss::Other);
    q.post_number = s("151-1234");
    q.address = s("東京都港区〇〇5丁目500-1");
    base.person(
        "shinbashi-hanako",
        Some("東京都港区〇〇5丁目500-1"),
        QualificationValidity::Invalid,
        vec![q],
        "無効",
    )
}

/// Seed 000 「その他の判定結果」 (資格無効で新しい資格がある): 新橋 一郎.
fn shinbashi_ichiro() -> Person {
    let card = card_of("06139000", Some("9000"), "10001", Some("03"));
    let birthdate = date(1984, 4, 1);
    let base = Base {
        card: &card,
        insurer_name: "東京新橋サンプル保険者",
        name: "新橋　一郎",
        kana: "ｼﾝﾊﾞｼ ｲﾁﾛｳ",
        sex: Sex::Male,
        birthdate,
    };
    let mut q = record(&base);
    q.personal_family = Some(PersonalFamily::Insured);
    q.insured_name = s("新橋　一郎");
    q.valid_from = Some(date(2020, 1, 1));
    q.valid_until = Some(date(2021, 1, 31));
    q.post_number = s("151-1234");
    q.address = s("東京都港区〇〇5丁目500-1");
    base.person(
        "shinbashi-ichiro",
        Some("東京都港区〇〇5丁目500-1"),
        QualificationValidity::InvalidWithNewQualification,
        vec![q],
        "無効（新しい資格あり）",
    )
}

/// Seed 000 Case1 ⑥ (資格確認履歴詳細): the other 新橋 太郎, of サンプル保険者 (D10: a second person).
fn shinbashi_taro_sample() -> Person {
    let card = card_of("31130842", Some("2022"), "010001", Some("01"));
    let birthdate = date(2011, 1, 1);
    let base = Base {
        card: &card,
        insurer_name: "サンプル保険者",
        name: "新橋　太郎",
        kana: "ｼﾝﾊﾞｼ ﾀﾛｳ",
        sex: Sex::Male,
        birthdate,
    };
    let mut q = record(&base);
    q.personal_family = Some(PersonalFamily::Insured);
    q.insured_name = s("新橋　太郎");
    q.valid_from = Some(date(2022, 5, 1));
    q.post_number = s("211-0015");
    q.address = s("神奈川県川崎市中原区北谷町99-999");
    base.person(
        "shinbashi-taro-sample",
        Some("神奈川県川崎市中原区北谷町99-999"),
        QualificationValidity::Valid,
        vec![q],
        "有効（資格確認履歴詳細の例）",
    )
}

/// Ours: 複数該当, two current qualifications for one person.
fn shinagawa_jiro() -> Person {
    let card = card_of("01130012", Some("1357913"), "24", Some("00"));
    let birthdate = date(1970, 7, 7);
    let base = Base {
        card: &card,
        insurer_name: "全国健康保険協会東京支部",
        name: "品川　次郎",
        kana: "ｼﾅｶﾞﾜ ｼﾞﾛｳ",
        sex: Sex::Male,
        birthdate,
    };
    let mut first = record(&base);
    first.personal_family = Some(PersonalFamily::Insured);
    first.insured_name = s("品川　次郎");
    first.valid_from = Some(date(2024, 4, 1));
    let second_card = card_of("131094", Some("品川"), "56789", Some("01"));
    let mut second = record(&Base {
        card: &second_card,
        insurer_name: "品川区",
        ..base.clone()
    });
    second.personal_family = Some(PersonalFamily::Insured);
    second.insured_name = s("品川　次郎");
    second.valid_from = Some(date(2023, 10, 1));
    base.person(
        "shinagawa-jiro",
        None,
        QualificationValidity::Multiple,
        vec![first, second],
        "複数該当",
    )
}

/// Ours: 該当資格なし, a card the national side does not know.
fn meguro_saburo() -> Person {
    let card = card_of("27138056", Some("12"), "345", Some("00"));
    // No record carries him, so no insurer name is ever shown.
    let base = Base {
        card: &card,
        insurer_name: "",
        name: "目黒　三郎",
        kana: "ﾒｸﾞﾛ ｻﾌﾞﾛｳ",
        sex: Sex::Male,
        birthdate: date(1990, 2, 2),
    };
    base.person(
        "meguro-saburo",
        None,
        QualificationValidity::NoQualification,
        Vec::new(),
        "該当資格なし",
    )
}

/// Ours: a name and an address with ● (characters the national side could not convert).
fn watanabe_misaki() -> Person {
    let card = card_of("01130012", Some("1234567"), "890", Some("00"));
    let birthdate = date(1988, 8, 8);
    let base = Base {
        card: &card,
        insurer_name: "全国健康保険協会東京支部",
        name: "渡●　美咲",
        kana: "ﾜﾀﾅﾍﾞ ﾐｻｷ",
        sex: Sex::Female,
        birthdate,
    };
    let mut q = record(&base);
    q.personal_family = Some(PersonalFamily::Insured);
    q.insured_name = s("渡●　美咲");
    q.valid_from = Some(date(2019, 4, 1));
    q.post_number = s("125-0052");
    q.address = s("東京都●飾区柴又1-2-3");
    base.person(
        "watanabe-misaki",
        Some("東京都●飾区柴又1-2-3"),
        QualificationValidity::Valid,
        vec![q],
        "有効（氏名・住所に●）",
    )
}

/// Ours: a 6-digit 国民健康保険 insurer number.
fn ota_kazuko() -> Person {
    let card = card_of("138057", Some("大田"), "1234", Some("01"));
    let birthdate = date(1960, 6, 6);
    let base = Base {
        card: &card,
        insurer_name: "大田区",
        name: "大田　和子",
        kana: "ｵｵﾀ ｶｽﾞｺ",
        sex: Sex::Female,
        birthdate,
    };
    let mut q = record(&base);
    q.insured_name = s("大田　和子");
    q.valid_from = Some(date(2021, 4, 1));
    q.post_number = s("144-0051");
    q.address = s("東京都大田区西蒲田7-1-1");
    base.person(
        "ota-kazuko",
        Some("東京都大田区西蒲田7-1-1"),
        QualificationValidity::Valid,
        vec![q],
        "有効（国民健康保険、保険者番号6桁）",
    )
}

/// Ours: 後期高齢者医療 (法別 39): no 記号, no 枝番, no 本人・家族, 一部負担金割合 1割.
fn minato_haru() -> Person {
    let card = card_of("39131156", None, "12345674", None);
    let birthdate = date(1940, 5, 5);
    let base = Base {
        card: &card,
        insurer_name: "東京都後期高齢者医療広域連合",
        name: "港　ハル",
        kana: "ﾐﾅﾄ ﾊﾙ",
        sex: Sex::Female,
        birthdate,
    };
    let mut q = record(&base);
    q.insured_name = s("港　ハル");
    q.valid_from = Some(date(2025, 8, 1));
    q.valid_until = Some(date(2027, 7, 31));
    q.partial_ratio = Some(ContributionRatio(10));
    q.post_number = s("105-0011");
    q.address = s("東京都港区芝公園4-2-8");
    base.person(
        "minato-haru",
        Some("東京都港区芝公園4-2-8"),
        QualificationValidity::Valid,
        vec![q],
        "有効（後期高齢者医療、枝番なし、一部負担金割合1割）",
    )
}

/// Ours: a 限度額適用認定証 (区分ウ), shown only where the patient consents.
fn kawasaki_kenichi() -> Person {
    let card = card_of("01130012", Some("7654321"), "12", Some("00"));
    let birthdate = date(1975, 10, 10);
    let base = Base {
        card: &card,
        insurer_name: "全国健康保険協会東京支部",
        name: "川崎　健一",
        kana: "ｶﾜｻｷ ｹﾝｲﾁ",
        sex: Sex::Male,
        birthdate,
    };
    let mut q = record(&base);
    q.personal_family = Some(PersonalFamily::Insured);
    q.insured_name = s("川崎　健一");
    q.valid_from = Some(date(2015, 4, 1));
    q.limit.certificate = Some(LimitCertificate {
        classification: Some(LimitCertificateClassification::Limit),
        flag: Some(LimitCertificateFlag::A03),
        issued: Some(date(2026, 4, 1)),
        valid_from: Some(date(2026, 4, 1)),
        valid_until: Some(date(2027, 3, 31)),
        long_term: None,
    });
    base.person(
        "kawasaki-kenichi",
        None,
        QualificationValidity::Valid,
        vec![q],
        "有効（限度額適用認定証 区分ウ、同意した場合のみ表示）",
    )
}

/// Ours: a 特定疾病療養受療証 (人工透析), shown only where the patient consents.
fn yokohama_toru() -> Person {
    let card = card_of("01130012", Some("5550001"), "3", Some("00"));
    let birthdate = date(1958, 12, 12);
    let base = Base {
        card: &card,
        insurer_name: "全国健康保険協会東京支部",
        name: "横浜　透",
        kana: "ﾖｺﾊﾏ ﾄｵﾙ",
        sex: Sex::Male,
        birthdate,
    };
    let mut q = record(&base);
    q.personal_family = Some(PersonalFamily::Insured);
    q.insured_name = s("横浜　透");
    q.valid_from = Some(date(2010, 4, 1));
    q.diseases.certificates = vec![DiseaseCertificate {
        category: Some(SpecificDisease::Dialysis),
        issued: Some(date(2020, 6, 1)),
        valid_from: Some(date(2020, 6, 1)),
        valid_until: None,
        self_pay: Some(10_000),
    }];
    base.person(
        "yokohama-toru",
        None,
        QualificationValidity::Valid,
        vec![q],
        "有効（特定疾病療養受療証 人工透析、同意した場合のみ表示）",
    )
}

/// Ours: the patient of seed 003's drug list and checkup table (a woman of 60 on 2022-10-15).
fn nakahara_sakura() -> Person {
    let card = card_of("01130012", Some("2468101"), "7", Some("00"));
    let birthdate = date(1962, 4, 10);
    let base = Base {
        card: &card,
        insurer_name: "全国健康保険協会東京支部",
        name: "中原　さくら",
        kana: "ﾅｶﾊﾗ ｻｸﾗ",
        sex: Sex::Female,
        birthdate,
    };
    let mut q = record(&base);
    q.personal_family = Some(PersonalFamily::Insured);
    q.insured_name = s("中原　さくら");
    q.valid_from = Some(date(2012, 4, 1));
    q.post_number = s("211-0016");
    q.address = s("神奈川県川崎市中原区市ノ坪1-1");
    base.person(
        "nakahara-sakura",
        Some("神奈川県川崎市中原区市ノ坪1-1"),
        QualificationValidity::Valid,
        vec![q],
        "有効（薬剤情報・特定健診情報あり）",
    )
}
