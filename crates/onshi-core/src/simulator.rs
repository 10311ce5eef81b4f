//! The national side, simulated: answers official requests from canned (or synthetic) people.
//!
//! This is the dispatcher's `answer` step for the XML operations (decisions.md D3). The reference
//! endpoint's folder bridge replaces it with the real national system's answer; the `record` step
//! (history, events, reference numbers) is the dispatcher's either way. Everything here is a pure
//! function of its inputs: the people, the request, the time and the clinic's registered numbers.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use crate::{
    canned::people::{Person, people},
    card::{pki, testpki},
    codes::{
        ConsentStatus, LimitConsentFlag, ProcessingResultStatus, QualificationValidity,
        ReferenceClassification, SegmentOfResult,
    },
    domain::{
        Answer, Card, ConsentItem, Inquiry, MedicalConsents, Qualification, QualificationResult,
        ResultInfo, Search,
        convert::DecodeFinding,
        medical::{CheckupRecord, Dispensing},
    },
    store::{CardKey, ConsentChoices},
    text,
};

/// Our error codes for requests the simulated national side refuses. The official codes (別紙6-1)
/// are not public, so these are ours and say so in their prefix.
pub mod error_codes {
    /// A required element is missing or does not read.
    pub const INVALID_REQUEST: &str = "ONSHI-E001";
    /// The request names another institution.
    pub const WRONG_INSTITUTION: &str = "ONSHI-E002";
    /// No qualification matches the card (照会番号 registration).
    pub const NO_QUALIFICATION: &str = "ONSHI-E003";
    /// A bulk upload with nothing to look up.
    pub const EMPTY_BULK: &str = "ONSHI-E004";
}

/// How long viewing consents given at a reader allow viewing (seed 001: 24 hours).
pub const VIEWING_WINDOW: TimeDelta = TimeDelta::hours(24);

/// What a request is answered against besides the request itself.
#[derive(Clone, Debug)]
pub struct AnswerContext {
    /// 処理実行日時, Tokyo wall clock.
    pub now: NaiveDateTime,
    /// The institution this endpoint serves.
    pub institution_code: String,
    /// The 照会番号 the clinic registered for the card, if any.
    pub reference_number: Option<String>,
}

/// The simulated national side: the people it knows.
#[derive(Clone, Debug)]
pub struct NationalSide {
    people: Vec<Person>,
}

impl NationalSide {
    /// The canned people of the seeds (and ours for the other outcomes).
    pub fn canned() -> NationalSide {
        NationalSide { people: people() }
    }

    pub fn with_people(people: Vec<Person>) -> NationalSide {
        NationalSide { people }
    }

    pub fn people(&self) -> &[Person] {
        &self.people
    }

    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    /// The trust anchor for 利用者証明用 certificates: the project's test CA (`card::testpki`). The
    /// simulated national side answers only on training data, the only place that may trust it.
    pub fn card_anchor(&self) -> &'static [u8] {
        testpki::CA_CERTIFICATE
    }

    /// Who holds the card whose 利用者証明用 certificate has this serial (as
    /// `card::pki::VerifiedCertificate::serial` spells it): each canned person's test card
    /// (`card::testpki::CARDS`), among the people this side knows. The serial alone decides, so the
    /// certificate must have been verified against [`NationalSide::card_anchor`] first.
    pub fn card_holder(&self, serial: &str) -> Option<&Person> {
        testpki::CARDS
            .iter()
            .find(|card| pki::certificate_serial(card.certificate).is_ok_and(|s| s == serial))
            .and_then(|card| self.person(card.person_id))
    }

    /// The drug list and checkups the national side holds for a person (seed 003's for its patient,
    /// nothing for anyone else). The dispatcher asks here rather than reading the canned data, so that
    /// the drug, checkup and disaster answers come from the same national side as every other answer.
    pub fn medical(&self, person_id: &str) -> (Vec<Dispensing>, Vec<CheckupRecord>) {
        crate::canned::medical::for_person(person_id)
    }

    /// The person whose card this is: the card's digits and folded 記号/番号 agree, the 枝番 agrees when
    /// given, and the birthdate agrees (a family shares everything but 枝番 and birthdate).
    pub fn find(&self, card: &Card, birthdate: Option<NaiveDate>) -> Option<&Person> {
        self.holders(card).find(|p| birthdate == Some(p.birthdate))
    }

    /// The first person holding this card, whatever the birthdate (照会番号 registration carries none).
    pub fn find_card(&self, card: &Card) -> Option<&Person> {
        self.holders(card).next()
    }

    /// Everyone holding this card: as the card they show, or as the card of any of their records (the
    /// second card of a 複数該当 finds its person too).
    fn holders<'a>(&'a self, card: &Card) -> impl Iterator<Item = &'a Person> + 'a {
        let wanted = CardKey::of(card);
        self.people.iter().filter(move |p| {
            std::iter::once(&p.card)
                .chain(p.qualifications.iter().map(|q| &q.card))
                .any(|c| {
                    let have = CardKey::of(c);
                    have.insurer == wanted.insurer
                        && have.symbol == wanted.symbol
                        && have.number == wanted.number
                        && (wanted.branch.is_empty() || have.branch == wanted.branch)
                })
        })
    }

    /// People by name (kana or kanji, compared by `text::name_key`), birthdate and sex, for the
    /// disaster search without a card.
    pub fn find_by_name(
        &self,
        name: &str,
        birthdate: NaiveDate,
        sex: Option<&crate::codes::Sex>,
    ) -> Vec<&Person> {
        let key = text::name_key(name);
        self.people
            .iter()
            .filter(|p| {
                (text::name_key(&p.name) == key
                    || text::name_key(&text::to_full_width_kana(&p.kana)) == key)
                    && p.birthdate == birthdate
                    && sex.is_none_or(|s| *s == p.sex)
            })
            .collect()
    }

    /// Answers `OQSsiquc01req`. A request with findings, or for another institution, is answered
    /// with 異常終了 and the reason, as the interface reports business errors (never an HTTP error).
    pub fn answer_inquiry(
        &self,
        inquiry: &Inquiry,
        findings: &[DecodeFinding],
        context: &AnswerContext,
    ) -> QualificationResult {
        let mut info = ResultInfo {
            processed_at: Some(context.now),
            confirmation_date: inquiry.confirmation_date,
            institution_code: Some(context.institution_code.clone()),
            arbitrary_file_identifier: inquiry.arbitrary_file_identifier.clone(),
            classification: Some(ReferenceClassification::InsuranceCard),
            segment: Some(SegmentOfResult::Completed),
            ..ResultInfo::default()
        };
        let refusal =
            if inquiry.institution_code.as_deref() != Some(context.institution_code.as_str()) {
                Some((
                    error_codes::WRONG_INSTITUTION,
                    crate::catalogue::INSTITUTION_CODE_MISMATCH.to_owned(),
                ))
            } else if !findings.is_empty() || inquiry.search.card.number.is_none() {
                let details: Vec<String> = findings.iter().map(DecodeFinding::message).collect();
                Some((
                    error_codes::INVALID_REQUEST,
                    format!("照会内容に誤りがあります。{}", details.join("")),
                ))
            } else {
                None
            };
        if let Some((code, message)) = refusal {
            info.segment = Some(SegmentOfResult::Failed);
            info.error_code = Some(code.to_owned());
            info.error_message = Some(message.clone());
            return QualificationResult {
                info,
                answer: Answer {
                    status: Some(ProcessingResultStatus::Error),
                    result_code: Some(code.to_owned()),
                    result_message: Some(message),
                    search: Some(inquiry.search.clone()),
                    ..Answer::default()
                },
            };
        }
        let consent = inquiry.search.limit_consent == Some(LimitConsentFlag::Consented);
        let person = self.find(&inquiry.search.card, inquiry.search.birthdate);
        let (validity, qualifications) = match person {
            Some(p) if p.outcome != QualificationValidity::NoQualification => (
                p.outcome.clone(),
                p.qualifications
                    .iter()
                    .map(|q| shaped(q, consent, None, context))
                    .collect(),
            ),
            _ => (QualificationValidity::NoQualification, Vec::new()),
        };
        QualificationResult {
            info,
            answer: Answer {
                status: Some(ProcessingResultStatus::Completed),
                validity: Some(validity),
                qualifications,
                search: Some(inquiry.search.clone()),
                ..Answer::default()
            },
        }
    }

    /// The face reader's result for `person` after a visit with these consent choices.
    pub fn answer_visit(
        &self,
        person: &Person,
        choices: ConsentChoices,
        qualification_date: NaiveDate,
        file_identifier: String,
        context: &AnswerContext,
    ) -> QualificationResult {
        let (validity, qualifications) = if person.outcome == QualificationValidity::NoQualification
        {
            (QualificationValidity::NoQualification, Vec::new())
        } else {
            (
                person.outcome.clone(),
                person
                    .qualifications
                    .iter()
                    .map(|q| shaped(q, choices.limit, Some(choices), context))
                    .collect(),
            )
        };
        QualificationResult {
            info: ResultInfo {
                processed_at: Some(context.now),
                confirmation_date: Some(qualification_date),
                institution_code: Some(context.institution_code.clone()),
                arbitrary_file_identifier: Some(file_identifier),
                classification: Some(ReferenceClassification::MyNumberCard),
                segment: Some(SegmentOfResult::Completed),
                ..ResultInfo::default()
            },
            answer: Answer {
                status: Some(ProcessingResultStatus::Completed),
                validity: Some(validity),
                qualifications,
                ..Answer::default()
            },
        }
    }

    /// The search for `search` answered as one bulk unit's validity and records.
    pub fn answer_search(
        &self,
        search: &Search,
        context: &AnswerContext,
    ) -> (QualificationValidity, Vec<Qualification>) {
        let consent = search.limit_consent == Some(LimitConsentFlag::Consented);
        match self.find(&search.card, search.birthdate) {
            Some(p) if p.outcome != QualificationValidity::NoQualification => (
                p.outcome.clone(),
                p.qualifications
                    .iter()
                    .map(|q| shaped(q, consent, None, context))
                    .collect(),
            ),
            _ => (QualificationValidity::NoQualification, Vec::new()),
        }
    }
}

/// A person's record as an answer gives it: 限度額 and 特定疾病 only with consent, viewing consents as
/// chosen at a reader (absent for a card inquiry), and the clinic's 照会番号.
fn shaped(
    template: &Qualification,
    limit_consent: bool,
    visit: Option<ConsentChoices>,
    context: &AnswerContext,
) -> Qualification {
    let mut q = template.clone();
    let now = context.now;
    if limit_consent {
        q.limit.consent = Some(LimitConsentFlag::Consented);
        q.limit.consented_at = Some(now);
        q.diseases.consent = Some(ConsentStatus::Consented);
        q.diseases.consented_at = Some(now);
    } else {
        q.limit.consent = Some(LimitConsentFlag::NotConsented);
        q.limit.certificate = None;
        q.diseases.consent = Some(ConsentStatus::NotConsented);
        q.diseases.certificates.clear();
    }
    q.consents = match visit {
        Some(choices) => {
            let item = |given: bool| ConsentItem {
                status: Some(if given {
                    ConsentStatus::Consented
                } else {
                    ConsentStatus::NotConsented
                }),
                consented_at: given.then_some(now),
                available_until: given.then(|| now + VIEWING_WINDOW),
            };
            MedicalConsents {
                checkups: item(choices.checkups),
                pharmacists: item(choices.medical),
                diagnosis: item(choices.medical),
                operation: item(choices.medical),
            }
        }
        None => MedicalConsents::default(),
    };
    q.reference_number = context.reference_number.clone();
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::InsurerNumber;

    fn context() -> AnswerContext {
        AnswerContext {
            now: NaiveDate::from_ymd_opt(2026, 11, 22)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .expect("time"),
            institution_code: "1234567897".to_owned(),
            reference_number: None,
        }
    }

    fn inquiry(
        insurer: &str,
        symbol: Option<&str>,
        number: &str,
        branch: Option<&str>,
        birth: (i32, u32, u32),
        limit: bool,
    ) -> Inquiry {
        Inquiry {
            confirmation_date: NaiveDate::from_ymd_opt(2026, 11, 22),
            institution_code: Some("1234567897".to_owned()),
            arbitrary_file_identifier: None,
            search: Search {
                card: Card {
                    insurer_number: Some(InsurerNumber::from_wire(insurer)),
                    symbol: symbol.map(str::to_owned),
                    number: Some(number.to_owned()),
                    branch: branch.map(str::to_owned),
                },
                birthdate: NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2),
                limit_consent: Some(if limit {
                    LimitConsentFlag::Consented
                } else {
                    LimitConsentFlag::NotConsented
                }),
                ..Search::default()
            },
        }
    }

    #[test]
    fn every_outcome_is_reachable_by_card() {
        let side = NationalSide::canned();
        let validity = |i: Inquiry| side.answer_inquiry(&i, &[], &context()).answer.validity;
        let case = |insurer, symbol, number, branch, birth| {
            validity(inquiry(insurer, symbol, number, branch, birth, false))
        };
        assert_eq!(
            case("06139000", Some("9000"), "10001", Some("01"), (1954, 3, 26)),
            Some(QualificationValidity::Valid)
        );
        assert_eq!(
            case("06139000", Some("9000"), "10001", Some("02"), (1955, 1, 18)),
            Some(QualificationValidity::Invalid)
        );
        assert_eq!(
            case("06139000", Some("9000"), "10001", Some("03"), (1984, 4, 1)),
            Some(QualificationValidity::InvalidWithNewQualification)
        );
        assert_eq!(
            case("01130012", Some("1357913"), "24", Some("00"), (1970, 7, 7)),
            Some(QualificationValidity::Multiple)
        );
        assert_eq!(
            case("27138056", Some("12"), "345", Some("00"), (1990, 2, 2)),
            Some(QualificationValidity::NoQualification)
        );
        // A wrong birthdate finds nobody.
        assert_eq!(
            case("06139000", Some("9000"), "10001", Some("01"), (1954, 3, 27)),
            Some(QualificationValidity::NoQualification)
        );
        // Full-width 記号 typed by staff still finds the card.
        assert_eq!(
            case(
                "06139000",
                Some("９０００"),
                "１０００１",
                Some("01"),
                (1954, 3, 26)
            ),
            Some(QualificationValidity::Valid)
        );
        // 後期高齢 has no 記号 and no 枝番.
        assert_eq!(
            case("39131156", None, "12345674", None, (1940, 5, 5)),
            Some(QualificationValidity::Valid)
        );
        let multiple = side.answer_inquiry(
            &inquiry(
                "01130012",
                Some("1357913"),
                "24",
                Some("00"),
                (1970, 7, 7),
                false,
            ),
            &[],
            &context(),
        );
        assert_eq!(multiple.answer.qualifications.len(), 2);
    }

    #[test]
    fn limit_information_only_with_consent() {
        let side = NationalSide::canned();
        let without = side.answer_inquiry(
            &inquiry(
                "06139000",
                Some("9000"),
                "10001",
                Some("01"),
                (1954, 3, 26),
                false,
            ),
            &[],
            &context(),
        );
        let q = &without.answer.qualifications[0];
        assert_eq!(q.limit.consent, Some(LimitConsentFlag::NotConsented));
        assert!(q.limit.certificate.is_none());
        let with = side.answer_inquiry(
            &inquiry(
                "06139000",
                Some("9000"),
                "10001",
                Some("01"),
                (1954, 3, 26),
                true,
            ),
            &[],
            &context(),
        );
        let q = &with.answer.qualifications[0];
        assert_eq!(q.limit.consent, Some(LimitConsentFlag::Consented));
        assert!(q.limit.certificate.is_some());
        let toru = side.answer_inquiry(
            &inquiry(
                "01130012",
                Some("5550001"),
                "3",
                Some("00"),
                (1958, 12, 12),
                true,
            ),
            &[],
            &context(),
        );
        assert_eq!(toru.answer.qualifications[0].diseases.certificates.len(), 1);
    }

    #[test]
    fn another_institution_is_refused_inside_the_message() {
        let mut i = inquiry(
            "06139000",
            Some("9000"),
            "10001",
            Some("01"),
            (1954, 3, 26),
            false,
        );
        i.institution_code = Some("0110113719".to_owned());
        let answer = NationalSide::canned().answer_inquiry(&i, &[], &context());
        assert_eq!(answer.info.segment, Some(SegmentOfResult::Failed));
        assert_eq!(answer.answer.status, Some(ProcessingResultStatus::Error));
        assert_eq!(
            answer.info.error_code.as_deref(),
            Some(error_codes::WRONG_INSTITUTION)
        );
        assert!(answer.answer.qualifications.is_empty());
    }

    #[test]
    fn a_visit_carries_the_chosen_consents_for_24_hours() {
        let side = NationalSide::canned();
        let person = side.person("shinbashi-taro").expect("canned");
        let choices = ConsentChoices {
            medical: true,
            checkups: false,
            limit: false,
        };
        let result = side.answer_visit(
            person,
            choices,
            NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
            "id".to_owned(),
            &context(),
        );
        assert_eq!(
            result.info.classification,
            Some(ReferenceClassification::MyNumberCard)
        );
        let consents = &result.answer.qualifications[0].consents;
        assert!(
            consents.pharmacists.is_consented()
                && consents.diagnosis.is_consented()
                && consents.operation.is_consented()
        );
        assert!(!consents.checkups.is_consented());
        assert_eq!(
            consents.pharmacists.available_until,
            Some(context().now + TimeDelta::hours(24))
        );
        assert!(
            result.answer.search.is_none(),
            "a face result echoes no search"
        );
    }

    #[test]
    fn the_disaster_search_finds_people_by_name_in_kanji_or_kana() {
        let side = NationalSide::canned();
        let birth = NaiveDate::from_ymd_opt(1940, 5, 5).expect("date");
        assert_eq!(side.find_by_name("港 ハル", birth, None).len(), 1);
        assert_eq!(side.find_by_name("ミナト ハル", birth, None).len(), 1);
        assert_eq!(
            side.find_by_name("みなと　はる", birth, Some(&crate::codes::Sex::Female))
                .len(),
            1
        );
        assert!(
            side.find_by_name("港 ハル", birth, Some(&crate::codes::Sex::Male))
                .is_empty()
        );
    }
}
