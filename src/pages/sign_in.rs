//! S1: sign-in with ID and password, the lockout, and the forced-login prompt (seeds 000, 001, 004).
//!
//! The form is checked by the core before anything is sent; every finding appears next to its field.
//! A refusal from the endpoint appears above the button, worded by [`crate::error::ApiError`].

use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::Redirect;
use onshi_core::{
    catalogue,
    contract::{FieldError, ProblemCode},
    validate,
};

use crate::{
    components::{Dialog, EndpointBar, PublicFrame, SubmitButton, TextField, error_for},
    labels,
    route::Route,
    state::{use_api, use_capabilities, use_endpoint, use_session},
};

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    let api = use_api();
    let user_id = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let field_errors = RwSignal::new(Vec::<FieldError>::new());
    let refusal = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let asking_force = RwSignal::new(false);

    let error_for = move |field: &'static str| error_for(field_errors, field);

    let submit = move |force: bool| {
        if pending.get_untracked() {
            return;
        }
        let (id, pw) = (user_id.get_untracked(), password.get_untracked());
        let findings: Vec<FieldError> = validate::sign_in(&id, &pw)
            .into_iter()
            .map(|f| FieldError {
                field: f.field.to_owned(),
                message: f.message,
            })
            .collect();
        refusal.set(None);
        let invalid = !findings.is_empty();
        field_errors.set(findings);
        if invalid {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let result = api.sign_in(&id, &pw, force).await;
            pending.set(false);
            // On success the session is set and this page redirects to the menu by itself.
            if let Err(error) = result {
                if error.code() == Some(ProblemCode::SessionInUse) {
                    asking_force.set(true);
                    return;
                }
                field_errors.set(error.field_errors().to_vec());
                refusal.set(Some(error.message()));
                if matches!(
                    error.code(),
                    Some(ProblemCode::InvalidCredentials | ProblemCode::AccountLocked)
                ) {
                    password.set(String::new());
                }
            }
        });
    };

    // Signed in, the menu opens; an account with a system-issued password goes to パスワード変更
    // instead (seed 003: changed at first sign-in).
    let must_change = session.must_change_password();
    let signed_in = Memo::new(move |_| session.with(|s| s.is_some()));
    let signed_in_to = move || {
        signed_in.get().then(|| {
            let to = if must_change.get() {
                Route::PasswordChange
            } else {
                Route::Menu
            };
            view! { <Redirect path=to.path() /> }
        })
    };

    view! {
        {signed_in_to}
        <PublicFrame screen=labels::SCREEN_SIGN_IN>
            <section class="sign-in">
                {move || session.notice().map(|n| view! { <p class="notice" role="status" data-testid="session-notice">{n}</p> })}
                <form
                    class="sign-in-form"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        submit(false);
                    }
                >
                    <h2 class="sign-in-title">{labels::SYSTEM_TITLE}</h2>
                    <TextField
                        id="user_id"
                        label=labels::LABEL_USER_ID
                        value=user_id
                        error=error_for("user_id")
                        autocomplete="username"
                    />
                    <TextField
                        id="password"
                        label=labels::LABEL_PASSWORD
                        value=password
                        error=error_for("password")
                        input_type="password"
                        autocomplete="current-password"
                    />
                    <p class="form-error" role="alert" data-testid="sign-in-error">
                        {move || refusal.get()}
                    </p>
                    <SubmitButton label=labels::SIGN_IN_BUTTON pending=pending />
                    <p class="sign-in-note">{catalogue::LOCKOUT_NOTE}</p>
                </form>
                <TrainingAccountList user_id=user_id password=password />
            </section>
            <EndpointBar />
        </PublicFrame>
        <Show when=move || asking_force.get()>
            <Dialog
                title=labels::SCREEN_SIGN_IN
                message=Signal::stored(catalogue::FORCE_SIGN_IN_PROMPT.to_owned())
                confirm_label=labels::YES
                cancel_label=labels::NO
                on_confirm=UnsyncCallback::new(move |_| {
                    asking_force.set(false);
                    submit(true);
                })
                on_cancel=UnsyncCallback::new(move |_| asking_force.set(false))
                test_id="force-sign-in"
            />
        </Show>
    }
}

/// Training data's list of accounts, each with a button that fills the form: in training mode, and
/// from an endpoint on training data, which lists its accounts (`GET /training/accounts`).
#[component]
fn TrainingAccountList(user_id: RwSignal<String>, password: RwSignal<String>) -> impl IntoView {
    let capabilities = use_capabilities();
    let endpoint = use_endpoint();
    let api = use_api();
    let listed = LocalResource::new(move || {
        // Asked again when staff choose another endpoint.
        endpoint.with(|_| ());
        let training = capabilities.training();
        async move {
            if !training {
                return None;
            }
            // Without the list the form still works; it is only a help.
            api.training_accounts().await.ok().map(|list| list.items)
        }
    });
    move || {
        listed.get().flatten().map(|accounts| {
            view! {
                <aside class="training-accounts" data-testid="training-accounts">
                    <h2>{labels::TRAINING_ACCOUNTS_TITLE}</h2>
                    <p>{labels::TRAINING_ACCOUNTS_NOTE}</p>
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">{labels::LABEL_USER_ID}</th>
                                <th scope="col">{labels::LABEL_PASSWORD}</th>
                                <th scope="col">{labels::LABEL_ACCOUNT_KIND}</th>
                                <th scope="col">{labels::LABEL_USER_NAME}</th>
                                <th></th>
                            </tr>
                        </thead>
                        <tbody>
                            {accounts
                                .into_iter()
                                .map(|account| {
                                    let fill = (account.user_id.clone(), account.password.clone());
                                    view! {
                                        <tr>
                                            <td><code>{account.user_id}</code></td>
                                            <td><code>{account.password}</code></td>
                                            <td>{account.kind.full_name()}</td>
                                            <td>{account.name}</td>
                                            <td>
                                                <button
                                                    type="button"
                                                    class="button button-small"
                                                    on:click=move |_| {
                                                        user_id.set(fill.0.clone());
                                                        password.set(fill.1.clone());
                                                    }
                                                >
                                                    {labels::TRAINING_ACCOUNTS_FILL}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </aside>
            }
        })
    }
}
