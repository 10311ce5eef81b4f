//! The `card` group (decisions.md D7): a challenge for the patient's My Number card, and the
//! qualification its signature proves, read from a general-purpose card reader.
//!
//! `POST /challenges` hands the caller's session a nonce of 32 random bytes, accepted for
//! `Config::challenge_validity` (60 s). The terminal has the card sign the SHA-256 `DigestInfo` of the
//! nonce with its 利用者証明用 key and sends the signature, the card's certificate and the patient's
//! consents to `POST /qualifications/mynumber`. The national side decides who holds the certificate
//! and answers as a face reader's result would: an `OQSsiquc01res` classified マイナンバーカード,
//! recorded in history under the caller with no reader, and announced as a `qualification` event.
//!
//! A nonce is used at most once. The first qualification that names it (as issued to the caller's
//! session) deletes it before anything is verified, whether the proof then succeeds or is refused:
//! a refused proof cannot be retried against the same nonce with another certificate or signature,
//! so nobody can probe the checks one at a time. A request refused before that point (a malformed
//! body or missing fields, or a nonce issued to another session) leaves the nonce alone. The
//! `Idempotency-Key` of the qualification replays a successful answer without touching the nonce
//! again.

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{NaiveDate, TimeDelta, Utc};

use crate::{
    account::Action,
    card::pki,
    catalogue,
    codes::{CodeTable, TreatmentKind},
    contract::{
        Problem, ProblemCode, Request, Response,
        groups::{CardQualification, Challenge},
    },
    dispatch::{Cx, Fail, Handled, caller, invalid, json_body, qualification, xml_response},
    domain::Search,
    store::{CardKey, ChallengeRecord, Change},
    time::Rfc3339,
    validate::{Finding, insurance},
    wire::Encoding,
};

/// The nonce's length in bytes (D7).
const NONCE_BYTES: usize = 32;

/// How long an expired challenge is kept, so that a late proof hears `challenge_expired` rather than
/// `challenge_unknown`. Issuing a challenge prunes older ones.
const EXPIRED_KEPT: TimeDelta = TimeDelta::hours(1);

/// Expired challenges pruned per issue, so one request never does unbounded work.
const PRUNED_PER_ISSUE: usize = 100;

/// `POST /challenges`: a fresh nonce for the caller's session.
pub(super) fn challenge(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = caller(cx, request, Action::QualificationInquiry)?;
    for old in cx
        .read
        .challenges_expired_before(cx.now + -EXPIRED_KEPT)?
        .into_iter()
        .take(PRUNED_PER_ISSUE)
    {
        cx.change(Change::DeleteChallenge { nonce: old });
    }
    let mut bytes = [0u8; NONCE_BYTES];
    cx.random.fill(&mut bytes);
    let record = ChallengeRecord {
        nonce: STANDARD.encode(bytes),
        token_hash: caller.session.token_hash,
        issued_at: cx.now,
        expires_at: cx.now + cx.config.challenge_validity,
    };
    cx.change(Change::PutChallenge(record.clone()));
    Ok(Response::json(
        201,
        &Challenge {
            nonce: record.nonce,
            expires_at: Rfc3339(record.expires_at),
        },
    ))
}

/// A qualification body whose fields all read.
struct Proof {
    /// The nonce as the store keys it (canonical base64).
    nonce_text: String,
    nonce: Vec<u8>,
    certificate: Vec<u8>,
    signature: Vec<u8>,
    qualification_date: NaiveDate,
    treatment: Option<TreatmentKind>,
}

/// Reads every field of the body, refusing with a finding for each one that does not read.
fn proof(body: &CardQualification, today: NaiveDate) -> Result<Proof, Fail> {
    let mut findings = Vec::new();
    let mut bytes = |field: &'static str, text: &str, message: &str, len: Option<usize>| {
        let decoded = STANDARD
            .decode(text.trim())
            .ok()
            .filter(|b| !b.is_empty() && len.is_none_or(|n| b.len() == n));
        if decoded.is_none() {
            findings.push(Finding::new(field, message));
        }
        decoded
    };
    let nonce = bytes(
        "nonce",
        &body.nonce,
        catalogue::CARD_NONCE_FORMAT,
        Some(NONCE_BYTES),
    );
    let certificate = bytes(
        "certificate",
        &body.certificate,
        catalogue::CARD_CERTIFICATE_FORMAT,
        None,
    );
    let signature = bytes(
        "signature",
        &body.signature,
        catalogue::CARD_SIGNATURE_FORMAT,
        None,
    );
    let qualification_date = if body.qualification_date.trim().is_empty() {
        Some(today)
    } else {
        insurance::date(
            "qualification_date",
            "資格確認日",
            &body.qualification_date,
            today,
        )
        .map_err(|f| findings.push(f))
        .ok()
    };
    let treatment = match body.treatment.as_deref().map(str::trim) {
        None => None,
        Some(code) => {
            let kind = TreatmentKind::from_code(code);
            if !kind.is_known() {
                findings.push(Finding::new("treatment", catalogue::CARD_TREATMENT));
            }
            Some(kind)
        }
    };
    match (nonce, certificate, signature, qualification_date) {
        (Some(nonce), Some(certificate), Some(signature), Some(qualification_date))
            if findings.is_empty() =>
        {
            Ok(Proof {
                nonce_text: STANDARD.encode(&nonce),
                nonce,
                certificate,
                signature,
                qualification_date,
                treatment,
            })
        }
        _ => Err(invalid(findings)),
    }
}

/// A refusal with what failed as its detail (the certificate's issuer or dates, never a person's
/// data).
fn refused(code: ProblemCode, error: &pki::PkiError) -> Fail {
    Problem::new(code).with_detail(error.to_string()).into()
}

/// `POST /qualifications/mynumber`: the card's proof of a challenge, answered with the qualification
/// of the person holding the card.
pub(super) fn qualify(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = caller(cx, request, Action::QualificationInquiry)?;
    let body: CardQualification = json_body(request)?;
    let proof = proof(&body, cx.now.jst_date())?;

    // Another session's nonce is unknown to this one, and stays usable by its own session.
    let challenge = cx
        .read
        .challenge(&proof.nonce_text)?
        .filter(|c| c.token_hash == caller.session.token_hash)
        .ok_or(ProblemCode::ChallengeUnknown)?;
    // Used up now, whatever follows (see the module's comment); the change applies with a refusal.
    cx.change(Change::DeleteChallenge {
        nonce: challenge.nonce.clone(),
    });
    if cx.now >= challenge.expires_at {
        return Err(ProblemCode::ChallengeExpired.into());
    }

    let at = cx.now.jst().with_timezone(&Utc);
    let verified = pki::verify_certificate(cx.national.card_anchor(), &proof.certificate, at)
        .map_err(|e| refused(ProblemCode::CertificateUnknown, &e))?;
    pki::verify_signature(&proof.certificate, &proof.nonce, &proof.signature)
        .map_err(|e| refused(ProblemCode::SignatureInvalid, &e))?;
    // Only a proven key learns whether anyone holds the certificate.
    let person = cx
        .national
        .card_holder(&verified.serial)
        .cloned()
        .ok_or_else(|| {
            Fail::from(
                Problem::new(ProblemCode::CertificateUnknown)
                    .with_detail("the national side knows no holder of this certificate"),
            )
        })?;

    let mut file_id = [0u8; 12];
    cx.random.fill(&mut file_id);
    let institution = cx.institution()?;
    let reference = cx
        .read
        .reference(&CardKey::of(&person.card))?
        .map(|r| r.reference_number);
    let context = cx.answer_context(&institution.code, reference);
    let mut result = cx.national.answer_visit(
        &person,
        body.consents.into(),
        proof.qualification_date,
        STANDARD.encode(file_id),
        &context,
    );
    // 診療区分 travels as the inquiry's does: 外来 is written as absent (decisions.md D6).
    if let Some(treatment) = proof.treatment.filter(|t| *t != TreatmentKind::Outpatient) {
        result.answer.search = Some(Search {
            treatment: Some(treatment),
            ..Search::default()
        });
    }
    let id = qualification::record(cx, &result, &caller.account.user_id, None)?;
    Ok(qualification::with_history_location(
        xml_response(&result.to_wire(), Encoding::Utf8)?,
        id,
    ))
}
