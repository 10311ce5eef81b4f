//! パスワード変更 (S14; seed 002: 「新旧パスワードを入力して変更を実行」, 「変更を完了」; seed 003: the
//! system-issued password is changed at first sign-in).
//!
//! Every account kind that signs in changes its own password here (decisions.md D2). The form is
//! checked by the core's `validate::password_change` and by the confirmation before anything is
//! sent; every finding, and each of the endpoint's field errors (a wrong current password), appears
//! next to its field. The policy is shown above the fields.
//!
//! An account whose password was issued by the system is brought here at sign-in and cannot open
//! another screen until it has changed it (`components::password_gate`); ログアウト and 戻る stay.
//! Once the endpoint accepts, the session's must-change state is cleared and a completion dialog
//! leads on to the menu. The passwords live in this page's signals only, and are cleared once sent.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;
use onshi_core::{catalogue, contract::FieldError, validate};

use crate::{
    components::{Dialog, Frame, SubmitButton, TextField, error_for},
    labels,
    route::Route,
    state::{use_api, use_session},
};

/// The contract's field names (`PUT /session/password`), and ours for the confirmation, which is
/// never sent.
const CURRENT: &str = "current";
const NEW: &str = "new";
const CONFIRM: &str = "confirm";

/// Everything wrong with the form, each finding with its field: the core's rules for the current
/// and the new password, then the confirmation.
fn findings(current: &str, new: &str, confirm: &str) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = validate::password_change(current, new)
        .into_iter()
        .map(|f| FieldError {
            field: f.field.to_owned(),
            message: f.message,
        })
        .collect();
    let confirmation = if confirm.is_empty() {
        Some(labels::PASSWORD_CONFIRM_REQUIRED)
    } else if confirm != new {
        Some(labels::PASSWORD_CONFIRM_MISMATCH)
    } else {
        None
    };
    errors.extend(confirmation.map(|message| FieldError {
        field: CONFIRM.to_owned(),
        message: message.to_owned(),
    }));
    errors
}

#[component]
pub fn PasswordChangePage() -> impl IntoView {
    let api = use_api();
    let must_change = use_session().must_change_password();
    let navigate = use_navigate();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let field_errors = RwSignal::new(Vec::<FieldError>::new());
    let refusal = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let changed = RwSignal::new(false);

    let error_for = move |field: &'static str| error_for(field_errors, field);

    let submit = move || {
        if pending.get_untracked() {
            return;
        }
        let (old, next) = (current.get_untracked(), new.get_untracked());
        let errors = findings(&old, &next, &confirm.get_untracked());
        refusal.set(None);
        let invalid = !errors.is_empty();
        field_errors.set(errors);
        if invalid {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = api.change_password(&old, &next).await;
            // A session that ended meanwhile has taken the screen to sign-in, and these signals
            // with it; hence `try_set`.
            pending.try_set(false);
            match result {
                Ok(()) => {
                    for field in [current, new, confirm] {
                        field.try_set(String::new());
                    }
                    changed.try_set(true);
                }
                Err(error) => {
                    let errors = error.field_errors().to_vec();
                    // Field errors say it all next to their fields; anything else is said above
                    // the button.
                    if errors.is_empty() {
                        refusal.try_set(Some(error.message()));
                    }
                    field_errors.try_set(errors);
                }
            }
        });
    };
    let to_menu = UnsyncCallback::new(move |_| navigate(Route::Menu.path(), Default::default()));

    view! {
        <Frame screen=labels::TILE_PASSWORD_CHANGE>
            <section class="password-change" data-testid="password-change">
                <Show when=move || must_change.get()>
                    <div class="notice password-change-first" role="alert" data-testid="password-change-first">
                        <p>{labels::PASSWORD_CHANGE_FIRST}</p>
                        <p>{labels::PASSWORD_CHANGE_FIRST_NOTE}</p>
                    </div>
                </Show>
                <aside class="password-policy" data-testid="password-policy">
                    <h2>{labels::PASSWORD_POLICY_TITLE}</h2>
                    <ul>
                        {catalogue::password_policy()
                            .into_iter()
                            .map(|rule| view! { <li>{rule}</li> })
                            .collect_view()}
                    </ul>
                </aside>
                <form
                    class="password-change-form"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        submit();
                    }
                >
                    <p class="required-note">{labels::REQUIRED_NOTE}</p>
                    <TextField
                        id="current_password"
                        label=labels::LABEL_CURRENT_PASSWORD
                        value=current
                        error=error_for(CURRENT)
                        input_type="password"
                        autocomplete="current-password"
                        required=true
                    />
                    <TextField
                        id="new_password"
                        label=labels::LABEL_NEW_PASSWORD
                        value=new
                        error=error_for(NEW)
                        input_type="password"
                        autocomplete="new-password"
                        required=true
                    />
                    <TextField
                        id="new_password_confirm"
                        label=labels::LABEL_NEW_PASSWORD_CONFIRM
                        value=confirm
                        error=error_for(CONFIRM)
                        input_type="password"
                        autocomplete="new-password"
                        required=true
                    />
                    <p class="form-error" role="alert" data-testid="password-change-error">
                        {move || refusal.get()}
                    </p>
                    <SubmitButton label=labels::PASSWORD_CHANGE_BUTTON pending=pending test_id="password-change-submit" />
                </form>
            </section>
            <Show when=move || changed.get()>
                <Dialog
                    title=labels::TILE_PASSWORD_CHANGE
                    message=Signal::stored(labels::PASSWORD_CHANGED.to_owned())
                    confirm_label=catalogue::OK
                    on_confirm=to_menu
                    test_id="password-changed"
                />
            </Show>
        </Frame>
    }
}
