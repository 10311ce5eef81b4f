//! A qualification's field grid as the guides print it: 照会番号, the insurer, the card's
//! 記号・番号・枝番, the name, the dates and the address, one `<dl class="check-fields">` per line.
//! S6 資格情報確認 and the history's detail both show it; they differ only in the 照会番号 line
//! (S6 can edit it), the name line, and how a free-text item is shown (S6 gives each a checkbox for
//! the レセコン, decisions.md D9), which the caller hands in.

use chrono::NaiveDate;
use leptos::prelude::*;
use onshi_core::{
    catalogue,
    codes::CodeTable,
    domain::{Qualification, hand_over::HandOverItem},
    era,
};

use crate::labels;

/// The grid of one qualification: a fragment of `<dl>` lines, for the caller's `<article>`.
#[component]
pub fn QualificationFields<I, V>(
    q: Qualification,
    /// What the 照会番号 line holds.
    reference: AnyView,
    /// The name fields at the head of the name line, before 性別 and 生年月日.
    names: AnyView,
    /// Shows a free-text item under its label.
    item: I,
    /// Whether the 本人・家族 line goes on to the other insured person's name (S6 shows it).
    #[prop(optional)]
    others: bool,
) -> impl IntoView
where
    I: Fn(HandOverItem, &'static str, &Qualification) -> V + 'static,
    V: IntoView + 'static,
{
    let other_names = others.then(|| {
        view! {
            {item(HandOverItem::NameOfOther, labels::LABEL_NAME_OTHER, &q)}
            {q.name_of_other_kana.is_some().then(|| item(HandOverItem::NameOfOtherKana, labels::LABEL_KANA_OTHER, &q))}
        }
    });
    view! {
        <dl class="check-fields">{reference}</dl>
        <dl class="check-fields">
            <Field label=catalogue::LABEL_INSURER_NUMBER value=q.card.insurer_number.as_ref().map(|n| n.to_string()) />
            {item(HandOverItem::InsurerName, labels::LABEL_INSURER_NAME, &q)}
        </dl>
        <dl class="check-fields">
            <Field label=labels::LABEL_SYMBOL value=q.card.symbol.clone() />
            <Field label=labels::LABEL_NUMBER value=q.card.number.clone() />
            <Field label=labels::LABEL_BRANCH value=q.card.branch.clone() />
        </dl>
        <dl class="check-fields">
            {names}
            <Field label=labels::LABEL_SEX_FRONT value=label(&q.sex1) />
            <Field label=catalogue::LABEL_BIRTHDATE value=wareki(q.birthdate) />
        </dl>
        <dl class="check-fields">
            <Field label=labels::LABEL_CARD_CLASSIFICATION value=label(&q.card_classification) />
            <Field label=labels::LABEL_PARTIAL_RATIO value=q.partial_ratio.map(|r| r.label()) />
            <Field label=labels::LABEL_VALID_FROM value=wareki(q.valid_from) />
            <Field label=labels::LABEL_VALID_UNTIL value=wareki(q.valid_until) />
            <Field label=labels::LABEL_REASON_OF_LOSS value=label(&q.reason_of_loss) />
        </dl>
        <dl class="check-fields">
            <Field label=labels::LABEL_PERSONAL_FAMILY value=label(&q.personal_family) />
            {item(HandOverItem::InsuredName, labels::LABEL_INSURED_NAME, &q)}
            {other_names}
        </dl>
        <dl class="check-fields">
            {item(HandOverItem::PostNumber, labels::LABEL_POST_NUMBER, &q)}
            {item(HandOverItem::Address, labels::LABEL_ADDRESS, &q)}
        </dl>
    }
}

/// A label and its value (empty when the answer has none, as the guides show it).
#[component]
pub fn Field(label: &'static str, value: Option<String>) -> impl IntoView {
    view! {
        <div class="check-field">
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

/// A date in 和暦, as the guides print it (「昭和29年3月26日」).
pub fn wareki(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| era::format(d).unwrap_or_else(|| d.format("%Y/%m/%d").to_string()))
}

/// A code's label.
pub fn label<T: CodeTable>(code: &Option<T>) -> Option<String> {
    code.as_ref().map(|c| c.label().into_owned())
}
