//! Japanese era (和暦) dates for patient birthdates and qualification dates.
//!
//! Insurance cards, qualification records and the people at the reception desk
//! all speak in 和暦, while the rest of Onshi stores plain Gregorian dates. This
//! module is the one place that converts between the two: it formats a
//! Gregorian date the way a card prints it, and it parses every form that
//! reception staff are known to type, so that a date field never has to guess.
//!
//! The era table starts 明治 on 1868-01-25, the Gregorian date of 慶応4年1月1日,
//! because 明治 was made retroactive to the first day of that year. Some
//! libraries start it on 1868-01-01 instead; the choice only changes dates in
//! January 1868. Japan kept the lunisolar calendar until 明治5年12月2日, so an
//! early 明治 date written on an old record is not the Gregorian month and day
//! of the same numbers. This module treats every era month and day as
//! Gregorian, as every current system does, and leaves that history alone.
//!
//! Whether a date may lie in the future, or is plausible as a birthdate, is the
//! caller's validation and is deliberately not decided here.

use std::fmt;
use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;

use crate::catalogue;

/// One of the five modern Japanese eras, in chronological order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    /// Every era, oldest first, so that searches can walk the table in order.
    pub const ALL: [Era; 5] = [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa];

    /// The era name as printed on cards, for example 「昭和」.
    pub fn kanji(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// The JIS X 0301 letter, upper case, for example 'S'.
    pub fn letter(self) -> char {
        match self {
            Era::Meiji => 'M',
            Era::Taisho => 'T',
            Era::Showa => 'S',
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    /// The leading digit of the seven-digit era code, for example 3 for 昭和.
    pub fn digit(self) -> u8 {
        match self {
            Era::Meiji => 1,
            Era::Taisho => 2,
            Era::Showa => 3,
            Era::Heisei => 4,
            Era::Reiwa => 5,
        }
    }

    /// The Gregorian date of the era's first day (its 元年).
    pub fn first_day(self) -> NaiveDate {
        match self {
            Era::Meiji => MEIJI_FIRST_DAY,
            Era::Taisho => TAISHO_FIRST_DAY,
            Era::Showa => SHOWA_FIRST_DAY,
            Era::Heisei => HEISEI_FIRST_DAY,
            Era::Reiwa => REIWA_FIRST_DAY,
        }
    }

    /// The Gregorian date of the era's last day, or `None` for the current era.
    pub fn last_day(self) -> Option<NaiveDate> {
        // An era ends the day before the next one begins, so deriving it keeps
        // the table free of a second set of dates that could disagree.
        self.next()?.first_day().pred_opt()
    }

    /// The era a Gregorian date falls in, or `None` before 明治 began.
    pub fn of(date: NaiveDate) -> Option<Era> {
        Era::ALL
            .into_iter()
            .rev()
            .find(|era| era.first_day() <= date)
    }

    fn next(self) -> Option<Era> {
        match self {
            Era::Meiji => Some(Era::Taisho),
            Era::Taisho => Some(Era::Showa),
            Era::Showa => Some(Era::Heisei),
            Era::Heisei => Some(Era::Reiwa),
            Era::Reiwa => None,
        }
    }

    fn from_letter(letter: char) -> Option<Era> {
        let letter = letter.to_ascii_uppercase();
        Era::ALL.into_iter().find(|era| era.letter() == letter)
    }

    fn from_kanji(name: &str) -> Option<Era> {
        Era::ALL.into_iter().find(|era| era.kanji() == name)
    }

    fn from_digit(digit: u32) -> Option<Era> {
        Era::ALL
            .into_iter()
            .find(|era| u32::from(era.digit()) == digit)
    }

    /// Tells whether a date lies between the era's first and last day.
    fn contains(self, date: NaiveDate) -> bool {
        date >= self.first_day() && self.last_day().is_none_or(|last| date <= last)
    }
}

/// A date split into era, era year, month and day, as written in 和暦.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Wareki {
    pub era: Era,
    /// The year within the era, 1 for 元年.
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

impl fmt::Display for Wareki {
    /// Writes the card form, for example 「昭和29年3月26日」 or 「平成元年1月8日」.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}月{}日",
            era_year(self.era, self.year),
            self.month,
            self.day
        )
    }
}

/// Splits a Gregorian date into its 和暦 parts, or `None` before 明治 began.
pub fn to_wareki(date: NaiveDate) -> Option<Wareki> {
    let era = Era::of(date)?;
    // The difference is never negative because `Era::of` only returns an era
    // that has already begun, so the conversion cannot actually fail.
    let year = u32::try_from(date.year() - era.first_day().year() + 1).ok()?;
    Some(Wareki {
        era,
        year,
        month: date.month(),
        day: date.day(),
    })
}

/// Formats a date as on a card, for example 「昭和29年3月26日」, or `None` before 明治.
pub fn format(date: NaiveDate) -> Option<String> {
    to_wareki(date).map(|wareki| wareki.to_string())
}

/// Formats a year and month, for example 「令和4年9月」.
///
/// The era is the one in force on the first day of the month, so a month in
/// which the era changed is named after the era it started in (1989-01 is
/// 「昭和64年1月」). Returns `None` for an invalid month and for any month whose
/// first day precedes 明治, which includes January 1868.
pub fn format_year_month(year: i32, month: u32) -> Option<String> {
    let wareki = to_wareki(NaiveDate::from_ymd_opt(year, month, 1)?)?;
    Some(format!("{}{month}月", era_year(wareki.era, wareki.year)))
}

/// Formats a date in the JIS X 0301 style, for example `S29.03.26`.
pub fn format_jis(date: NaiveDate) -> Option<String> {
    let wareki = to_wareki(date)?;
    Some(format!(
        "{}{:02}.{:02}.{:02}",
        wareki.era.letter(),
        wareki.year,
        wareki.month,
        wareki.day
    ))
}

/// Parses a date in any form reception staff type, 和暦 or Gregorian.
///
/// The input is NFKC-normalised first, so full-width digits, letters and
/// punctuation work, as do the single-character era signs such as 「㍼」.
/// Accepted shapes, with spaces allowed between the parts:
///
/// - `昭和29年3月26日`, `平成元年1月8日`, `R1年5月1日` (the trailing 日 may be left out);
/// - `S29.3.26`, `S29/3/26`, `S29-3-26`, `s29.03.26`, `R01.05.01`;
/// - `S290326`, a letter and six digits;
/// - `3290326`, seven digits led by the era digit;
/// - `1954-03-26`, `1954/3/26`, `1954.3.26`, `19540326`, `1954年3月26日`.
///
/// An eight-digit string is always Gregorian and a seven-digit one always an
/// era code. Gregorian dates before 明治 are real dates and are accepted.
pub fn parse(input: &str) -> Result<NaiveDate, EraError> {
    let normalized: String = input.nfkc().map(ascii_separator).collect();
    let tokens = tokenize(&normalized);
    let unrecognised = || EraError::Unrecognised {
        input: input.to_owned(),
    };
    let unknown_era = || EraError::UnknownEra {
        input: input.to_owned(),
    };
    let no_such_date = || EraError::NoSuchDate {
        input: input.to_owned(),
    };

    let (era, rest) = match tokens.split_first() {
        None => return Err(EraError::Empty),
        Some((Token::Letters(letters), rest)) => {
            let mut chars = letters.chars();
            match (chars.next(), chars.next()) {
                (Some(letter), None) => (Era::from_letter(letter).ok_or_else(unknown_era)?, rest),
                _ => return Err(unrecognised()),
            }
        }
        Some((Token::Word(word), rest)) => match Era::from_kanji(word) {
            Some(era) => (era, rest),
            None if looks_like_era_name(word) => return Err(unknown_era()),
            None => return Err(unrecognised()),
        },
        // The seven-digit code is the era digit followed by the same six
        // digits a letter form carries, so it joins the era path below.
        Some((Token::Number(code), [])) if code.len() == 7 => {
            let era = code
                .chars()
                .next()
                .and_then(|digit| digit.to_digit(10))
                .and_then(Era::from_digit)
                .ok_or_else(unknown_era)?;
            // A year 00 or a month beyond 12 is no era code but a mistyped Gregorian date (1954326
            // for 19540326): say the format is wrong rather than that the date does not exist.
            let year_and_month_read = number::<u32>(&code[1..3], 2..=2).is_some_and(|y| y >= 1)
                && number::<u32>(&code[3..5], 2..=2).is_some_and(|m| (1..=12).contains(&m));
            if !year_and_month_read {
                return Err(unrecognised());
            }
            (era, &[Token::Number(&code[1..])][..])
        }
        // Without an era the input can only be Gregorian, and its year must
        // have four digits so that 「29.3.26」 is refused rather than guessed.
        Some(_) => {
            let (year, month, day) = fields(&tokens, 4..=4).ok_or_else(unrecognised)?;
            return NaiveDate::from_ymd_opt(year, month, day).ok_or_else(no_such_date);
        }
    };

    let (year, month, day) = fields(rest, 1..=2).ok_or_else(unrecognised)?;
    let date = NaiveDate::from_ymd_opt(era.first_day().year() + year - 1, month, day)
        .ok_or_else(no_such_date)?;
    if era.contains(date) {
        Ok(date)
    } else {
        Err(EraError::OutsideEra {
            input: input.to_owned(),
            era,
        })
    }
}

/// Why a date could not be parsed; every variant but `Empty` keeps the input as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EraError {
    #[error("no date was entered")]
    Empty,
    #[error("{input:?} is not in a recognised date format")]
    Unrecognised { input: String },
    #[error("{input:?} names an unknown era")]
    UnknownEra { input: String },
    #[error("{input:?} is not a real calendar date")]
    NoSuchDate { input: String },
    #[error("{input:?} falls outside the {era:?} era")]
    OutsideEra { input: String, era: Era },
}

impl EraError {
    /// A short Japanese message to show next to the date field (from the catalogue). A date outside
    /// its era is told the era's span, so staff see which era the date belongs to.
    pub fn message(&self) -> String {
        match self {
            EraError::Empty => catalogue::DATE_REQUIRED.to_owned(),
            EraError::Unrecognised { .. } => catalogue::DATE_UNRECOGNISED.to_owned(),
            EraError::UnknownEra { .. } => catalogue::DATE_UNKNOWN_ERA.to_owned(),
            EraError::NoSuchDate { .. } => catalogue::DATE_NO_SUCH_DATE.to_owned(),
            EraError::OutsideEra { era, .. } => catalogue::date_outside_era(
                era.kanji(),
                &format(era.first_day()).unwrap_or_default(),
                era.last_day().and_then(format).as_deref(),
            ),
        }
    }
}

// The table dates are constants so that a mistyped date fails the build
// instead of a reception desk.
const MEIJI_FIRST_DAY: NaiveDate = table_date(1868, 1, 25);
const TAISHO_FIRST_DAY: NaiveDate = table_date(1912, 7, 30);
const SHOWA_FIRST_DAY: NaiveDate = table_date(1926, 12, 25);
const HEISEI_FIRST_DAY: NaiveDate = table_date(1989, 1, 8);
const REIWA_FIRST_DAY: NaiveDate = table_date(2019, 5, 1);

const fn table_date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day)
        .expect("the era table holds only real dates, checked when the constants are compiled")
}

/// Spells 「昭和29年」 or, for the first year, 「平成元年」, as cards print it.
fn era_year(era: Era, year: u32) -> String {
    if year == 1 {
        format!("{}元年", era.kanji())
    } else {
        format!("{}{year}年", era.kanji())
    }
}

/// Maps the separators a Japanese IME produces to the ASCII ones staff meant.
///
/// In kana mode the ".", "/" and "-" keys give 「。」, 「・」 and 「ー」, and
/// NFKC leaves those and the Unicode dashes alone, so they would otherwise
/// turn a correctly typed date into an unrecognised one.
fn ascii_separator(c: char) -> char {
    match c {
        '。' => '.',
        '・' => '/',
        'ー' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
        other => other,
    }
}

/// One lexical piece of a date as typed, borrowed from the normalised input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Number(&'a str),
    Letters(&'a str),
    /// Any other run of characters, which can only be an era name.
    Word(&'a str),
    /// 「元」 directly before 「年」, meaning year 1.
    Gannen,
    Year,
    Month,
    Day,
    Separator(char),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharKind {
    Digit,
    Letter,
    Space,
    Single,
    Other,
}

impl CharKind {
    fn of(c: char) -> CharKind {
        match c {
            '0'..='9' => CharKind::Digit,
            'a'..='z' | 'A'..='Z' => CharKind::Letter,
            '.' | '/' | '-' | '年' | '月' | '日' => CharKind::Single,
            c if c.is_whitespace() => CharKind::Space,
            _ => CharKind::Other,
        }
    }
}

/// Splits the input into tokens; whitespace only separates them, which is what
/// lets staff put spaces anywhere between the parts.
fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = text;
    while let Some(first) = rest.chars().next() {
        let kind = CharKind::of(first);
        let len = match kind {
            CharKind::Single => first.len_utf8(),
            _ => rest.find(|c| CharKind::of(c) != kind).unwrap_or(rest.len()),
        };
        let (run, tail) = rest.split_at(len);
        rest = tail;
        match kind {
            CharKind::Space => {}
            CharKind::Digit => tokens.push(Token::Number(run)),
            CharKind::Letter => tokens.push(Token::Letters(run)),
            CharKind::Single => tokens.push(match first {
                '年' => Token::Year,
                '月' => Token::Month,
                '日' => Token::Day,
                separator => Token::Separator(separator),
            }),
            CharKind::Other => {
                // 「元」 is split off only before 「年」 or a separator, so that an
                // era name that merely starts with 元, such as 元禄, stays one word.
                match run.strip_suffix('元') {
                    Some(name) if rest.trim_start().starts_with(['年', '.', '/', '-']) => {
                        if !name.is_empty() {
                            tokens.push(Token::Word(name));
                        }
                        tokens.push(Token::Gannen);
                    }
                    _ => tokens.push(Token::Word(run)),
                }
            }
        }
    }
    tokens
}

/// Tells whether an unknown word is probably a historical era name, such as
/// 「天平」, so that staff are told the era is wrong rather than the format.
fn looks_like_era_name(word: &str) -> bool {
    (2..=4).contains(&word.chars().count())
        && word.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

/// Reads year, month and day from the tokens after any era, or `None` if they
/// have no known shape. The year must have a digit count in `year_digits`; a
/// run of digits alone is read as a year of the longest such width followed
/// by two-digit month and day.
fn fields(tokens: &[Token<'_>], year_digits: RangeInclusive<usize>) -> Option<(i32, u32, u32)> {
    let (year, month, day) = match *tokens {
        [
            year,
            Token::Year,
            Token::Number(month),
            Token::Month,
            Token::Number(day),
        ]
        | [
            year,
            Token::Year,
            Token::Number(month),
            Token::Month,
            Token::Number(day),
            Token::Day,
        ] => match year {
            Token::Number(year) => (year, month, day),
            // 元年 is year 1, and as a one-digit year it is rejected for
            // Gregorian input by the width check below, as it should be.
            Token::Gannen => ("1", month, day),
            _ => return None,
        },
        [
            year,
            Token::Separator(first),
            Token::Number(month),
            Token::Separator(second),
            Token::Number(day),
        ] if first == second => match year {
            Token::Number(year) => (year, month, day),
            // 「令和元.5.1」: 元 as the year of the dotted form too.
            Token::Gannen => ("1", month, day),
            _ => return None,
        },
        [Token::Number(digits)] if digits.len() == year_digits.end() + 4 => {
            let (year, month_day) = digits.split_at(*year_digits.end());
            let (month, day) = month_day.split_at(2);
            (year, month, day)
        }
        _ => return None,
    };
    Some((
        number(year, year_digits)?,
        number(month, 1..=2)?,
        number(day, 1..=2)?,
    ))
}

/// Reads a run of ASCII digits whose length is within `digits`.
fn number<T: std::str::FromStr>(text: &str, digits: RangeInclusive<usize>) -> Option<T> {
    if digits.contains(&text.len()) {
        text.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kind of failure a case expects; `check` adds the input to build
    /// the full error, which also tests that errors carry the input as typed.
    #[derive(Debug, Clone, Copy)]
    enum Fail {
        Empty,
        Unrecognised,
        UnknownEra,
        NoSuchDate,
        OutsideEra(Era),
    }
    use Fail::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test tables hold ISO dates")
    }

    fn check(input: &str, expected: Result<&str, Fail>) {
        let expected = expected.map(date).map_err(|fail| {
            let input = input.to_owned();
            match fail {
                Empty => EraError::Empty,
                Unrecognised => EraError::Unrecognised { input },
                UnknownEra => EraError::UnknownEra { input },
                NoSuchDate => EraError::NoSuchDate { input },
                OutsideEra(era) => EraError::OutsideEra { input, era },
            }
        });
        assert_eq!(parse(input), expected, "parsing {input:?}");
    }

    fn check_all(cases: &[(&str, Result<&str, Fail>)]) {
        for &(input, expected) in cases {
            check(input, expected);
        }
    }

    /// Dates whose card form is known, each checked in both directions.
    const SEEDS: &[(&str, &str)] = &[
        ("1954-03-26", "昭和29年3月26日"),
        ("2011-01-01", "平成23年1月1日"),
        ("1955-01-18", "昭和30年1月18日"),
        ("1984-04-01", "昭和59年4月1日"),
        ("2022-05-01", "令和4年5月1日"),
        ("2020-01-01", "令和2年1月1日"),
        ("2020-12-31", "令和2年12月31日"),
        ("2021-01-31", "令和3年1月31日"),
    ];

    /// The last day of each era and the first day of the next one.
    const BOUNDARIES: &[(&str, &str, &str)] = &[
        ("1868-01-25", "明治元年1月25日", "M01.01.25"),
        ("1912-07-29", "明治45年7月29日", "M45.07.29"),
        ("1912-07-30", "大正元年7月30日", "T01.07.30"),
        ("1926-12-24", "大正15年12月24日", "T15.12.24"),
        ("1926-12-25", "昭和元年12月25日", "S01.12.25"),
        ("1989-01-07", "昭和64年1月7日", "S64.01.07"),
        ("1989-01-08", "平成元年1月8日", "H01.01.08"),
        ("2019-04-30", "平成31年4月30日", "H31.04.30"),
        ("2019-05-01", "令和元年5月1日", "R01.05.01"),
    ];

    #[test]
    fn seeds_format_and_parse() {
        for &(gregorian, wareki) in SEEDS {
            assert_eq!(format(date(gregorian)).as_deref(), Some(wareki));
            check(wareki, Ok(gregorian));
            check(gregorian, Ok(gregorian));
        }
    }

    #[test]
    fn boundaries_format_and_parse() {
        for &(gregorian, wareki, jis) in BOUNDARIES {
            assert_eq!(format(date(gregorian)).as_deref(), Some(wareki));
            assert_eq!(format_jis(date(gregorian)).as_deref(), Some(jis));
            check(wareki, Ok(gregorian));
            check(jis, Ok(gregorian));
        }
    }

    #[test]
    fn boundaries_reject_the_wrong_side() {
        check_all(&[
            ("明治45年7月30日", Err(OutsideEra(Era::Meiji))),
            ("大正元年7月29日", Err(OutsideEra(Era::Taisho))),
            ("大正15年12月25日", Err(OutsideEra(Era::Taisho))),
            ("昭和元年12月24日", Err(OutsideEra(Era::Showa))),
            ("昭和64年1月8日", Err(OutsideEra(Era::Showa))),
            ("平成1年1月7日", Err(OutsideEra(Era::Heisei))),
            ("平成元年1月7日", Err(OutsideEra(Era::Heisei))),
            ("平成31年5月1日", Err(OutsideEra(Era::Heisei))),
            ("令和元年4月30日", Err(OutsideEra(Era::Reiwa))),
            ("明治元年1月24日", Err(OutsideEra(Era::Meiji))),
            ("明治元年1月1日", Err(OutsideEra(Era::Meiji))),
            ("S0.12.31", Err(OutsideEra(Era::Showa))),
            ("H32.1.1", Err(OutsideEra(Era::Heisei))),
            ("4010107", Err(OutsideEra(Era::Heisei))),
            ("3640108", Err(OutsideEra(Era::Showa))),
        ]);
    }

    #[test]
    fn era_table() {
        let table = [
            (Era::Meiji, "明治", 'M', 1, "1868-01-25", Some("1912-07-29")),
            (
                Era::Taisho,
                "大正",
                'T',
                2,
                "1912-07-30",
                Some("1926-12-24"),
            ),
            (Era::Showa, "昭和", 'S', 3, "1926-12-25", Some("1989-01-07")),
            (
                Era::Heisei,
                "平成",
                'H',
                4,
                "1989-01-08",
                Some("2019-04-30"),
            ),
            (Era::Reiwa, "令和", 'R', 5, "2019-05-01", None),
        ];
        assert_eq!(Era::ALL, table.map(|row| row.0));
        for (era, kanji, letter, digit, first, last) in table {
            assert_eq!(era.kanji(), kanji);
            assert_eq!(era.letter(), letter);
            assert_eq!(era.digit(), digit);
            assert_eq!(era.first_day(), date(first));
            assert_eq!(era.last_day(), last.map(date));
            assert_eq!(Era::of(date(first)), Some(era));
            if let Some(last) = last {
                assert_eq!(Era::of(date(last)), Some(era));
            }
        }
        assert_eq!(Era::of(date("1868-01-24")), None);
        assert_eq!(Era::of(date("1600-01-01")), None);
    }

    #[test]
    fn to_wareki_splits_parts() {
        assert_eq!(
            to_wareki(date("1954-03-26")),
            Some(Wareki {
                era: Era::Showa,
                year: 29,
                month: 3,
                day: 26
            })
        );
        assert_eq!(to_wareki(date("1868-01-24")), None);
    }

    #[test]
    fn format_writes_gannen_and_no_padding() {
        let cases = [
            ("1989-01-08", Some("平成元年1月8日")),
            ("2019-05-01", Some("令和元年5月1日")),
            ("2019-12-31", Some("令和元年12月31日")),
            ("1926-12-31", Some("昭和元年12月31日")),
            ("1927-01-01", Some("昭和2年1月1日")),
            ("1990-02-03", Some("平成2年2月3日")),
            ("1868-01-24", None),
            ("1700-06-15", None),
        ];
        for (gregorian, expected) in cases {
            assert_eq!(format(date(gregorian)).as_deref(), expected, "{gregorian}");
        }
    }

    #[test]
    fn format_jis_pads_to_two_digits() {
        let cases = [
            ("2019-05-01", Some("R01.05.01")),
            ("1954-03-26", Some("S29.03.26")),
            ("1989-01-08", Some("H01.01.08")),
            ("2024-12-31", Some("R06.12.31")),
            ("1900-10-09", Some("M33.10.09")),
            ("1868-01-24", None),
        ];
        for (gregorian, expected) in cases {
            assert_eq!(
                format_jis(date(gregorian)).as_deref(),
                expected,
                "{gregorian}"
            );
        }
    }

    #[test]
    fn format_year_month_uses_the_first_of_the_month() {
        let cases = [
            ((2022, 9), Some("令和4年9月")),
            ((2019, 4), Some("平成31年4月")),
            ((2019, 5), Some("令和元年5月")),
            ((1989, 1), Some("昭和64年1月")),
            ((1989, 2), Some("平成元年2月")),
            ((1912, 7), Some("明治45年7月")),
            ((1912, 8), Some("大正元年8月")),
            ((1926, 12), Some("大正15年12月")),
            ((1927, 1), Some("昭和2年1月")),
            ((1868, 2), Some("明治元年2月")),
            ((1868, 1), None),
            ((1867, 12), None),
            ((2022, 13), None),
            ((2022, 0), None),
        ];
        for ((year, month), expected) in cases {
            assert_eq!(
                format_year_month(year, month).as_deref(),
                expected,
                "{year}-{month}"
            );
        }
    }

    #[test]
    fn parses_kanji_forms() {
        check_all(&[
            ("昭和29年3月26日", Ok("1954-03-26")),
            ("平成元年1月8日", Ok("1989-01-08")),
            ("平成1年1月8日", Ok("1989-01-08")),
            ("平成01年01月08日", Ok("1989-01-08")),
            ("昭和 29年 3月 26日", Ok("1954-03-26")),
            ("  昭和 29 年 3 月 26 日  ", Ok("1954-03-26")),
            ("平成 元年 1月 8日", Ok("1989-01-08")),
            ("昭和29年3月26", Ok("1954-03-26")),
            ("令和6年2月29日", Ok("2024-02-29")),
            ("大正3年4月5日", Ok("1914-04-05")),
            ("明治33年10月9日", Ok("1900-10-09")),
            ("R1年5月1日", Ok("2019-05-01")),
            ("r元年5月1日", Ok("2019-05-01")),
            ("S29年3月26日", Ok("1954-03-26")),
            // Full-width input and the single-character era signs.
            ("昭和２９年３月２６日", Ok("1954-03-26")),
            ("平成　元年　１月　８日", Ok("1989-01-08")),
            ("㍼29年3月26日", Ok("1954-03-26")),
            ("㍻元年1月8日", Ok("1989-01-08")),
            ("㋿2年1月1日", Ok("2020-01-01")),
            ("Ｒ１年５月１日", Ok("2019-05-01")),
        ]);
    }

    #[test]
    fn parses_letter_forms() {
        check_all(&[
            ("S29.3.26", Ok("1954-03-26")),
            ("S29/3/26", Ok("1954-03-26")),
            ("S29-3-26", Ok("1954-03-26")),
            ("s29.03.26", Ok("1954-03-26")),
            ("H1.1.8", Ok("1989-01-08")),
            ("h01.01.08", Ok("1989-01-08")),
            ("R01.05.01", Ok("2019-05-01")),
            ("R6.12.31", Ok("2024-12-31")),
            ("T1.7.30", Ok("1912-07-30")),
            ("M45.7.29", Ok("1912-07-29")),
            ("S 29. 3. 26", Ok("1954-03-26")),
            ("Ｓ２９．３．２６", Ok("1954-03-26")),
            ("ｓ２９／３／２６", Ok("1954-03-26")),
            ("Ｓ２９－３－２６", Ok("1954-03-26")),
            // Separators a Japanese IME gives in kana mode.
            ("S29。3。26", Ok("1954-03-26")),
            ("S29・3・26", Ok("1954-03-26")),
            ("S29ー3ー26", Ok("1954-03-26")),
            ("S29−3−26", Ok("1954-03-26")),
            ("昭和29.3.26", Ok("1954-03-26")),
            // 元 in the dotted forms too (found in review).
            ("令和元.5.1", Ok("2019-05-01")),
            ("令和元/5/1", Ok("2019-05-01")),
            ("R元.5.1", Ok("2019-05-01")),
            ("平成 元 . 1 . 8", Ok("1989-01-08")),
        ]);
    }

    #[test]
    fn parses_letter_and_six_digits() {
        check_all(&[
            ("s290326", Ok("1954-03-26")),
            ("S290326", Ok("1954-03-26")),
            ("H010108", Ok("1989-01-08")),
            ("R010501", Ok("2019-05-01")),
            ("Ｓ２９０３２６", Ok("1954-03-26")),
            ("S 290326", Ok("1954-03-26")),
            ("S29326", Err(Unrecognised)),
            ("S2903260", Err(Unrecognised)),
        ]);
    }

    #[test]
    fn parses_seven_digit_era_codes() {
        check_all(&[
            ("3290326", Ok("1954-03-26")),
            ("4010108", Ok("1989-01-08")),
            ("5010501", Ok("2019-05-01")),
            ("2010730", Ok("1912-07-30")),
            ("1330101", Ok("1900-01-01")),
            ("３２９０３２６", Ok("1954-03-26")),
            ("6010101", Err(UnknownEra)),
            ("0290326", Err(UnknownEra)),
            // A month beyond 12 or a year 00 is a mistyped Gregorian date, not an era code (found
            // in review); a real month with an impossible day is no such date.
            ("3291326", Err(Unrecognised)),
            ("1954326", Err(Unrecognised)),
            ("3000326", Err(Unrecognised)),
            ("3290230", Err(NoSuchDate)),
        ]);
    }

    #[test]
    fn parses_gregorian_forms() {
        check_all(&[
            ("1954-03-26", Ok("1954-03-26")),
            ("1954/3/26", Ok("1954-03-26")),
            ("1954.3.26", Ok("1954-03-26")),
            ("19540326", Ok("1954-03-26")),
            ("1954年3月26日", Ok("1954-03-26")),
            ("1954 年 3 月 26 日", Ok("1954-03-26")),
            ("１９５４－０３－２６", Ok("1954-03-26")),
            ("１９５４年３月２６日", Ok("1954-03-26")),
            ("2024-02-29", Ok("2024-02-29")),
            // Dates before 明治 are real dates and are not an era problem.
            ("1868-01-24", Ok("1868-01-24")),
            ("1800/1/1", Ok("1800-01-01")),
            ("18000101", Ok("1800-01-01")),
        ]);
    }

    #[test]
    fn rejects_dates_that_do_not_exist() {
        check_all(&[
            ("昭和29年2月30日", Err(NoSuchDate)),
            ("平成2年2月29日", Err(NoSuchDate)),
            ("令和2年2月29日", Ok("2020-02-29")),
            ("平成31年2月29日", Err(NoSuchDate)),
            ("S29.13.1", Err(NoSuchDate)),
            ("S29.0.1", Err(NoSuchDate)),
            ("S29.4.31", Err(NoSuchDate)),
            ("S29.4.0", Err(NoSuchDate)),
            ("1954-13-01", Err(NoSuchDate)),
            ("1954-02-30", Err(NoSuchDate)),
            ("19540230", Err(NoSuchDate)),
            ("2023年2月29日", Err(NoSuchDate)),
            ("2000-02-29", Ok("2000-02-29")),
            ("1900-02-29", Err(NoSuchDate)),
        ]);
    }

    #[test]
    fn rejects_unknown_eras() {
        check_all(&[
            ("天平", Err(UnknownEra)),
            ("天平3年4月5日", Err(UnknownEra)),
            ("元禄3年4月5日", Err(UnknownEra)),
            ("X29.3.26", Err(UnknownEra)),
            ("x290326", Err(UnknownEra)),
            ("A1年1月1日", Err(UnknownEra)),
            ("7290326", Err(UnknownEra)),
        ]);
    }

    #[test]
    fn rejects_unknown_shapes() {
        check_all(&[
            ("", Err(Empty)),
            ("   ", Err(Empty)),
            ("　", Err(Empty)),
            ("昭和", Err(Unrecognised)),
            ("S", Err(Unrecognised)),
            ("SH29.3.26", Err(Unrecognised)),
            ("abc", Err(Unrecognised)),
            ("あいう", Err(Unrecognised)),
            ("S29.3/26", Err(Unrecognised)),
            ("S29.3", Err(Unrecognised)),
            ("S029.3.26", Err(Unrecognised)),
            ("S29.003.26", Err(Unrecognised)),
            ("29.3.26", Err(Unrecognised)),
            ("29年3月26日", Err(Unrecognised)),
            ("元年1月8日", Err(Unrecognised)),
            ("1954元年3月26日", Err(Unrecognised)),
            ("54-03-26", Err(Unrecognised)),
            ("1954 03 26", Err(Unrecognised)),
            ("1954-03-26日", Err(Unrecognised)),
            ("195403261", Err(Unrecognised)),
            ("540326", Err(Unrecognised)),
            ("昭和29年3月26日生", Err(Unrecognised)),
            ("昭和二十九年三月二十六日", Err(Unrecognised)),
            ("1954-03-26T00:00", Err(Unrecognised)),
        ]);
    }

    #[test]
    fn errors_name_the_input_and_have_japanese_messages() {
        let cases = [
            ("", "日付を入力してください。"),
            (
                "abc",
                "日付の形式が正しくありません。（例：昭和29年3月26日、S29.3.26、1954-03-26）",
            ),
            ("天平3年4月5日", "元号が正しくありません。"),
            ("平成2年2月29日", "存在しない日付です。"),
            (
                "平成1年1月7日",
                "平成は平成元年1月8日から平成31年4月30日までです。",
            ),
            ("令和元年4月30日", "令和は令和元年5月1日からです。"),
        ];
        for (input, message) in cases {
            let error = parse(input).expect_err("every case here is invalid");
            assert_eq!(error.message(), message, "{input:?}");
            assert!(error.to_string().contains(input), "{error}");
        }
    }

    #[test]
    fn round_trips_every_day_from_1900_to_2030() {
        for day in date("1900-01-01")
            .iter_days()
            .take_while(|d| d.year() <= 2030)
        {
            let wareki = format(day).expect("every day since 1900 is in an era");
            assert_eq!(parse(&wareki), Ok(day), "{wareki}");
            let jis = format_jis(day).expect("every day since 1900 is in an era");
            assert_eq!(parse(&jis), Ok(day), "{jis}");
        }
    }
}
