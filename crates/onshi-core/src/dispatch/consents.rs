//! 同意済資格情報取得 and 同意取消照会 (seed 002, decisions.md S10): consents for 訪問診療等 and
//! オンライン診療等 given through マイナ在宅受付Web, and their revocation.

use chrono::NaiveDate;

use crate::{
    account::Action,
    catalogue,
    codes::{CodeTable, TreatmentKind},
    contract::{
        Problem, ProblemCode, Request, Response,
        groups::{CardFields, ConsentItem, ConsentList, ConsentRevocation},
    },
    dispatch::{
        Cx, Fail, Handled, caller, coded, invalid, json_body, query, query_param, refuse_findings,
    },
    domain::{Card, identifiers},
    era,
    store::{CardKey, Change, ConsentRecord},
    time::Rfc3339,
    validate::{Finding, insurance},
};

pub(super) fn list(cx: &mut Cx<'_>, request: &Request) -> Handled {
    caller(cx, request, Action::Consents)?;
    let params = query(request);
    let mut findings = Vec::new();
    let treatment = match query_param(&params, "treatment") {
        None => None,
        Some("home_visit") => Some(TreatmentKind::HomeVisit),
        Some("online") => Some(TreatmentKind::Online),
        Some(_) => {
            findings.push(Finding::new("treatment", catalogue::CONSENT_TREATMENT));
            None
        }
    };
    let mut day = |name: &'static str| -> Option<NaiveDate> {
        let raw = query_param(&params, name)?;
        era::parse(raw)
            .map_err(|e| findings.push(Finding::new(name, e.message())))
            .ok()
    };
    let (from, to) = (day("from"), day("to"));
    refuse_findings(findings)?;
    let items = cx
        .read
        .consents()?
        .into_iter()
        .filter(|c| {
            let date = c.consented_at.jst_date();
            c.revoked_at.is_none()
                && treatment.as_ref().is_none_or(|t| t.code() == c.treatment)
                && from.is_none_or(|f| date >= f)
                && to.is_none_or(|t| date <= t)
        })
        .map(|c| item(&c))
        .collect();
    Ok(Response::json(200, &ConsentList { items }))
}

fn item(c: &ConsentRecord) -> ConsentItem {
    let present = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    ConsentItem {
        id: c.id.clone(),
        card: CardFields {
            insurer_number: c.card.insurer.clone(),
            symbol: present(&c.card.symbol),
            number: c.card.number.clone(),
            branch: present(&c.card.branch),
        },
        name: c.name.clone(),
        birthdate: c.birthdate,
        treatment: coded(&TreatmentKind::from_code(&c.treatment)),
        consented_at: Rfc3339(c.consented_at),
        choices: c.choices.into(),
    }
}

/// `DELETE /consents`: 同意取消 by 保険者番号, 被保険者証番号・枝番 (記号 optional) and 生年月日.
pub(super) fn revoke(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let caller = caller(cx, request, Action::Consents)?;
    let body: ConsentRevocation = json_body(request)?;
    let mut findings = Vec::new();
    let insurer = insurance::insurer_number("insurer_number", &body.card.insurer_number)
        .map_err(|f| findings.push(f))
        .ok();
    let number = identifiers::card_field(&body.card.number)
        .map_err(|_| findings.push(Finding::new("number", catalogue::NUMBER_REQUIRED)))
        .ok();
    let birthdate = insurance::date("birthdate", "生年月日", &body.birthdate, cx.now.jst_date())
        .map_err(|f| findings.push(f))
        .ok();
    refuse_findings(findings)?;
    let (Some(insurer), Some(number), Some(birthdate)) = (insurer, number, birthdate) else {
        return Err(invalid(Vec::new()));
    };
    let wanted = CardKey::of(&Card {
        insurer_number: Some(insurer),
        symbol: body.card.symbol.clone(),
        number: Some(number),
        branch: body.card.branch.clone(),
    });
    let matching: Vec<ConsentRecord> = cx
        .read
        .consents()?
        .into_iter()
        .filter(|c| {
            c.revoked_at.is_none()
                && c.birthdate == birthdate
                && c.card.insurer == wanted.insurer
                && c.card.number == wanted.number
                // 記号 and 枝番 narrow the match only when given (the seed's form lists neither).
                && (wanted.symbol.is_empty() || c.card.symbol == wanted.symbol)
                && (wanted.branch.is_empty() || c.card.branch == wanted.branch)
        })
        .collect();
    if matching.is_empty() {
        return Err(Fail::from(
            Problem::new(ProblemCode::NotFound)
                .with_detail("no consent for that card and birthdate"),
        ));
    }
    let audit = caller.queued_write_audit(cx, request)?;
    for consent in matching {
        cx.change(Change::PutConsent(ConsentRecord {
            revoked_at: Some(cx.now),
            revoked_by: Some(audit.user.clone()),
            revoke_claimed_by: audit.claimed_by.clone(),
            ..consent
        }));
    }
    Ok(Response::no_content())
}
