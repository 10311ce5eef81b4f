//! S6 資格情報確認: the result of an inquiry by insurance-card data (seed 000 Case2 ③ and 「その他の
//! 判定結果」).
//!
//! The banner says the outcome in the guides' words; every qualification of the answer follows with
//! the guides' fields, the 高齢受給者証 and 特定疾病 blocks where the answer has them, and the
//! 限度額適用認定証 block with 「情報表示」 and the privacy warning in every outcome. Free-text items
//! carry a checkbox that decides what the download for the レセコン holds; items with 「●」 start
//! unchecked (seed 001 FAQ 2; decisions.md D9).

use std::{
    cell::{Cell, RefCell},
    collections::BTreeSet,
    rc::Rc,
};

use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;
use onshi_core::{
    catalogue, client,
    codes::{ConsentStatus, LimitConsentFlag, ProcessingResultStatus, QualificationValidity},
    domain::{
        Card, Findings, Qualification, QualificationResult, Registration, RegistrationAnswer,
        hand_over::{self, HandOverItem},
        registration_request,
    },
    validate,
    wire::Encoding,
};

use crate::{
    components::{
        BackButton, KeyHint, MenuLink,
        qualification_fields::{Field, QualificationFields, label, wareki},
    },
    keys::Command,
    labels,
    platform::download,
    route::Route,
    state::{Delivery, HandOverChoices, outbox, use_api, use_clock, use_outbox, use_session},
};

/// What staff see for an answer, and what the buttons do.
#[component]
pub fn QualificationCheck(
    result: QualificationResult,
    findings: Findings,
    /// 「戻る」: back to the form, as it was filled in.
    on_back: Callback<()>,
    /// 「次の患者へ(保険証)」: an empty form.
    on_next: Callback<()>,
    /// The history entry the result was recorded as: staff's hand-over choices are kept for it in
    /// the session cache, so the history's download (S4) leaves out the same items.
    #[prop(default = None)]
    history_id: Option<u64>,
    /// 「次の患者へ(マイナンバーカード)」 where the result is shown on the reception screen itself;
    /// elsewhere the button leads there.
    #[prop(optional)]
    on_next_card: Option<Callback<()>>,
) -> impl IntoView {
    // The items handed over, per qualification: those with a value and no ●, until staff change them.
    let handed_over = RwSignal::new(
        result
            .answer
            .qualifications
            .iter()
            .map(|q| {
                HandOverItem::ALL
                    .into_iter()
                    .filter(|item| item.checked_at_first(q))
                    .collect::<BTreeSet<_>>()
            })
            .collect::<Vec<_>>(),
    );
    if let Some(id) = history_id {
        let api = use_api();
        let count = result.answer.qualifications.len();
        let loaded = RwSignal::new(false);
        // Choices made earlier in this session for the same entry come back (e.g. after a look at
        // another screen).
        spawn_local(async move {
            if let Some(saved) = api.hand_over_choices(id).await
                && saved.len() == count
            {
                handed_over.set(saved);
            }
            loaded.set(true);
        });
        // Keeping the choices in storage is a side effect of changing them, which is what effects
        // are for; nothing is written before the saved ones were read. Saves run one at a time,
        // each writing the newest choices not yet written: each save encrypts before it writes, so
        // saves started side by side could finish out of order and leave an older choice behind.
        // The queue outlives the page (plain shared cells, not the page's reactive values), so the
        // last choice made before leaving the screen is still written.
        let unsaved = Rc::new(RefCell::new(None::<HandOverChoices>));
        let saving = Rc::new(Cell::new(false));
        Effect::new(move |_| {
            let choices = handed_over.get();
            if !loaded.get() {
                return;
            }
            // This tab reads the newest choices at once, whatever the writes below are doing.
            api.note_hand_over_choices(id, &choices);
            *unsaved.borrow_mut() = Some(choices);
            if saving.replace(true) {
                return;
            }
            let (unsaved, saving) = (Rc::clone(&unsaved), Rc::clone(&saving));
            spawn_local(async move {
                loop {
                    let next = unsaved.borrow_mut().take();
                    let Some(choices) = next else { break };
                    api.keep_hand_over_choices(id, &choices).await;
                }
                saving.set(false);
            });
        });
    }
    let download_error = RwSignal::new(None::<String>);
    let banner = banner(&result);
    let unconvertible = hand_over::has_unconvertible(&result);
    let error_detail = (result.answer.status == Some(ProcessingResultStatus::Error)).then(|| {
        [
            result.answer.result_code.clone(),
            result.answer.result_message.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
    });
    let count = result.answer.qualifications.len();
    let warnings: Vec<String> = findings.0.iter().map(|f| f.message()).collect();
    let for_download = result.clone();

    let download = move |_| {
        download_error.set(None);
        let kept = handed_over.get_untracked();
        let out = hand_over::for_receipt_computer(&for_download, |index, item| {
            kept.get(index).is_some_and(|items| items.contains(&item))
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

    view! {
        <section class="check">
            <div class=format!("check-banner check-banner-{}", banner.tone) role="status" data-testid="result-banner">
                <span>{banner.text}</span>
                {error_detail.map(|d| view! { <span class="check-banner-detail">{d}</span> })}
            </div>
            {(count > 1).then(|| view! { <p class="check-count">{labels::qualification_count(count)}</p> })}
            {unconvertible.then(|| view! {
                <p class="notice check-warning" role="note" data-testid="black-circle-warning">
                    {labels::BLACK_CIRCLE_WARNING}
                </p>
            })}
            {(!warnings.is_empty()).then(|| view! {
                <div class="notice check-warning" role="note" data-testid="result-findings">
                    <p>{labels::RESULT_FINDINGS}</p>
                    <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                </div>
            })}
            {(count > 0).then(|| view! { <p class="check-hint">{labels::HAND_OVER_HINT}</p> })}
            {result
                .answer
                .qualifications
                .iter()
                .enumerate()
                .map(|(index, q)| view! { <QualificationBlock index=index q=q.clone() handed_over=handed_over /> })
                .collect_view()}
            <p class="form-error" role="alert" data-testid="download-error">{move || download_error.get()}</p>
            <div class="check-buttons">
                <MenuLink />
                <button type="button" class="button" on:click=download disabled=count == 0>
                    {labels::DOWNLOAD}
                </button>
                // F2 takes the next patient the way this one came: by card on the reception
                // screen, by insurance card data elsewhere (decisions.md D11).
                {match on_next_card {
                    Some(next) => view! {
                        <button
                            type="button"
                            class="button"
                            data-command=Command::NextPatient.name()
                            aria-keyshortcuts=Command::NextPatient.key()
                            on:click=move |_| next.run(())
                        >
                            {labels::NEXT_PATIENT_CARD}
                            <KeyHint command=Command::NextPatient />
                        </button>
                    }
                    .into_any(),
                    None => view! {
                        <A href=Route::Reception.path() attr:class="button">{labels::NEXT_PATIENT_CARD}</A>
                    }
                    .into_any(),
                }}
                {
                    let by_card = on_next_card.is_some();
                    view! {
                        <button
                            type="button"
                            class="button"
                            data-command=(!by_card).then_some(Command::NextPatient.name())
                            aria-keyshortcuts=(!by_card).then_some(Command::NextPatient.key())
                            on:click=move |_| on_next.run(())
                        >
                            {labels::NEXT_PATIENT_INSURANCE}
                            {(!by_card).then(|| view! { <KeyHint command=Command::NextPatient /> })}
                        </button>
                    }
                }
                <BackButton on_back=on_back />
            </div>
        </section>
    }
}

pub(crate) struct Banner {
    pub(crate) text: &'static str,
    /// The banner's colour: `ok`, `ng` or `check`.
    pub(crate) tone: &'static str,
}

/// The banner for an answer: the guides' words for 有効, 無効 and 無効（新しい資格あり）.
pub(crate) fn banner(result: &QualificationResult) -> Banner {
    let (text, tone) = if result.answer.status == Some(ProcessingResultStatus::Error) {
        (labels::RESULT_ERROR, "ng")
    } else {
        match &result.answer.validity {
            Some(QualificationValidity::Valid) => (labels::RESULT_VALID, "ok"),
            Some(QualificationValidity::ValidUnregistered) => {
                (labels::RESULT_VALID_UNREGISTERED, "ok")
            }
            Some(QualificationValidity::Invalid) => (labels::RESULT_INVALID, "ng"),
            Some(QualificationValidity::InvalidWithNewQualification) => {
                (labels::RESULT_INVALID_WITH_NEW, "ng")
            }
            Some(QualificationValidity::NoQualification) => {
                (labels::RESULT_NO_QUALIFICATION, "check")
            }
            Some(QualificationValidity::Multiple) => (labels::RESULT_MULTIPLE, "check"),
            Some(QualificationValidity::Unknown(_)) | None => (labels::RESULT_UNKNOWN, "check"),
        }
    };
    Banner { text, tone }
}

/// The download's name: the official result's, with the time the national side processed it.
pub(crate) fn file_name(result: &QualificationResult) -> String {
    match result.info.processed_at {
        Some(at) => format!("OQSsiquc01res_{}.xml", at.format("%Y%m%d%H%M%S")),
        None => "OQSsiquc01res.xml".to_owned(),
    }
}

/// One qualification.
#[component]
fn QualificationBlock(
    index: usize,
    q: Qualification,
    handed_over: RwSignal<Vec<BTreeSet<HandOverItem>>>,
) -> impl IntoView {
    let item = move |item: HandOverItem, label: &'static str, q: &Qualification| {
        view! { <HandOverField index=index item=item label=label value=item.value(q).map(str::to_owned) handed_over=handed_over /> }
    };
    let elderly = q.elderly.clone();
    let diseases = q.diseases.certificates.clone();
    let consented = q.limit.consent == Some(LimitConsentFlag::Consented);
    view! {
        <article class="check-qualification" data-testid="qualification">
            <QualificationFields
                q=q.clone()
                reference=view! { <ReferenceNumberField card=q.card.clone() current=q.reference_number.clone() /> }.into_any()
                names=view! {
                    {item(HandOverItem::NameKana, labels::LABEL_KANA, &q)}
                    {item(HandOverItem::Name, labels::LABEL_NAME_ON_CARD, &q)}
                }.into_any()
                item=item
                others=true
            />
            {elderly.map(|e| view! {
                <section class="check-block" data-testid="elderly">
                    <h3>{labels::ELDERLY_CERTIFICATE}</h3>
                    <dl class="check-fields">
                        <Field label=labels::LABEL_PARTIAL_RATIO value=e.ratio.map(|r| r.label()) />
                        <Field label=labels::LABEL_VALID_FROM value=wareki(e.valid_from) />
                        <Field label=labels::LABEL_VALID_UNTIL value=wareki(e.valid_until) />
                    </dl>
                </section>
            })}
            <LimitBlock certificate=q.limit.certificate.clone() consented=consented />
            {(!diseases.is_empty()).then(|| view! {
                <section class="check-block" data-testid="diseases">
                    <h3>{labels::DISEASE_CERTIFICATE}</h3>
                    {diseases.into_iter().map(|d| view! {
                        <dl class="check-fields">
                            <Field label=labels::LABEL_DISEASE value=label(&d.category) />
                            <Field label=labels::LABEL_SELF_PAY value=d.self_pay.map(labels::yen) />
                            <Field label=labels::LABEL_VALID_FROM value=wareki(d.valid_from) />
                            <Field label=labels::LABEL_VALID_UNTIL value=wareki(d.valid_until) />
                        </dl>
                    }).collect_view()}
                </section>
            })}
        </article>
    }
}

/// 限度額適用認定証: 「情報表示」 and the privacy warning, in every outcome. The details exist only
/// where the patient consented.
#[component]
fn LimitBlock(
    certificate: Option<onshi_core::domain::LimitCertificate>,
    consented: bool,
) -> impl IntoView {
    let shown = RwSignal::new(false);
    let details = move || {
        if !consented {
            return view! { <p class="check-note">{labels::LIMIT_NOT_CONSENTED}</p> }.into_any();
        }
        match certificate.clone() {
            Some(c) => view! {
                <dl class="check-fields">
                    <Field label=labels::LABEL_LIMIT_CLASSIFICATION value=label(&c.classification) />
                    <Field label=labels::LABEL_ISSUED value=wareki(c.issued) />
                    <Field label=labels::LABEL_VALID_FROM value=wareki(c.valid_from) />
                    <Field label=labels::LABEL_VALID_UNTIL value=wareki(c.valid_until) />
                    <Field label=labels::LABEL_LONG_TERM value=wareki(c.long_term) />
                </dl>
            }
            .into_any(),
            None => view! { <p class="check-note">{labels::LIMIT_NONE}</p> }.into_any(),
        }
    };
    view! {
        <section class="check-block" data-testid="limit">
            <h3>{labels::LIMIT_CERTIFICATE}</h3>
            <div class="check-limit">
                <button
                    type="button"
                    class="button button-small"
                    aria-expanded=move || shown.get().to_string()
                    on:click=move |_| shown.update(|s| *s = !*s)
                >
                    {labels::SHOW_INFORMATION}
                </button>
                <p class="check-privacy">{labels::PRIVACY_WARNING}</p>
            </div>
            <div data-testid="limit-details">{move || shown.get().then(&details)}</div>
        </section>
    }
}

/// What became of the last 「登録」.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Sent {
    Sending,
    Registered,
    Refused(String),
    /// No answer: the outbox keeps it and sends it again.
    Kept,
    /// Still with the national side: the outbox keeps it and sends it again until the
    /// answer comes; no failure.
    AwaitingAnswer,
    /// Not even kept, so not sent.
    NotKept(&'static str),
}

/// 照会番号 with 「編集」 (S6, S11 single): registers or changes the number the clinic gives this
/// patient's card. The write goes through the outbox (decisions.md D4), so a registration that gets
/// no answer is kept and sent again under the same key, never lost and never applied twice.
#[component]
fn ReferenceNumberField(card: Card, current: Option<String>) -> impl IntoView {
    let outbox = use_outbox();
    let session = use_session();
    let clock = use_clock();
    let shown = RwSignal::new(current);
    let editing = RwSignal::new(false);
    let input = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sent = RwSignal::new(None::<Sent>);
    // A card without an insurer number or 番号 cannot be registered (the message requires both).
    let registrable = card.insurer_number.is_some() && card.number.is_some();
    let input_ref = NodeRef::<leptos::html::Input>::new();

    let open = move |_| {
        input.set(shown.get_untracked().unwrap_or_default());
        error.set(None);
        sent.set(None);
        editing.set(true);
        // Focus the field once it is in the DOM, for keyboard work.
        request_animation_frame(move || {
            if let Some(field) = input_ref.get_untracked() {
                let _ = field.focus();
            }
        });
    };
    let card = StoredValue::new(card);
    let submit = move || {
        if sent.get_untracked() == Some(Sent::Sending) {
            return;
        }
        let number =
            match validate::insurance::reference_number("reference_number", &input.get_untracked())
            {
                Ok(number) => number,
                Err(finding) => {
                    error.set(Some(finding.message));
                    return;
                }
            };
        error.set(None);
        let Some(institution) = session.peek(|s| s.map(|s| s.institution.code.clone())) else {
            return;
        };
        let registration = Registration {
            reference_number: Some(number.clone()),
            card: card.get_value(),
        };
        let message = registration_request(&registration, &institution, clock.now().jst_date())
            .encode(Encoding::Utf8);
        let Ok(message) = message else {
            sent.set(Some(Sent::NotKept(catalogue::REQUEST_UNENCODABLE)));
            return;
        };
        sent.set(Some(Sent::Sending));
        spawn_local(async move {
            // The outbox adds the session's token when it sends, and never stores one.
            let outcome = match outbox.send(client::register_reference("", message)).await {
                Ok(Delivery::Answered { response, outcome }) => {
                    match outbox::registration_answer(&response) {
                        Ok(RegistrationAnswer::Registered { .. }) => {
                            shown.set(Some(number));
                            editing.set(false);
                            Sent::Registered
                        }
                        _ => Sent::Refused(outcome),
                    }
                }
                Ok(Delivery::Kept) => {
                    editing.set(false);
                    Sent::Kept
                }
                Ok(Delivery::AwaitingAnswer) => {
                    editing.set(false);
                    Sent::AwaitingAnswer
                }
                Err(failure) => Sent::NotKept(failure.message()),
            };
            sent.set(Some(outcome));
        });
    };
    let status = move || {
        sent.get().map(|s| {
            let kept = matches!(s, Sent::Kept | Sent::AwaitingAnswer);
            let (tone, text) = match s {
                Sent::Sending => ("pending", labels::REFERENCE_SENDING.to_owned()),
                Sent::Registered => ("ok", catalogue::REFERENCE_REGISTERED.to_owned()),
                Sent::Refused(text) => ("ng", text),
                Sent::Kept => ("pending", labels::REFERENCE_KEPT.to_owned()),
                Sent::AwaitingAnswer => (
                    "pending",
                    labels::REFERENCE_AWAITING_ANSWER.to_owned(),
                ),
                Sent::NotKept(text) => ("ng", text.to_owned()),
            };
            view! {
                <p class=format!("reference-status reference-status-{tone}") role="status" data-testid="reference-status">
                    {text}
                    {kept.then(|| view! {
                        " "
                        <A href=Route::Outbox.path() attr:data-testid="reference-outbox-link">{labels::SCREEN_OUTBOX}</A>
                    })}
                </p>
            }
        })
    };
    view! {
        <div class="check-field check-field-reference">
            <dt>{catalogue::LABEL_REFERENCE_NUMBER}</dt>
            <dd>
                <Show
                    when=move || editing.get()
                    fallback=move || view! {
                        <span data-testid="reference-number">{move || shown.get()}</span>
                        " "
                        <button
                            type="button"
                            class="button button-small"
                            data-testid="reference-edit"
                            disabled=!registrable
                            on:click=open
                        >
                            {labels::EDIT}
                        </button>
                    }
                >
                    <form
                        class="reference-edit"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            submit();
                        }
                    >
                        <input
                            type="text"
                            id="reference_number"
                            node_ref=input_ref
                            maxlength="60"
                            aria-label=catalogue::LABEL_REFERENCE_NUMBER
                            aria-invalid=move || error.with(Option::is_some).to_string()
                            aria-describedby="reference_number-error"
                            prop:value=move || input.get()
                            on:input=move |ev| input.set(event_target_value(&ev))
                            on:keydown=move |ev| {
                                if ev.key() == "Escape" {
                                    editing.set(false);
                                }
                            }
                        />
                        " "
                        <button
                            type="submit"
                            class="button button-small button-primary"
                            data-testid="reference-register"
                            disabled=move || sent.get() == Some(Sent::Sending)
                        >
                            {labels::REGISTER}
                        </button>
                        " "
                        <button type="button" class="button button-small" on:click=move |_| editing.set(false)>
                            {labels::CANCEL}
                        </button>
                        <p class="field-message" id="reference_number-error" role="alert" data-testid="reference_number-error">
                            {move || error.get()}
                        </p>
                    </form>
                </Show>
                {status}
            </dd>
        </div>
    }
}

/// A free-text item with its checkbox for the レセコン.
#[component]
fn HandOverField(
    index: usize,
    item: HandOverItem,
    label: &'static str,
    value: Option<String>,
    handed_over: RwSignal<Vec<BTreeSet<HandOverItem>>>,
) -> impl IntoView {
    let has_value = value.is_some();
    let unconvertible = value
        .as_deref()
        .is_some_and(|v| v.contains(hand_over::UNCONVERTIBLE));
    let checked =
        move || handed_over.with(|h| h.get(index).is_some_and(|items| items.contains(&item)));
    let toggle = move |_| {
        handed_over.update(|h| {
            if let Some(items) = h.get_mut(index)
                && !items.remove(&item)
            {
                items.insert(item);
            }
        });
    };
    view! {
        <div class="check-field check-field-item" class:check-field-unconvertible=unconvertible>
            <dt>
                <label>
                    <input
                        type="checkbox"
                        class="check-hand-over"
                        prop:checked=checked
                        disabled=!has_value
                        on:change=toggle
                    />
                    {label}
                </label>
            </dt>
            <dd>{value}</dd>
        </div>
    }
}

/// The six viewing consents of a qualification, in seed 000's order, with 手術情報 last (D9).
pub(crate) fn consent_rows(q: &Qualification) -> Vec<(&'static str, bool)> {
    vec![
        (
            labels::CONSENT_LIMIT_VIEW,
            q.limit.consent == Some(LimitConsentFlag::Consented),
        ),
        (
            labels::CONSENT_DISEASE_VIEW,
            q.diseases.consent == Some(ConsentStatus::Consented),
        ),
        (
            labels::CONSENT_CHECKUPS_VIEW,
            q.consents.checkups.is_consented(),
        ),
        (
            labels::CONSENT_PHARMACY_VIEW,
            q.consents.pharmacists.is_consented(),
        ),
        (
            labels::CONSENT_DIAGNOSIS_VIEW,
            q.consents.diagnosis.is_consented(),
        ),
        (
            labels::CONSENT_OPERATION_VIEW,
            q.consents.operation.is_consented(),
        ),
    ]
}
