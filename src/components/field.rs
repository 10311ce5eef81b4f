//! A labelled text input with its message underneath.

use leptos::prelude::*;
use onshi_core::contract::FieldError;

/// The message for `field` among a form's findings, as the signal a [`TextField`] shows.
pub fn error_for(errors: RwSignal<Vec<FieldError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || {
        errors.with(|errors| {
            errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone())
        })
    })
}

/// A text (or password) input bound to a signal, with the finding for it shown next to it.
#[component]
pub fn TextField(
    /// The element id; also the name the form submits under.
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    /// The message for this field, if any (it marks the input invalid).
    #[prop(into)]
    error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    /// The on-screen keyboard to offer, e.g. `numeric` for a PIN.
    #[prop(default = None)]
    inputmode: Option<&'static str>,
    /// The most characters the input takes, e.g. 4 for a PIN.
    #[prop(default = None)]
    maxlength: Option<u32>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let message_id = format!("{id}-message");
    let described_by = message_id.clone();
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id class="field-label">
                {required.then_some("* ")}
                {label}
            </label>
            <input
                id=id
                name=id
                type=input_type
                class="field-input"
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                spellcheck="false"
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <p id=message_id class="field-message" role="alert">
                {move || error.get()}
            </p>
        </div>
    }
}
