//! The small conversions every wire ↔ domain mapping uses: trimmed texts, YYYYMMDD dates,
//! YYYYMMDDHHmmss times, codes, and the findings for what is missing or malformed.

use chrono::{NaiveDate, NaiveDateTime};

use crate::{catalogue, codes::CodeTable};

/// Something about a received message that staff should know: a required element missing, or a value
/// that does not read. The message is still shown as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeFinding {
    /// The element, e.g. `Birthdate`.
    pub element: &'static str,
    pub problem: DecodeProblem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeProblem {
    /// A required element is absent or empty.
    Missing,
    /// The value does not read as its element's type (kept as text).
    Unreadable { value: String },
    /// The value reads, but its check digit fails (D6: shown with a warning).
    CheckDigit { value: String },
    /// A part of the message whose layout is not public: kept as received, not shown.
    NotShown,
}

impl DecodeFinding {
    /// A Japanese warning to show with the result.
    pub fn message(&self) -> String {
        match &self.problem {
            DecodeProblem::Missing => catalogue::decode_missing(self.element),
            DecodeProblem::Unreadable { value } => {
                catalogue::decode_unreadable(self.element, value)
            }
            DecodeProblem::CheckDigit { value } => {
                catalogue::decode_check_digit(self.element, value)
            }
            DecodeProblem::NotShown => catalogue::decode_not_shown(self.element),
        }
    }
}

/// Collects findings while converting one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings(pub Vec<DecodeFinding>);

impl Findings {
    pub fn push(&mut self, element: &'static str, problem: DecodeProblem) {
        self.0.push(DecodeFinding { element, problem });
    }

    /// A text with ASCII whitespace trimmed; empty reads as absent.
    pub fn text(&self, value: &Option<String>) -> Option<String> {
        text(value)
    }

    /// A required text: absent is a finding.
    pub fn required_text(
        &mut self,
        element: &'static str,
        value: &Option<String>,
    ) -> Option<String> {
        let read = text(value);
        if read.is_none() {
            self.push(element, DecodeProblem::Missing);
        }
        read
    }

    /// A YYYYMMDD date.
    pub fn date(&mut self, element: &'static str, value: &Option<String>) -> Option<NaiveDate> {
        let raw = text(value)?;
        let read = parse_date(&raw);
        if read.is_none() {
            self.push(element, DecodeProblem::Unreadable { value: raw });
        }
        read
    }

    /// A required YYYYMMDD date.
    pub fn required_date(
        &mut self,
        element: &'static str,
        value: &Option<String>,
    ) -> Option<NaiveDate> {
        if text(value).is_none() {
            self.push(element, DecodeProblem::Missing);
            return None;
        }
        self.date(element, value)
    }

    /// A YYYYMMDDHHmmss time (Tokyo wall clock).
    pub fn time(&mut self, element: &'static str, value: &Option<String>) -> Option<NaiveDateTime> {
        let raw = text(value)?;
        let read = parse_time(&raw);
        if read.is_none() {
            self.push(element, DecodeProblem::Unreadable { value: raw });
        }
        read
    }

    /// A finding when a required element is absent; reading its value is left to the caller.
    pub fn require(&mut self, element: &'static str, value: &Option<String>) {
        if text(value).is_none() {
            self.push(element, DecodeProblem::Missing);
        }
    }

    /// A whole number.
    pub fn number(&mut self, element: &'static str, value: &Option<String>) -> Option<u32> {
        let raw = text(value)?;
        let read = raw.parse().ok();
        if read.is_none() {
            self.push(element, DecodeProblem::Unreadable { value: raw });
        }
        read
    }
}

/// A text with ASCII whitespace trimmed (never a full-width space, which can be part of a name);
/// empty reads as absent.
pub fn text(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(|v| v.trim_matches(|c: char| c.is_ascii_whitespace()))
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A code; an unknown code is kept (never a finding: new codes are expected).
pub fn code<T: CodeTable>(value: &Option<String>) -> Option<T> {
    text(value).map(|v| T::from_code(&v))
}

pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    if raw.len() != 8 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(raw, "%Y%m%d").ok()
}

pub fn parse_time(raw: &str) -> Option<NaiveDateTime> {
    if raw.len() != 14 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDateTime::parse_from_str(raw, "%Y%m%d%H%M%S").ok()
}

/// YYYYMM, e.g. 診療年月.
pub fn parse_month(raw: &str) -> Option<(i32, u32)> {
    if raw.len() != 6 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = raw[..4].parse().ok()?;
    let month = raw[4..].parse().ok().filter(|m| (1..=12).contains(m))?;
    Some((year, month))
}

pub fn wire_date(date: &Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.format("%Y%m%d").to_string())
}

pub fn wire_time(time: &Option<NaiveDateTime>) -> Option<String> {
    time.map(|t| t.format("%Y%m%d%H%M%S").to_string())
}

pub fn wire_code<T: CodeTable>(value: &Option<T>) -> Option<String> {
    value.as_ref().map(|v| v.code().to_owned())
}

pub fn wire_number(value: &Option<u32>) -> Option<String> {
    value.map(|v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Sex;

    #[test]
    fn dates_and_times() {
        let day = NaiveDate::from_ymd_opt(1954, 3, 26).expect("date");
        assert_eq!(parse_date("19540326"), Some(day));
        assert_eq!(wire_date(&Some(day)).as_deref(), Some("19540326"));
        for bad in ["1954326", "19540230", "1954-03-26", "２０２００１０１", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let time = parse_time("20230221174835").expect("time");
        assert_eq!(wire_time(&Some(time)).as_deref(), Some("20230221174835"));
        assert_eq!(parse_time("20230221246000"), None);
        assert_eq!(parse_month("202209"), Some((2022, 9)));
        assert_eq!(parse_month("202213"), None);
    }

    #[test]
    fn findings_for_missing_and_unreadable() {
        let mut f = Findings::default();
        assert_eq!(f.required_text("Name", &Some("  ".to_owned())), None);
        assert_eq!(f.date("Birthdate", &Some("1954032".to_owned())), None);
        assert_eq!(f.required_date("QualificationDate", &None), None);
        assert_eq!(
            f.text(&Some(" 新橋　太郎 ".to_owned())).as_deref(),
            Some("新橋　太郎")
        );
        assert_eq!(
            f.0,
            vec![
                DecodeFinding {
                    element: "Name",
                    problem: DecodeProblem::Missing
                },
                DecodeFinding {
                    element: "Birthdate",
                    problem: DecodeProblem::Unreadable {
                        value: "1954032".to_owned()
                    }
                },
                DecodeFinding {
                    element: "QualificationDate",
                    problem: DecodeProblem::Missing
                },
            ]
        );
        assert_eq!(
            f.0[1].message(),
            "受信データの Birthdate の値「1954032」を読み取れません。"
        );
        assert_eq!(
            code::<Sex>(&Some("9".to_owned())),
            Some(Sex::Unknown("9".to_owned()))
        );
    }
}
