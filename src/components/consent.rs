//! The patient's three consent screens (decisions.md D9, in seed 002's wording): training's reader
//! panel (S9) and the general reader's patient-facing panel ask them the same way.
//!
//! Each screen is a question (shown by the caller, on its own screen's message line), seed 002's
//! purpose line where it carries one, and the two answers as large buttons.

use leptos::prelude::*;
use onshi_core::card::flow::CONSENT_SCREENS;

use crate::labels;

/// The consent screens in D9's order: the question, whether it carries seed 002's purpose line, and
/// the two answers.
const QUESTIONS: [(&str, bool, &str, &str); CONSENT_SCREENS] = [
    (
        labels::TRAINER_ASK_MEDICAL,
        true,
        labels::TRAINER_AGREE,
        labels::TRAINER_DISAGREE,
    ),
    (
        labels::TRAINER_ASK_CHECKUPS,
        true,
        labels::TRAINER_AGREE,
        labels::TRAINER_DISAGREE,
    ),
    (
        labels::TRAINER_ASK_LIMIT,
        false,
        labels::TRAINER_PROVIDE,
        labels::TRAINER_NOT_PROVIDE,
    ),
];

/// The question of consent screen `screen` (counting from 0), if there is one.
pub fn consent_question(screen: usize) -> Option<&'static str> {
    QUESTIONS.get(screen).map(|q| q.0)
}

/// Consent screen `screen`'s purpose line and answers; `on_answer` gets `true` for the first
/// (同意する, 提供する).
#[component]
pub fn ConsentScreen(screen: usize, on_answer: Callback<bool>) -> impl IntoView {
    QUESTIONS.get(screen).map(|&(_, purpose, yes, no)| {
        view! {
            {purpose.then(|| view! { <p class="panel-screen-note">{labels::READER_SCREEN_CONSENT_PURPOSE}</p> })}
            <div class="panel-actions">
                <button type="button" class="panel-button" on:click=move |_| on_answer.run(true)>{yes}</button>
                <button type="button" class="panel-button panel-button-no" on:click=move |_| on_answer.run(false)>{no}</button>
            </div>
        }
    })
}
