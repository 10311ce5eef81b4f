//! S4 資格確認履歴詳細: one result of the history (seed 000 Case1 ⑥), opened with 「詳細」 from
//! 資格確認履歴照会 ([`super::history`]) and shown on the same address.
//!
//! The banner says the outcome as 資格情報確認 does; then 資格確認区分 and 資格確認日時, the patient's six
//! viewing consents (decisions.md D9), 処方箋発行形態選択, and the card and patient fields in the seed's
//! order, with the kana over 氏名 and dates in 和暦. ダウンロード saves the official result for
//! レセコン import, leaving out the items not handed over (see [`handed_over`]). 戻る returns to the
//! list as it was.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;
use onshi_core::{
    catalogue,
    contract::groups::HistoryItem,
    domain::{
        Qualification, QualificationResult,
        hand_over::{self, HandOverItem},
    },
    export::{HistoryRow, classification_label},
    wire::Encoding,
};

use crate::{
    components::{
        BackButton,
        qualification_fields::{Field, QualificationFields, label},
    },
    labels,
    pages::qualification_check::{banner, consent_rows, file_name},
    platform::download,
    route::Route,
    state::{HandOverChoices, HistoryEntry, use_api},
};

/// Whether `item` of the `index`th qualification of `result` goes to the レセコン: what staff chose
/// for this entry on 資格情報確認 in this session, or else the default there: every item with a
/// value, unless it holds 「●」 (seed 001 FAQ 2).
fn handed_over(
    result: &QualificationResult,
    chosen: Option<&HandOverChoices>,
    index: usize,
    item: HandOverItem,
) -> bool {
    match chosen.filter(|c| c.len() == result.answer.qualifications.len()) {
        Some(chosen) => chosen.get(index).is_some_and(|items| items.contains(&item)),
        None => result
            .answer
            .qualifications
            .get(index)
            .is_some_and(|q| item.checked_at_first(q)),
    }
}

/// The detail of the history entry `item` (the list's row, which carries 資格確認日時 to the
/// millisecond); 「戻る」 runs `on_back`.
#[component]
pub fn HistoryDetail(item: HistoryItem, on_back: Callback<()>) -> impl IntoView {
    let api = use_api();
    let entry = RwSignal::new(None::<Result<HistoryEntry, String>>);
    let download_error = RwSignal::new(None::<String>);
    let id = item.id;
    let chosen = RwSignal::new(None::<HandOverChoices>);
    spawn_local(async move {
        let answer = api.history_detail(id).await.map_err(|e| e.message());
        let choices = api.hand_over_choices(id).await;
        chosen.try_set(choices);
        entry.try_set(Some(answer));
    });
    let classification = classification_label(&item.classification);
    let confirmed_at = HistoryRow::of(0, &item).confirmed_at;

    let download = move |_| {
        download_error.set(None);
        let Some(Ok(shown)) = entry.get_untracked() else {
            return;
        };
        let chosen = chosen.get_untracked();
        let out = hand_over::for_receipt_computer(&shown.result, |index, item| {
            handed_over(&shown.result, chosen.as_ref(), index, item)
        });
        let saved = out
            .to_wire()
            .encode(Encoding::Utf8)
            .map_err(|_| catalogue::REQUEST_UNENCODABLE)
            .and_then(|bytes| {
                download::save(&file_name(&out), "application/xml", &bytes)
                    .map_err(|_| labels::DOWNLOAD_FAILED)
            });
        if let Err(message) = saved {
            download_error.set(Some(message.to_owned()));
        }
    };

    let body = move || match entry.get() {
        None => view! { <p class="check-note">{labels::PROCESSING}</p> }.into_any(),
        Some(Err(message)) => {
            view! { <p class="form-error" role="alert" data-testid="detail-error">{message}</p> }
                .into_any()
        }
        Some(Ok(shown)) => view! {
            <Shown
                entry=shown
                classification=classification.clone()
                confirmed_at=confirmed_at.clone()
            />
        }
        .into_any(),
    };
    view! {
        <section class="check history-detail" data-testid="history-detail">
            {body}
            <p class="form-error" role="alert" data-testid="download-error">{move || download_error.get()}</p>
            <div class="check-buttons">
                <A href=Route::Menu.path() attr:class="button">{labels::MENU}</A>
                <button
                    type="button"
                    class="button"
                    on:click=download
                    disabled=move || {
                        // As on 資格情報確認: a result without a qualification has nothing to import.
                        !entry.with(|e| {
                            matches!(e, Some(Ok(shown)) if !shown.result.answer.qualifications.is_empty())
                        })
                    }
                >
                    {labels::DOWNLOAD}
                </button>
                <BackButton on_back=on_back />
            </div>
        </section>
    }
}

/// The entry once read.
#[component]
fn Shown(entry: HistoryEntry, classification: String, confirmed_at: String) -> impl IntoView {
    let result = entry.result;
    let banner = banner(&result);
    let unconvertible = hand_over::has_unconvertible(&result);
    let warnings: Vec<String> = entry.findings.0.iter().map(|f| f.message()).collect();
    let prescription = result.answer.prescription_issue.clone();
    view! {
        <div class=format!("check-banner check-banner-{}", banner.tone) role="status" data-testid="result-banner">
            <span>{banner.text}</span>
        </div>
        {unconvertible.then(|| view! {
            <p class="notice check-warning" role="note" data-testid="black-circle-warning">
                {labels::HISTORY_DETAIL_BLACK_CIRCLE}
            </p>
        })}
        {(!warnings.is_empty()).then(|| view! {
            <div class="notice check-warning" role="note" data-testid="result-findings">
                <p>{labels::RESULT_FINDINGS}</p>
                <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
            </div>
        })}
        <dl class="check-fields" data-testid="detail-head">
            <Field label=labels::LABEL_HISTORY_KIND value=Some(classification) />
            <Field label=catalogue::COLUMN_CONFIRMED_AT value=Some(confirmed_at) />
        </dl>
        {result
            .answer
            .qualifications
            .iter()
            .map(|q| view! { <QualificationDetail q=q.clone() prescription=prescription.clone() /> })
            .collect_view()}
    }
}

/// 「あり」 or 「なし」 (seed 000 Case1 ⑥): only a consent given counts as あり.
fn consent_text(given: bool) -> &'static str {
    if given {
        labels::CONSENT_GIVEN
    } else {
        labels::CONSENT_NOT_GIVEN
    }
}

/// One qualification in the seed's order.
#[component]
fn QualificationDetail(
    q: Qualification,
    /// 処方箋発行形態 of the answer, where the qualification does not carry its own.
    prescription: Option<onshi_core::codes::PrescriptionIssue>,
) -> impl IntoView {
    // The six flags of D9, two to a line as the seed's table prints them.
    // The guide's table puts two consents on a line.
    let consents = consent_rows(&q);
    let prescription = label(&q.prescription_issue.clone().or(prescription))
        .unwrap_or_else(|| labels::PRESCRIPTION_NOT_CHOSEN.to_owned());
    let text = move |item: HandOverItem, label: &'static str, q: &Qualification| {
        view! { <TextItem label=label value=item.value(q).map(str::to_owned) /> }
    };
    view! {
        <article class="check-qualification" data-testid="qualification">
            <table class="history-consents" data-testid="consents">
                <tbody>
                    {consents
                        .chunks(2)
                        .map(|line| view! {
                            <tr>
                                {line
                                    .iter()
                                    .map(|&(name, given)| view! {
                                        <th scope="row">{name}</th>
                                        <td>{consent_text(given)}</td>
                                    })
                                    .collect_view()}
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            <dl class="check-fields">
                <Field label=labels::LABEL_PRESCRIPTION_ISSUE value=Some(prescription) />
            </dl>
            <QualificationFields
                q=q.clone()
                reference=view! { <Field label=catalogue::LABEL_REFERENCE_NUMBER value=q.reference_number.clone() /> }.into_any()
                names=view! {
                    <div class="check-field history-name" class:check-field-unconvertible=unconvertible(q.name.as_deref())>
                        <dt>{labels::LABEL_NAME_ON_CARD}</dt>
                        <dd>
                            <span class="history-kana" data-testid="kana">{q.name_kana.clone()}</span>
                            <span class="history-name-text" data-testid="name">{q.name.clone()}</span>
                        </dd>
                    </div>
                }.into_any()
                item=text
            />
        </article>
    }
}

fn unconvertible(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.contains(hand_over::UNCONVERTIBLE))
}

/// A free-text item, marked where it holds 「●」 (left out of the download).
#[component]
fn TextItem(label: &'static str, value: Option<String>) -> impl IntoView {
    let marked = unconvertible(value.as_deref());
    view! {
        <div class="check-field" class:check-field-unconvertible=marked>
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}
