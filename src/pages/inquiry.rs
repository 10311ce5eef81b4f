//! S5 保険証/処方箋で確認: the inquiry by insurance-card data (seed 000 Case2, 001, 002), and its result
//! (S6, [`super::qualification_check`]) on the same address.
//!
//! Every field is checked by the core before anything is sent, with the message next to the field and
//! the focus on the first field in error.
//! Dates may be typed in 和暦 or 西暦. Enter submits, from any field. 「戻る」 on the result comes back
//! to the form as it was filled in; 「次の患者へ(保険証)」 comes back to an empty one.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;
use onshi_core::{
    catalogue,
    codes::{CodeTable, LimitConsentFlag, TreatmentKind},
    domain::{Findings, QualificationResult},
    validate::{
        Finding,
        insurance::{self, InquiryForm},
    },
};
use wasm_bindgen::JsCast;

use crate::{
    components::{Frame, SubmitButton, TextField, focus},
    labels,
    pages::qualification_check::QualificationCheck,
    route::Route,
    state::{use_api, use_clock, use_session},
};

/// The 診療区分 staff may choose (seed 002); 救急時 is not asked at reception.
const TREATMENTS: [TreatmentKind; 3] = [
    TreatmentKind::Outpatient,
    TreatmentKind::HomeVisit,
    TreatmentKind::Online,
];

/// The form's fields as typed.
#[derive(Clone, Copy)]
struct Fields {
    insurer_number: RwSignal<String>,
    symbol: RwSignal<String>,
    number: RwSignal<String>,
    branch: RwSignal<String>,
    birthdate: RwSignal<String>,
    confirmation_date: RwSignal<String>,
    treatment: RwSignal<TreatmentKind>,
    limit_consent: RwSignal<LimitConsentFlag>,
}

impl Fields {
    fn new(today: String) -> Fields {
        Fields {
            insurer_number: RwSignal::new(String::new()),
            symbol: RwSignal::new(String::new()),
            number: RwSignal::new(String::new()),
            branch: RwSignal::new(String::new()),
            birthdate: RwSignal::new(String::new()),
            confirmation_date: RwSignal::new(today),
            treatment: RwSignal::new(TreatmentKind::Outpatient),
            limit_consent: RwSignal::new(LimitConsentFlag::NotConsented),
        }
    }

    fn form(&self) -> InquiryForm {
        InquiryForm {
            insurer_number: self.insurer_number.get_untracked(),
            symbol: self.symbol.get_untracked(),
            number: self.number.get_untracked(),
            branch: self.branch.get_untracked(),
            birthdate: self.birthdate.get_untracked(),
            confirmation_date: self.confirmation_date.get_untracked(),
        }
    }

    /// An empty form for the next patient; 資格確認日 is today again, the choices are kept.
    fn clear(&self, today: String) {
        for field in [
            self.insurer_number,
            self.symbol,
            self.number,
            self.branch,
            self.birthdate,
        ] {
            field.set(String::new());
        }
        self.confirmation_date.set(today);
        self.limit_consent.set(LimitConsentFlag::NotConsented);
    }
}

/// An answer and what staff should be warned about in it.
#[derive(Clone)]
struct Answered {
    result: QualificationResult,
    findings: Findings,
    /// The history entry the answer was recorded as, for keeping staff's hand-over choices.
    history_id: Option<u64>,
}

#[component]
pub fn InquiryPage() -> impl IntoView {
    let api = use_api();
    let clock = use_clock();
    let session = use_session();
    let today = move || clock.now().jst_date().format("%Y/%m/%d").to_string();
    let fields = Fields::new(today());
    let findings = RwSignal::new(Vec::<Finding>::new());
    let refusal = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let answered = RwSignal::new(None::<Answered>);

    let error_for = move |field: &'static str| {
        Signal::derive(move || {
            findings.with(|all| {
                all.iter()
                    .find(|f| f.field == field)
                    .map(|f| f.message.clone())
            })
        })
    };

    let submit = move || {
        if pending.get_untracked() {
            return;
        }
        refusal.set(None);
        let checked = insurance::inquiry(&fields.form(), clock.now().jst_date());
        let valid = match checked {
            Ok(valid) => {
                findings.set(Vec::new());
                valid
            }
            Err(found) => {
                // Staff fix a form from its first problem, so the keyboard goes there at once.
                if let Some(first) = found.first() {
                    focus_field(first.field);
                }
                findings.set(found);
                return;
            }
        };
        let Some(institution) = session.with(|s| s.map(|s| s.institution.code.clone())) else {
            return;
        };
        let inquiry = valid.to_inquiry(
            &institution,
            fields.limit_consent.get_untracked(),
            fields.treatment.get_untracked(),
        );
        pending.set(true);
        spawn_local(async move {
            let outcome = api.inquire(&inquiry).await;
            pending.set(false);
            match outcome {
                Ok((result, found, history_id)) => answered.set(Some(Answered {
                    result,
                    findings: found,
                    history_id,
                })),
                Err(error) => refusal.set(Some(error.message())),
            }
        });
    };

    let form = move || {
        // The form is built anew on the way back from a result, so the next patient's card can be
        // typed at once (decisions.md D11): its first field takes the focus each time.
        let form_ref = NodeRef::<leptos::html::Form>::new();
        Effect::new(move |_| {
            if let Some(form) = form_ref.get() {
                focus::first_field(&form);
            }
        });
        view! {
            <form
                node_ref=form_ref
                class="inquiry-form"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit();
                }
            >
                <p class="inquiry-intro">{labels::INQUIRY_INTRO}</p>
                <div class="inquiry-row">
                    <TextField id="insurer_number" label=catalogue::LABEL_INSURER_NUMBER value=fields.insurer_number error=error_for("insurer_number") required=true />
                </div>
                <div class="inquiry-row inquiry-row-card">
                    <TextField id="symbol" label=labels::LABEL_SYMBOL value=fields.symbol error=error_for("symbol") />
                    <TextField id="number" label=labels::LABEL_NUMBER value=fields.number error=error_for("number") required=true />
                    <TextField id="branch" label=labels::LABEL_BRANCH value=fields.branch error=error_for("branch") />
                </div>
                <p class="field-hint">{labels::BRANCH_HINT}</p>
                <div class="inquiry-row inquiry-row-dates">
                    <TextField id="birthdate" label=catalogue::LABEL_BIRTHDATE value=fields.birthdate error=error_for("birthdate") required=true />
                    <TextField id="confirmation_date" label=labels::LABEL_CONFIRMATION_DATE value=fields.confirmation_date error=error_for("confirmation_date") required=true />
                </div>
                <p class="field-hint">{labels::DATE_HINT}</p>
                <CodeChoices
                    name="treatment"
                    legend=labels::LABEL_TREATMENT
                    options=TREATMENTS.into_iter().map(|kind| {
                        let label = kind.label().into_owned();
                        (kind, label)
                    }).collect()
                    value=fields.treatment
                />
                <CodeChoices
                    name="limit_consent"
                    legend=labels::LABEL_LIMIT_CONSENT
                    options=vec![
                        (LimitConsentFlag::Consented, labels::LIMIT_CONSENT_YES.to_owned()),
                        (LimitConsentFlag::NotConsented, labels::LIMIT_CONSENT_NO.to_owned()),
                    ]
                    value=fields.limit_consent
                />
                <p class="form-error" role="alert" data-testid="inquiry-error">{move || refusal.get()}</p>
                <SubmitButton label=labels::SEARCH_BUTTON pending=pending />
            </form>
        }
    };

    let screen = Signal::derive(move || match answered.with(Option::is_some) {
        true => labels::SCREEN_QUALIFICATION_CHECK,
        false => labels::SCREEN_INQUIRY,
    });
    view! {
        <Frame screen=screen footer=Signal::derive(move || answered.with(Option::is_none))>
            <nav class="tabs" aria-label=labels::SCREEN_INQUIRY>
                <A href=Route::Reception.path() attr:class="tab">{labels::TAB_MY_NUMBER_CARD}</A>
                <span class="tab tab-current" aria-current="page">{labels::TAB_INSURANCE_CARD}</span>
            </nav>
            {move || match answered.get() {
                Some(Answered { result, findings: found, history_id }) => view! {
                    <QualificationCheck
                        result=result
                        findings=found
                        history_id=history_id
                        on_back=Callback::new(move |_| answered.set(None))
                        on_next=Callback::new(move |_| {
                            fields.clear(today());
                            findings.set(Vec::new());
                            answered.set(None);
                        })
                    />
                }
                .into_any(),
                None => form().into_any(),
            }}
        </Frame>
    }
}

/// Moves the keyboard focus to the input whose id is `id` (each field's id is its finding's name).
/// Focus is no storage, time or network, so the page may touch the DOM for it; a missing element
/// (the form already replaced) is left alone.
fn focus_field(id: &str) {
    if let Some(input) = document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = input.focus();
    }
}

/// One radio button per option of a code table, bound to `value`; each button's value is the code.
#[component]
fn CodeChoices<T: CodeTable + Clone + PartialEq + Send + Sync + 'static>(
    name: &'static str,
    legend: &'static str,
    /// The codes offered, each with its label.
    options: Vec<(T, String)>,
    value: RwSignal<T>,
) -> impl IntoView {
    view! {
        <fieldset class="choices choices-inline">
            <legend>{legend}</legend>
            {options
                .into_iter()
                .map(|(option, label)| {
                    let code = option.code().to_owned();
                    let chosen = option.clone();
                    view! {
                        <label class="choice-inline">
                            <input
                                type="radio"
                                name=name
                                value=code
                                prop:checked=move || value.with(|v| *v == option)
                                on:change=move |_| value.set(chosen.clone())
                            />
                            {label}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
