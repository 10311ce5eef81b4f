//! The conditions of 資格確認履歴照会 as staff type them: the period's two ends with their pickers,
//! the short lists, and the fields the endpoint's findings may name.

use leptos::prelude::*;
use onshi_core::{
    contract::Narrow,
    validate::history::{HistoryForm, HistoryKind, now_minute, picker_date},
};

use crate::labels;

/// The fields the endpoint may name in its findings, each shown next to its input.
pub(super) const FIELDS: [&str; 6] = [
    "from",
    "to",
    "kind",
    "narrow",
    "login_id",
    "reference_number",
];

/// The conditions as typed.
#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub(super) from_date: RwSignal<String>,
    pub(super) from_time: RwSignal<String>,
    pub(super) to_date: RwSignal<String>,
    pub(super) to_time: RwSignal<String>,
    pub(super) kind: RwSignal<HistoryKind>,
    pub(super) narrow: RwSignal<Narrow>,
    pub(super) login_id: RwSignal<String>,
    pub(super) reference_number: RwSignal<String>,
    /// Whether 至 still holds its default, "now": then it moves to the current minute whenever the
    /// search runs, so that results arriving later are found.
    pub(super) to_is_now: RwSignal<bool>,
}

impl Fields {
    pub(super) fn new(defaults: HistoryForm) -> Fields {
        Fields {
            from_date: RwSignal::new(defaults.from_date),
            from_time: RwSignal::new(defaults.from_time),
            to_date: RwSignal::new(defaults.to_date),
            to_time: RwSignal::new(defaults.to_time),
            kind: RwSignal::new(defaults.kind),
            narrow: RwSignal::new(defaults.narrow),
            login_id: RwSignal::new(defaults.login_id),
            reference_number: RwSignal::new(defaults.reference_number),
            to_is_now: RwSignal::new(true),
        }
    }

    /// 「クリア」: the defaults again.
    pub(super) fn reset(&self, defaults: HistoryForm) {
        self.from_date.set(defaults.from_date);
        self.from_time.set(defaults.from_time);
        self.to_date.set(defaults.to_date);
        self.to_time.set(defaults.to_time);
        self.kind.set(defaults.kind);
        self.narrow.set(defaults.narrow);
        self.login_id.set(defaults.login_id);
        self.reference_number.set(defaults.reference_number);
        self.to_is_now.set(true);
    }

    /// A 至 still at its default shows the current minute.
    pub(super) fn follow_now(&self, now: onshi_core::time::Timestamp) {
        if self.to_is_now.get_untracked() {
            self.to_date.set(picker_date(now.jst_date()));
            self.to_time.set(now_minute(now));
        }
    }

    pub(super) fn form(&self) -> HistoryForm {
        HistoryForm {
            from_date: self.from_date.get_untracked(),
            from_time: self.from_time.get_untracked(),
            to_date: self.to_date.get_untracked(),
            to_time: self.to_time.get_untracked(),
            kind: self.kind.get_untracked(),
            narrow: self.narrow.get_untracked(),
            login_id: self.login_id.get_untracked(),
            reference_number: self.reference_number.get_untracked(),
        }
    }
}

/// One end of the period: a date and a time, each with its own picker, and one message.
#[component]
pub(super) fn Bound(
    id: &'static str,
    label: &'static str,
    date: RwSignal<String>,
    time: RwSignal<String>,
    /// The earliest date the picker offers (the endpoint's history window back).
    #[prop(into)]
    min: Signal<String>,
    error: Signal<Option<String>>,
    /// Staff changed the date or the time.
    on_edit: Callback<()>,
) -> impl IntoView {
    let date_id = format!("{id}_date");
    let time_id = format!("{id}_time");
    let message_id = format!("{id}-message");
    let invalid = move || {
        if error.with(Option::is_some) {
            "true"
        } else {
            "false"
        }
    };
    view! {
        <div class="field history-bound" class:field-invalid=move || error.with(Option::is_some)>
            <label for=date_id.clone() class="field-label">"* " {label}</label>
            <div class="history-bound-inputs">
                <input
                    id=date_id
                    type="date"
                    class="field-input"
                    min=move || min.get()
                    aria-label=format!("{label} {}", labels::LABEL_DATE)
                    aria-invalid=invalid
                    aria-describedby=message_id.clone()
                    prop:value=move || date.get()
                    on:input=move |ev| {
                        date.set(event_target_value(&ev));
                        on_edit.run(());
                    }
                />
                <input
                    id=time_id
                    type="time"
                    class="field-input"
                    aria-label=format!("{label} {}", labels::LABEL_TIME)
                    aria-invalid=invalid
                    aria-describedby=message_id.clone()
                    prop:value=move || time.get()
                    on:input=move |ev| {
                        time.set(event_target_value(&ev));
                        on_edit.run(());
                    }
                />
            </div>
            <p id=message_id class="field-message" role="alert">{move || error.get()}</p>
        </div>
    }
}

/// A required choice from a short list.
#[component]
pub(super) fn Choice<T: Copy + PartialEq + Send + Sync + 'static>(
    id: &'static str,
    label: &'static str,
    options: Vec<(T, &'static str)>,
    value: RwSignal<T>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let message_id = format!("{id}-message");
    let chosen = options.clone();
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id class="field-label">"* " {label}</label>
            <select
                id=id
                class="field-input"
                aria-describedby=message_id.clone()
                on:change=move |ev| {
                    let index = event_target_value(&ev).parse::<usize>().ok();
                    if let Some((option, _)) = index.and_then(|i| chosen.get(i)) {
                        value.set(*option);
                    }
                }
            >
                {options
                    .into_iter()
                    .enumerate()
                    .map(|(index, (option, text))| {
                        view! {
                            <option value=index.to_string() prop:selected=move || value.get() == option>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p id=message_id class="field-message" role="alert">{move || error.get()}</p>
        </div>
    }
}
