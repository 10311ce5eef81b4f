//! The canned data against the seeds' literal strings (decisions.md D8, D10). Names compare by
//! `text::name_key`, since the seeds' OCR prints the full-width space as a space.

use onshi_core::{
    canned::{self, people::person},
    codes::CodeTable,
    domain::Qualification,
    era,
    text::name_key,
};

/// One printed field of a screen in the seeds, and the qualification's value for it.
fn fields(q: &Qualification) -> Vec<(&'static str, String)> {
    let date = |d: Option<chrono::NaiveDate>| d.and_then(era::format).unwrap_or_default();
    vec![
        (
            "保険者番号",
            q.card
                .insurer_number
                .as_ref()
                .map(|n| n.digits().to_owned())
                .unwrap_or_default(),
        ),
        ("保険者名", q.insurer_name.clone().unwrap_or_default()),
        ("記号", q.card.symbol.clone().unwrap_or_default()),
        ("番号", q.card.number.clone().unwrap_or_default()),
        ("枝番", q.card.branch.clone().unwrap_or_default()),
        ("氏名", name_key(q.name.as_deref().unwrap_or_default())),
        (
            "性別",
            q.sex1
                .as_ref()
                .map(|s| s.label().into_owned())
                .unwrap_or_default(),
        ),
        ("生年月日", date(q.birthdate)),
        (
            "証区分",
            q.card_classification
                .as_ref()
                .map(|c| c.label().into_owned())
                .unwrap_or_default(),
        ),
        ("有効開始日", date(q.valid_from)),
        ("有効終了日", date(q.valid_until)),
        (
            "資格喪失事由",
            q.reason_of_loss
                .as_ref()
                .map(|r| r.label().into_owned())
                .unwrap_or_default(),
        ),
        (
            "本人・家族の別",
            q.personal_family
                .as_ref()
                .map(|p| p.label().into_owned())
                .unwrap_or_default(),
        ),
        (
            "被保険者氏名",
            name_key(q.insured_name.as_deref().unwrap_or_default()),
        ),
        ("郵便番号", q.post_number.clone().unwrap_or_default()),
        ("住所", q.address.clone().unwrap_or_default()),
    ]
}

fn check(id: &str, expected: &[(&str, &str)]) {
    let person = person(id).expect(id);
    let actual = fields(&person.qualifications[0]);
    for (label, value) in expected {
        let found = actual
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.as_str());
        assert_eq!(found, Some(*value), "{id} {label}");
    }
}

/// Seed 000 Case2 (資格情報確認, 有効).
#[test]
fn shinbashi_taro_of_case2() {
    check(
        "shinbashi-taro",
        &[
            ("保険者番号", "06139000"),
            ("保険者名", "東京新橋サンプル保険者"),
            ("記号", "9000"),
            ("番号", "10001"),
            ("枝番", "01"),
            ("氏名", "新橋太郎"),
            ("性別", "男"),
            ("生年月日", "昭和29年3月26日"),
            ("証区分", "被保険者証（一般）"),
            ("有効開始日", "令和2年1月1日"),
            ("有効終了日", ""),
            ("資格喪失事由", ""),
            ("本人・家族の別", "本人"),
            ("被保険者氏名", "新橋太郎"),
            ("郵便番号", "151-1234"),
            ("住所", "東京都港区〇〇5丁目500-1"),
        ],
    );
    let q = &person("shinbashi-taro").expect("taro").qualifications[0];
    assert_eq!(
        name_key(q.name_of_other.as_deref().unwrap_or_default()),
        "新橋他太郎"
    );
    let elderly = q.elderly.as_ref().expect("高齢受給者証");
    assert_eq!(elderly.ratio.map(|r| r.label()).as_deref(), Some("2割"));
    assert_eq!(
        elderly.valid_from.and_then(era::format).as_deref(),
        Some("令和2年1月1日")
    );
    assert_eq!(canned::TARO_REFERENCE_NUMBER, "12345678901");
}

/// Seed 000 「その他の判定結果」 (資格無効).
#[test]
fn shinbashi_hanako_invalid() {
    check(
        "shinbashi-hanako",
        &[
            ("枝番", "02"),
            ("氏名", "新橋花子"),
            ("性別", "女"),
            ("生年月日", "昭和30年1月18日"),
            ("有効開始日", "令和2年1月1日"),
            ("有効終了日", "令和2年12月31日"),
            ("資格喪失事由", "その他"),
            ("本人・家族の別", "家族"),
            ("被保険者氏名", "新橋太郎"),
        ],
    );
}

/// Seed 000 「その他の判定結果」 (資格無効 新しい資格が存在する場合).
#[test]
fn shinbashi_ichiro_invalid_with_a_new_qualification() {
    check(
        "shinbashi-ichiro",
        &[
            ("枝番", "03"),
            ("氏名", "新橋一郎"),
            ("性別", "男"),
            ("生年月日", "昭和59年4月1日"),
            ("有効開始日", "令和2年1月1日"),
            ("有効終了日", "令和3年1月31日"),
            ("資格喪失事由", ""),
            ("本人・家族の別", "本人"),
            ("被保険者氏名", "新橋一郎"),
        ],
    );
    assert_eq!(
        person("shinbashi-ichiro").expect("ichiro").outcome.label(),
        "無効（新しい資格あり）"
    );
}

/// Seed 000 Case1 ⑥ (資格確認履歴詳細): the other 新橋 太郎 (D10).
#[test]
fn shinbashi_taro_of_case1() {
    check(
        "shinbashi-taro-sample",
        &[
            ("保険者番号", "31130842"),
            ("保険者名", "サンプル保険者"),
            ("記号", "2022"),
            ("番号", "010001"),
            ("枝番", "01"),
            ("氏名", "新橋太郎"),
            ("性別", "男"),
            ("生年月日", "平成23年1月1日"),
            ("証区分", "被保険者証（一般）"),
            ("有効開始日", "令和4年5月1日"),
            ("本人・家族の別", "本人"),
            ("被保険者氏名", "新橋太郎"),
            ("郵便番号", "211-0015"),
            ("住所", "神奈川県川崎市中原区北谷町99-999"),
        ],
    );
}

/// D10: the kana of 新橋 is シンバシ.
#[test]
fn the_kana_is_shinbashi() {
    for id in [
        "shinbashi-taro",
        "shinbashi-hanako",
        "shinbashi-ichiro",
        "shinbashi-taro-sample",
    ] {
        let kana = person(id).expect(id).qualifications[0]
            .name_kana
            .clone()
            .unwrap_or_default();
        assert!(name_key(&kana).starts_with("シンバシ"), "{id}: {kana}");
    }
}

/// Seed 000 Case3: the two readers.
#[test]
fn the_readers() {
    assert_eq!(
        canned::READERS.map(|(_, device, label)| (device, label)),
        [
            ("Identiv CLOUD 3701 F Contactless Reader 0", "外科受付用"),
            ("Sony FeliCa Port/PaSoRi 3.0 0", "内科受付用"),
        ]
    );
}

/// One dispensing as the seed's table shows it: date, place, use, and (drug, amount) rows.
type DispensingRow = (String, String, String, Vec<(String, String)>);

/// Seed 003's drug list and checkup table.
#[test]
fn seed_003_drug_list_and_checkups() {
    let rows: Vec<DispensingRow> = canned::medical::dispensings()
        .iter()
        .map(|d| {
            (
                d.date
                    .map(|date| date.format("%y年%-m月%-d日").to_string())
                    .unwrap_or_default(),
                d.place.clone(),
                d.use_kind(),
                d.drugs
                    .iter()
                    .map(|i| (i.name.clone(), i.amount()))
                    .collect(),
            )
        })
        .collect();
    let pressure = vec![
        (
            "アムロジピン錠2.5mg「オーハラ」".to_owned(),
            "1錠 30日分".to_owned(),
        ),
        (
            "テルミサルタン錠20mg「TCK」".to_owned(),
            "1錠 30日分".to_owned(),
        ),
    ];
    let skin = vec![
        ("オキナゾールクリーム1%".to_owned(), "8g 1瓶分".to_owned()),
        ("リンデロン-VG軟膏0.12%".to_owned(), "4g 1瓶分".to_owned()),
    ];
    let row = |date: &str, kind: &str, drugs: &Vec<(String, String)>| {
        (
            date.to_owned(),
            "院内".to_owned(),
            kind.to_owned(),
            drugs.clone(),
        )
    };
    assert_eq!(
        rows,
        vec![
            row("22年9月10日", "内服", &pressure),
            row("22年6月20日", "内服", &pressure),
            row("22年7月2日", "内服", &pressure),
            row("22年6月4日", "内服", &pressure),
            row("22年5月23日", "外用", &skin),
            row("22年5月14日", "外用", &skin),
            row("22年4月30日", "内服", &pressure),
        ]
    );
    let checkup = &canned::medical::checkups()[0];
    assert_eq!(
        checkup.date.map(|d| d.to_string()).as_deref(),
        Some("2020-06-15")
    );
    let values: Vec<(&str, Option<&str>)> = checkup
        .values
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_deref()))
        .collect();
    // The report's groups, in its order, as seed 003 prints them.
    let mut groups: Vec<&str> = Vec::new();
    for v in &checkup.values {
        if groups.last() != Some(&v.group()) {
            groups.push(v.group());
        }
    }
    assert_eq!(
        groups,
        [
            "基本項目",
            "血圧",
            "脂質",
            "肝機能",
            "血糖",
            "尿検査",
            "詳細項目"
        ]
    );
    for expected in [
        ("身長", Some("157.1")),
        ("体重", Some("59.4")),
        ("腹囲", Some("87.0")),
        ("BMI", Some("24.1")),
        ("収縮期血圧", Some("117")),
        ("拡張期血圧", Some("70")),
        ("中性脂肪", Some("190")),
        ("HDL-コレステロール", Some("52")),
        ("LDL-コレステロール", Some("154")),
        ("GOT (AST)", Some("18")),
        ("GPT (ALT)", Some("22")),
        ("γ-GT (γ-GTP)", Some("41")),
        ("空腹時血糖", Some("114")),
        ("HbA1c", Some("6.1")),
        ("尿糖", Some("(-)")),
        ("尿蛋白", Some("(-)")),
        ("eGFR", None),
    ] {
        assert!(values.contains(&expected), "{expected:?}");
    }
    assert_eq!(checkup.objective.as_deref(), Some("特記すべきことなし"));
}

/// A synthetic history of thousands of checks (for benchmarks) is searched, paged and read back like
/// a recorded one; its details are rebuilt from the stored columns.
#[test]
fn a_synthetic_history_is_searched_paged_and_read_back() {
    use crate::harness::Harness;
    use chrono::TimeDelta;
    use onshi_core::{
        canned::synthetic,
        client::{self, HistorySearch},
        codes::QualificationValidity,
        contract::groups::HistoryPage,
        domain::QualificationResult,
        random::SeededRandom,
        simulator::NationalSide,
        store::Narrow,
        wire,
    };

    let mut h = Harness::training();
    let token = h.token("002");
    let mut random = SeededRandom::new(9);
    let side = NationalSide::with_people(synthetic::people(200, &mut random));
    let from = h.now + TimeDelta::days(-30);
    let records =
        synthetic::history(&side, 5_000, from, h.now, &mut random).expect("encodable answers");
    let valid = records
        .iter()
        .filter(|r| r.validity.as_deref() == Some(QualificationValidity::Valid.code()))
        .count();
    h.store.extend_history(records).expect("ids rise");

    let search = |narrow, page| HistorySearch {
        from: Some("2026-10-23T09:00".to_owned()),
        narrow,
        page: Some(page),
        per_page: Some(100),
        ..HistorySearch::default()
    };
    let all: HistoryPage = h.json(&client::history(&token, &search(Narrow::All, 50)), 200);
    assert_eq!((all.total, all.items.len()), (5_000, 100));
    let only_valid: HistoryPage = h.json(&client::history(&token, &search(Narrow::Valid, 1)), 200);
    assert_eq!(only_valid.total, valid);
    assert!(valid > 3_000 && valid < 5_000, "{valid}");

    // The last page ends with the oldest entry; a valid one reads back as the official result.
    assert_eq!(all.items.last().map(|i| i.id), Some(1));
    let entry = all
        .items
        .iter()
        .find(|i| i.validity.as_ref().is_some_and(|v| v.code == "1"))
        .expect("a valid check on the page");
    let detail = h.xml(&client::history_detail(&token, entry.id));
    let (message, _) =
        wire::QualificationResult::decode_with_encoding(&detail.body, wire::MESSAGE_LIMIT)
            .expect("the stored result decodes");
    let (result, findings) = QualificationResult::from_wire(&message);
    assert!(findings.0.is_empty(), "{findings:?}");
    let qualification = &result.answer.qualifications[0];
    assert_eq!(qualification.name, entry.name);
    assert_eq!(qualification.birthdate, entry.birthdate);
    assert_eq!(
        qualification
            .card
            .insurer_number
            .as_ref()
            .map(|n| n.digits().to_owned()),
        entry.insurer_number
    );
}

/// The names as the national system writes them, pinned exactly (the other tests compare by
/// `name_key`, which would let a half-width space or full-width kana slip by).
#[test]
fn names_and_kana_are_pinned_literally() {
    let literal = |id: &str| {
        let p = person(id).expect("canned");
        (p.name, p.kana)
    };
    assert_eq!(
        literal("shinbashi-taro"),
        ("新橋\u{3000}太郎".to_owned(), "ｼﾝﾊﾞｼ ﾀﾛｳ".to_owned())
    );
    assert_eq!(
        literal("shinbashi-hanako"),
        ("新橋\u{3000}花子".to_owned(), "ｼﾝﾊﾞｼ ﾊﾅｺ".to_owned())
    );
    assert_eq!(
        literal("shinbashi-ichiro"),
        ("新橋\u{3000}一郎".to_owned(), "ｼﾝﾊﾞｼ ｲﾁﾛｳ".to_owned())
    );
}
