//! 災害時医療情報閲覧 (seed 003, decisions.md S13): open only for the announced areas and period; a
//! search without a card (氏名・生年月日・性別・住所) or by card data, with the patient's consent or
//! 「同意なし」 when they cannot answer.

use crate::{
    account::Action,
    catalogue,
    codes::{CodeTable, Sex},
    contract::{
        ProblemCode, Request, Response,
        groups::{
            CheckupItemView, CheckupView, DisasterPatient, DisasterResults, DisasterSearch,
            DisasterStatus, DispensingView, DrugView,
        },
    },
    dispatch::{Cx, Handled, caller, coded, json_body, refuse_findings},
    domain::{Card, medical::reference_for},
    text,
    time::Rfc3339,
    validate::{Finding, insurance},
};

pub(super) fn status(cx: &mut Cx<'_>, request: &Request) -> Handled {
    caller(cx, request, Action::DisasterMedicalInfo)?;
    let record = cx.read.disaster()?;
    let open = record
        .as_ref()
        .is_some_and(|d| d.open && d.until.is_none_or(|u| cx.now < u));
    Ok(Response::json(
        200,
        &DisasterStatus {
            open,
            areas: record.as_ref().map(|d| d.areas.clone()).unwrap_or_default(),
            until: record.and_then(|d| d.until).map(Rfc3339),
        },
    ))
}

pub(super) fn search(cx: &mut Cx<'_>, request: &Request) -> Handled {
    caller(cx, request, Action::DisasterMedicalInfo)?;
    let open = cx
        .read
        .disaster()?
        .is_some_and(|d| d.open && d.until.is_none_or(|u| cx.now < u));
    if !open {
        return Err(ProblemCode::DisasterClosed.into());
    }
    let body: DisasterSearch = json_body(request)?;
    let mut findings = Vec::new();
    if !matches!(body.consent.as_str(), "agreed" | "unable") {
        findings.push(Finding::new("consent", catalogue::DISASTER_CONSENT));
    }
    let birthdate = insurance::date("birthdate", "生年月日", &body.birthdate, cx.now.jst_date())
        .map_err(|f| findings.push(f))
        .ok();
    let by_card = body
        .insurer_number
        .as_deref()
        .is_some_and(|n| !n.trim().is_empty());
    let card = if by_card {
        let insurer = insurance::insurer_number(
            "insurer_number",
            body.insurer_number.as_deref().unwrap_or_default(),
        )
        .map_err(|f| findings.push(f))
        .ok();
        let number = body
            .number
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if number.is_none() {
            findings.push(Finding::new("number", catalogue::NUMBER_REQUIRED));
        }
        Some(Card {
            insurer_number: insurer,
            symbol: body.symbol.clone(),
            number: number.map(str::to_owned),
            branch: body.branch.clone(),
        })
    } else {
        if body.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            findings.push(Finding::new("name", catalogue::DISASTER_NAME));
        }
        None
    };
    refuse_findings(findings)?;
    let Some(birthdate) = birthdate else {
        return Err(ProblemCode::InvalidRequest.into());
    };
    let people = match &card {
        Some(card) => cx
            .national
            .find(card, Some(birthdate))
            .into_iter()
            .collect(),
        None => {
            let sex = body.sex.as_deref().map(Sex::from_code);
            let address = body
                .address
                .as_deref()
                .map(text::name_key)
                .filter(|a| !a.is_empty());
            cx.national
                .find_by_name(
                    body.name.as_deref().unwrap_or_default(),
                    birthdate,
                    sex.as_ref(),
                )
                .into_iter()
                .filter(|p| {
                    // The address narrows when given: the typed part must start the person's address.
                    address.as_deref().is_none_or(|a| {
                        p.address
                            .as_deref()
                            .is_some_and(|pa| text::name_key(pa).starts_with(a))
                    })
                })
                .collect::<Vec<_>>()
        }
    };
    let items = people
        .into_iter()
        .map(|p| {
            let (dispensings, checkups) = cx.national.medical(&p.id);
            DisasterPatient {
                name: p.name.clone(),
                kana: p.kana.clone(),
                birthdate: p.birthdate,
                sex: coded(&p.sex),
                address: p.address.clone(),
                drugs: dispensings
                    .into_iter()
                    .map(|d| DispensingView {
                        date: d.date,
                        day_label: d.day_label(),
                        place: d.place.clone(),
                        use_kind: d.use_kind(),
                        institution: d.institution.clone(),
                        drugs: d
                            .drugs
                            .iter()
                            .map(|i| DrugView {
                                name: i.name.clone(),
                                ingredient: i.ingredient.clone(),
                                amount: i.amount(),
                            })
                            .collect(),
                    })
                    .collect(),
                checkups: checkups
                    .into_iter()
                    .map(|c| CheckupView {
                        date: c.date,
                        items: c
                            .values
                            .iter()
                            .map(|v| CheckupItemView {
                                group: v.group().to_owned(),
                                name: v.name.clone(),
                                value: v.shown().map(str::to_owned),
                                unit: v.unit.clone(),
                                reference: reference_for(&v.name).map(|r| r.label()),
                                flagged: v.flagged(Some(&p.sex)),
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Response::json(200, &DisasterResults { items }))
}
