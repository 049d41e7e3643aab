//! The prompt page at `/logout`.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{api::load_prompt, form::DecisionForm, AppInfo, LogoutPrompt, PromptOutcome};
use crate::{
    error::AppError,
    ui::{Card, ErrorView, ExternalLink},
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
            view! { <Card><p class="text-muted">"Loading…"</p></Card> }
        }>
            {move || Suspend::new(async move {
                match prompt.await {
                    Ok(PromptOutcome::Ask(p)) => {
                        view! { <Prompt prompt=p failed=failed() /> }.into_any()
                    }
                    Ok(PromptOutcome::Redirected) => {
                        view! {
                            <Card>
                                <p class="text-muted">"Continuing…"</p>
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

#[component]
fn Prompt(prompt: LogoutPrompt, failed: bool) -> impl IntoView {
    let LogoutPrompt {
        ticket,
        subject,
        app,
    } = prompt;
    let heading = match &app {
        Some(app) => format!("Sign out of {}?", app.name),
        None => "Sign out?".to_owned(),
    };

    view! {
        <Card>
            {app.clone().map(|app| view! { <AppHeader app /> })}
            <h1 class="text-2xl font-semibold tracking-tight text-fg break-words">{heading}</h1>
            <p class="mt-2 text-muted">
                "You are signed in as "
                <strong class="font-medium text-fg break-all" data-testid="subject">
                    {subject}
                </strong> "."
            </p>
            <DecisionForm ticket failed />
            {app.map(|app| view! { <AppLinks app /> })}
        </Card>
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
fn AppLinks(app: AppInfo) -> impl IntoView {
    let links: Vec<(&'static str, String)> = [
        ("Visit the app", app.client_uri),
        ("Privacy policy", app.policy_uri),
        ("Terms of service", app.tos_uri),
    ]
    .into_iter()
    .filter_map(|(label, uri)| uri.map(|u| (label, u)))
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
