//! Shared page pieces and the small pages around the prompt.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Operator settings the pages need, loaded once per page from the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSettings {
    /// `HOME_URL`, if configured.
    pub home_url: Option<String>,
}

#[server(endpoint = "site/settings")]
pub async fn get_site_settings() -> Result<SiteSettings, AppError> {
    let state = use_context::<crate::server::state::AppState>().ok_or(AppError::Unavailable)?;
    Ok(SiteSettings {
        home_url: state.config.home_url.as_ref().map(|u| u.to_string()),
    })
}

/// The resource every page reads settings from; created once in `App`.
pub type SettingsResource = Resource<Result<SiteSettings, AppError>>;

/// The page frame: a centred card.
#[component]
pub fn Card(children: Children) -> impl IntoView {
    view! {
        <main class="flex min-h-dvh items-center justify-center bg-page px-4 py-10">
            <div class="w-full max-w-md rounded-2xl border border-line bg-surface p-6 shadow-sm sm:p-8">
                {children()}
            </div>
        </main>
    }
}

/// A link to a third-party page: new tab, no opener, no referrer.
#[component]
pub fn ExternalLink(href: String, label: &'static str) -> impl IntoView {
    view! {
        <a
            href=href
            target="_blank"
            rel="noopener noreferrer"
            referrerpolicy="no-referrer"
            class="link"
        >
            {label}
        </a>
    }
}

/// "Go to the home page", when the operator configured one.
#[component]
pub fn HomeLink() -> impl IntoView {
    let settings = use_context::<SettingsResource>();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let home = match settings {
                    Some(s) => s.await.ok().and_then(|s| s.home_url),
                    None => None,
                };
                home.map(|href| {
                    view! {
                        <p class="mt-6">
                            <a href=href class="btn btn-secondary" data-testid="home">
                                "Go to the home page"
                            </a>
                        </p>
                    }
                })
            })}
        </Suspense>
    }
}

/// Sets the response status while rendering on the server; nothing in the browser.
fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    crate::server::respond::set_status(_code);
}

/// A full-page explanation of an [`AppError`], served with its HTTP status.
#[component]
pub fn ErrorView(
    error: AppError,
    /// For an expired request: where to start signing out again.
    #[prop(optional, into)]
    restart_url: Option<String>,
) -> impl IntoView {
    set_status(error.status_code());
    view! {
        <Card>
            <h1 class="text-2xl font-semibold tracking-tight text-fg" data-error=error.code()>
                {error.title()}
            </h1>
            <p class="mt-2 text-muted">{error.to_string()}</p>
            {error
                .is_retryable()
                .then(|| {
                    view! {
                        <p class="mt-6">
                            // An empty href reloads this very URL without repeating it in the page.
                            <a href="" class="btn btn-primary">
                                "Try again"
                            </a>
                        </p>
                    }
                })}
            {restart_url
                .map(|href| {
                    view! {
                        <p class="mt-6">
                            <a href=href class="btn btn-primary" data-testid="restart">
                                "Start signing out again"
                            </a>
                        </p>
                    }
                })}
            <HomeLink />
        </Card>
    }
}

/// `/logged-out`: Hydra's `urls.post_logout_redirect`, where users land when no
/// relying party asked for a specific place.
#[component]
pub fn LoggedOutPage() -> impl IntoView {
    view! {
        <Card>
            <h1 class="text-2xl font-semibold tracking-tight text-fg">"You have signed out"</h1>
            <p class="mt-2 text-muted">"You can close this window."</p>
            <HomeLink />
        </Card>
    }
}

/// `/stayed`: where "stay signed in" ends when nobody named a return address.
#[component]
pub fn StayedPage() -> impl IntoView {
    view! {
        <Card>
            <h1 class="text-2xl font-semibold tracking-tight text-fg">"You are still signed in"</h1>
            <p class="mt-2 text-muted">"Nothing was changed. You can close this window."</p>
            <HomeLink />
        </Card>
    }
}

/// `/error`: Hydra's `urls.error`, and where plain form posts land when we cannot
/// even tell which sign-out they belonged to.
#[component]
pub fn ErrorPage() -> impl IntoView {
    let query = use_query_map();
    let code = query.read_untracked().get("error").unwrap_or_default();
    if let Some(error) = AppError::from_code(&code) {
        return view! { <ErrorView error /> }.into_any();
    }
    // An OAuth error from Hydra. Its description is shown as text (escaped by the
    // renderer), bounded, and never as a link.
    let description: String = query
        .read_untracked()
        .get("error_description")
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect();
    let code: String = code.chars().take(80).collect();
    set_status(400);
    view! {
        <Card>
            <h1 class="text-2xl font-semibold tracking-tight text-fg">"Something went wrong"</h1>
            <p class="mt-2 text-muted">
                "The sign-in service reported a problem. Please return to the app and try again."
            </p>
            {(!description.is_empty())
                .then(|| {
                    view! {
                        <p class="mt-4 text-sm text-muted" data-testid="error-description">
                            {description}
                        </p>
                    }
                })}
            {(!code.is_empty())
                .then(|| {
                    view! {
                        <p class="mt-2 text-xs text-muted">
                            "Error code: " <code data-testid="error-code">{code}</code>
                        </p>
                    }
                })}
            <HomeLink />
        </Card>
    }
    .into_any()
}
