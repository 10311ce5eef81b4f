//! 接続先の設定: staff choose training mode (the default), the endpoint that served this page, or
//! another endpoint typed in (decisions.md D5).
//!
//! A typed address is checked before anything is sent; its message appears next to the field. A real
//! endpoint is then asked for its capabilities and refused, with the reason, when it does not answer or
//! speaks another major version of the contract. Only then does the app switch, which ends any
//! session.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;

use crate::{
    components::{PublicFrame, SubmitButton, TextField, endpoint_bar::choice_label},
    labels,
    route::Route,
    state::{
        EndpointChoice, capabilities::discover, endpoint::this_server, use_api, use_capabilities,
        use_endpoint,
    },
    transport::EndpointUrl,
};

/// The radio button chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Selection {
    Training,
    ThisServer,
    Other,
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let endpoint = use_endpoint();
    let api = use_api();
    let current = endpoint.get();
    let (selection, url) = match EndpointChoice::of(&current) {
        EndpointChoice::Training => (Selection::Training, String::new()),
        EndpointChoice::ThisServer => (Selection::ThisServer, String::new()),
        EndpointChoice::Url { url } => (Selection::Other, url),
    };
    let selection = RwSignal::new(selection);
    let url = RwSignal::new(url);
    let url_error = RwSignal::new(None::<String>);
    let refusal = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let here = this_server().ok().map(|u| u.as_str().to_owned());

    let submit = move || {
        if pending.get_untracked() {
            return;
        }
        refusal.set(None);
        url_error.set(None);
        saved.set(false);
        let choice = match selection.get_untracked() {
            Selection::Training => EndpointChoice::Training,
            Selection::ThisServer => EndpointChoice::ThisServer,
            Selection::Other => match EndpointUrl::parse(&url.get_untracked()) {
                Ok(parsed) => EndpointChoice::Url {
                    url: parsed.as_str().to_owned(),
                },
                Err(e) => {
                    url_error.set(Some(e.message().to_owned()));
                    return;
                }
            },
        };
        let next = match choice.connect() {
            Ok(next) => next,
            Err(e) => {
                // Only "this server" gets here, from a page whose origin is no endpoint address.
                refusal.set(Some(e.message().to_owned()));
                return;
            }
        };
        if next.id() == endpoint.get().id() {
            // Already in use: nothing to check, and no reason to end the session.
            choice.save();
            saved.set(true);
            return;
        }
        pending.set(true);
        spawn_local(async move {
            // Training mode's world is checked like any endpoint: a page that cannot have its service
            // worker is told so here.
            let checked = discover(&next).await.map(|_| ());
            pending.set(false);
            match checked {
                Ok(()) => {
                    if let EndpointChoice::Url { url: normalized } = &choice {
                        url.set(normalized.clone());
                    }
                    api.switch_endpoint(&choice, next);
                    saved.set(true);
                }
                Err(e) => refusal.set(Some(e.message())),
            }
        });
    };

    let choose = move |chosen: Selection| {
        selection.set(chosen);
        refusal.set(None);
        saved.set(false);
    };

    view! {
        <PublicFrame screen=labels::SCREEN_SETTINGS>
            <section class="settings">
                <p class="settings-intro">{labels::SETTINGS_INTRO}</p>
                <CurrentEndpoint />
                <form
                    class="settings-form"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        submit();
                    }
                >
                    <fieldset class="choices">
                        <legend>{labels::SETTINGS_CHOICES}</legend>
                        <Choice
                            value="training"
                            label=labels::ENDPOINT_TRAINING
                            note=labels::ENDPOINT_TRAINING_NOTE
                            checked=Signal::derive(move || selection.get() == Selection::Training)
                            on_choose=UnsyncCallback::new(move |_| choose(Selection::Training))
                        />
                        <Choice
                            value="this_server"
                            label=labels::ENDPOINT_THIS_SERVER
                            note=labels::ENDPOINT_THIS_SERVER_NOTE
                            address=here
                            checked=Signal::derive(move || selection.get() == Selection::ThisServer)
                            on_choose=UnsyncCallback::new(move |_| choose(Selection::ThisServer))
                        />
                        <Choice
                            value="other"
                            label=labels::ENDPOINT_OTHER
                            note=labels::ENDPOINT_OTHER_NOTE
                            checked=Signal::derive(move || selection.get() == Selection::Other)
                            on_choose=UnsyncCallback::new(move |_| choose(Selection::Other))
                        />
                        <Show when=move || selection.get() == Selection::Other>
                            <div class="choice-url">
                                <TextField
                                    id="endpoint_url"
                                    label=labels::LABEL_ENDPOINT_URL
                                    value=url
                                    error=url_error
                                    input_type="url"
                                    autocomplete="url"
                                />
                            </div>
                        </Show>
                    </fieldset>
                    <p class="form-error" role="alert" data-testid="settings-error">
                        {move || refusal.get()}
                    </p>
                    <p class="form-done" role="status" data-testid="settings-saved">
                        {move || saved.get().then_some(labels::SETTINGS_SAVED)}
                    </p>
                    <div class="settings-buttons">
                        <SubmitButton label=labels::SETTINGS_SAVE busy_label=labels::ENDPOINT_CHECKING pending=pending />
                        <A href=Route::SignIn.path() attr:class="button">
                            {labels::GO_TO_SIGN_IN}
                        </A>
                    </div>
                </form>
            </section>
        </PublicFrame>
    }
}

/// One radio button with its name and explanation.
#[component]
fn Choice(
    value: &'static str,
    label: &'static str,
    note: &'static str,
    /// The origin the choice stands for, shown beside its name.
    #[prop(default = None)]
    address: Option<String>,
    checked: Signal<bool>,
    on_choose: UnsyncCallback<()>,
) -> impl IntoView {
    view! {
        <label class="choice" class:choice-checked=move || checked.get()>
            <input
                type="radio"
                name="endpoint"
                value=value
                prop:checked=move || checked.get()
                on:change=move |_| on_choose.run(())
            />
            <span class="choice-text">
                <span class="choice-label">
                    {label}
                    {address.map(|a| view! { <code class="choice-address">{a}</code> })}
                </span>
                <span class="choice-note">{note}</span>
            </span>
        </label>
    }
}

/// The endpoint in use and what it says about itself.
#[component]
fn CurrentEndpoint() -> impl IntoView {
    let endpoint = use_endpoint();
    let capabilities = use_capabilities();
    let name = move || endpoint.with(|e| choice_label(&EndpointChoice::of(e)));
    // Training mode's world is named by the choice alone; its address is the app's own.
    let address =
        move || endpoint.with(|e| (!e.is_training_world()).then(|| e.url().as_str().to_owned()));
    let state = move || {
        match capabilities.get() {
        None => Some(view! { <span>{labels::ENDPOINT_CHECKING}</span> }.into_any()),
        Some(Ok(found)) => Some(
            view! {
                <span class="endpoint-ok">{labels::ENDPOINT_AVAILABLE}</span>
                <span class="endpoint-version">
                    {labels::LABEL_CONTRACT_VERSION}
                    <code>{found.contract_version}</code>
                </span>
                {found.training.then_some(view! { <span class="endpoint-training">{labels::ENDPOINT_TRAINING_DATA}</span> })}
            }
            .into_any(),
        ),
        Some(Err(e)) => Some(view! { <span class="endpoint-error">{e.message()}</span> }.into_any()),
    }
    };
    view! {
        <div class="settings-current" data-testid="settings-current">
            <h2 class="settings-heading">{labels::SETTINGS_CURRENT}</h2>
            <p class="settings-current-name">
                <strong data-testid="current-endpoint">{name}</strong>
                {move || address().map(|a| view! { <code data-testid="current-address">{a}</code> })}
            </p>
            <p class="settings-current-state" data-testid="current-state">{state}</p>
        </div>
    }
}
