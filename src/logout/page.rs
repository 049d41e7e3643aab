//! The prompt page at `/logout`.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{api::load_prompt, form::DecisionForm, AppInfo, LogoutPrompt, Person, PromptOutcome};
use crate::{
    error::AppError,
    i18n::Lang,
    ui::{use_request_context, Card, ErrorView, ExternalLink},
};

/// `GET /logout?logout_challenge=…`. Rendered on the server with the logout
/// request already loaded (the route uses `SsrMode::Async`, so the HTTP status and
/// redirects are decided before the first byte is sent).
#[component]
pub fn LogoutPage() -> impl IntoView {
    let query = use_query_map();
    let prompt = Resource::new(
        move || query.read().get("logout_challenge").unwrap_or_default(),
        load_prompt,
    );
    let failed = move || query.read().get("failed").is_some();

    view! {
        <Suspense fallback=|| {
            let lang = use_request_context().lang;
            view! {
                <Card lang>
                    <p class="text-muted">{lang.t("loading")}</p>
                </Card>
            }
        }>
            {move || Suspend::new(async move {
                match prompt.await {
                    Ok(PromptOutcome::Ask(p)) => {
                        view! { <Prompt prompt=p failed=failed() /> }.into_any()
                    }
                    Ok(PromptOutcome::Redirected) => {
                        let lang = use_request_context().lang;
                        view! {
                            <Card lang>
                                <p class="text-muted">{lang.t("continuing")}</p>
                            </Card>
                        }
                            .into_any()
                    }
                    Ok(PromptOutcome::Expired { restart_url }) => {
                        view! { <ErrorView error=AppError::Expired restart_url /> }.into_any()
                    }
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Splits a translated sentence around a variable so the variable can get its own
/// element (e.g. `<strong>`), whatever the word order of the language.
fn around(lang: Lang, key: &str, name: &'static str) -> (String, String) {
    const MARK: &str = "\u{1}";
    let text = lang.t1(key, name, MARK);
    match text.split_once(MARK) {
        Some((before, after)) => (before.to_owned(), after.to_owned()),
        None => (text, String::new()),
    }
}

#[component]
fn Prompt(prompt: LogoutPrompt, failed: bool) -> impl IntoView {
    let LogoutPrompt {
        ticket,
        subject,
        person,
        expires_in_minutes,
        app,
        lang,
        app_only_revokes,
    } = prompt;
    let lang = Lang::from_tag(&lang).unwrap_or_default();
    let heading = match &app {
        Some(app) => lang.t1("prompt-title-app", "app", &app.name),
        None => lang.t("prompt-title"),
    };
    let (before, after) = around(lang, "prompt-signed-in-as", "subject");
    // The choice differs with who started the logout (see `DecisionForm`).
    let explain = match &app {
        Some(app) if app_only_revokes => lang.t1("prompt-explain-app", "app", &app.name),
        Some(app) => lang.t1("prompt-explain-app-keep", "app", &app.name),
        None => lang.t("prompt-explain"),
    };

    view! {
        <Card lang>
            {app.clone().map(|app| view! { <AppHeader app /> })}
            <h1 class="text-2xl font-semibold tracking-tight text-fg break-words hyphens-auto">
                {heading}
            </h1>
            <Who subject person before after />
            <p class="mt-2 text-sm text-muted break-words" data-testid="explain">{explain}</p>
            {expires_in_minutes.map(|minutes| view! { <Deadline minutes lang /> })}
            <DecisionForm ticket failed lang app_name=app.as_ref().map(|a| a.name.clone()) />
            {app.map(|app| view! { <AppLinks app lang /> })}
        </Card>
    }
}

/// "You are signed in as …": the person's name (and e-mail address on a second
/// line) when the identity lookup found them, else Hydra's subject.
#[component]
fn Who(subject: String, person: Option<Person>, before: String, after: String) -> impl IntoView {
    match person {
        Some(Person { name, email }) => view! {
            <p class="mt-2 text-muted">
                {before}
                <strong class="font-semibold text-fg break-words" data-testid="display-name">
                    {name}
                </strong>
                {after}
            </p>
            {email
                .map(|email| {
                    view! {
                        <p class="text-sm text-muted break-words" data-testid="email">
                            {email}
                        </p>
                    }
                })}
        }
        .into_any(),
        None => view! {
            <p class="mt-2 text-muted">
                {before}
                <strong class="font-semibold text-fg break-words" data-testid="subject">
                    {subject}
                </strong>
                {after}
            </p>
        }
        .into_any(),
    }
}

/// How long the link stays valid (Hydra's `expires_at`), rendered once on the
/// server: minutes, or whole hours (rounded down) beyond 90 minutes.
#[component]
fn Deadline(minutes: u32, lang: Lang) -> impl IntoView {
    let text = if minutes > 90 {
        // Rounded down: never promise more time than is left.
        lang.t_count("prompt-expires-in-hours", "hours", minutes / 60)
    } else {
        lang.t_count("prompt-expires-in", "minutes", minutes)
    };
    view! {
        <p class="mt-2 text-sm text-muted" data-testid="expires-in">
            {text}
        </p>
    }
}

#[component]
fn AppHeader(app: AppInfo) -> impl IntoView {
    app.logo_uri.map(|logo| {
        view! {
            <img
                src=logo
                alt=""
                width="48"
                height="48"
                referrerpolicy="no-referrer"
                class="mb-4 h-12 w-12 rounded-lg object-contain"
            />
        }
    })
}

#[component]
fn AppLinks(app: AppInfo, lang: Lang) -> impl IntoView {
    let links: Vec<(String, String)> = [
        ("link-app", app.client_uri),
        ("link-privacy", app.policy_uri),
        ("link-terms", app.tos_uri),
    ]
    .into_iter()
    .filter_map(|(key, uri)| uri.map(|u| (lang.t(key), u)))
    .collect();
    (!links.is_empty()).then(|| {
        view! {
            <p class="mt-6 flex flex-wrap gap-x-4 gap-y-1 border-t border-line pt-4 text-sm">
                {links
                    .into_iter()
                    .map(|(label, href)| view! { <ExternalLink href label /> })
                    .collect_view()}
            </p>
        }
    })
}
