//! Shared page pieces and the small pages around the prompt.
//!
//! Every component here renders on the server only (the app uses islands; the
//! one interactive part is `logout::form`). What a page needs to know about the
//! operator's settings and the request comes from one per-request
//! [`RequestContext`], never from the server's state.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::{Html, Title};
use leptos_router::hooks::use_query_map;

use crate::{error::AppError, i18n::Lang};

/// What a page knows about the request it renders. The server provides one per
/// request (`server::plumbing::page_context`, through `leptos_routes_with_context`'s
/// `additional_context`); components read it with [`use_request_context`].
///
/// The CSP nonce is Leptos' own per-request context (`leptos::nonce`): the
/// server binds the page's `Content-Security-Policy` to it when it builds this
/// context, and Leptos puts it on the hydration scripts.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The operator's settings, the same for every request (built once at start-up).
    pub site: Arc<SiteView>,
    /// The page language when there is no logout request to ask: the
    /// browser's `Accept-Language`, else `DEFAULT_LOCALE`.
    pub lang: Lang,
    /// Sets the HTTP status (a code like `404`) of the response being rendered;
    /// `None` where no response is being rendered (the browser, route listing).
    pub status: Option<fn(u16)>,
}

impl RequestContext {
    /// `path` (starting with `/`) under the public base path (`PUBLIC_URL`), as
    /// browsers must request our own URLs behind a prefix-stripping proxy.
    pub fn own_path(&self, path: &str) -> String {
        format!("{}{path}", self.site.base_path)
    }

    /// Serves the page being rendered with `code` (a 503 also gets `Retry-After`).
    pub fn set_status(&self, code: u16) {
        if let Some(set) = self.status {
            set(code);
        }
    }
}

/// The operator's settings as pages show them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteView {
    /// `BRAND_NAME`, `BRAND_LOGO_URL`, `SUPPORT_URL`.
    pub brand: BrandView,
    /// Whether `/brand.css` serves the operator's colour (`BRAND_PRIMARY_COLOR`).
    pub brand_stylesheet: bool,
    /// The operator's `HOME_URL`.
    pub home_url: Option<String>,
    /// The path of `PUBLIC_URL` without its trailing `/` (`""` at the root, else
    /// like `/ui`).
    pub base_path: String,
    /// Hydra's end-session endpoint without parameters (see
    /// `logout::ssr::flow::bare_end_session_url`).
    pub end_session_url: Option<String>,
}

/// The current request's [`RequestContext`]; the defaults (no brand, no base
/// path, the default language) where none was provided, as in the browser.
pub fn use_request_context() -> RequestContext {
    use_context::<RequestContext>().unwrap_or_default()
}

/// [`RequestContext::own_path`] for the current request; `path` itself where no
/// context was provided. For the island, which also runs in the browser: it
/// neither builds nor clones a context there.
pub fn own_path(path: &str) -> String {
    with_context(|context: &RequestContext| context.own_path(path))
        .unwrap_or_else(|| path.to_owned())
}

/// What the pages show of the operator's brand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrandView {
    pub name: Option<String>,
    pub logo_url: Option<String>,
    pub support_url: Option<String>,
}

/// The page frame: `<html lang>`, the title, the operator's brand, a centred
/// card and the support link.
#[component]
pub fn Card(lang: Lang, children: Children) -> impl IntoView {
    let brand = use_request_context().site.brand.clone();
    let title = match &brand.name {
        Some(name) => format!("{} · {name}", lang.t("page-title")),
        None => lang.t("page-title"),
    };
    let has_header = brand.name.is_some() || brand.logo_url.is_some();
    view! {
        <Html {..} lang=lang.tag() />
        <Title text=title />
        <main class="flex min-h-dvh flex-col items-center justify-center gap-6 bg-page px-4 py-10">
            {has_header
                .then(|| {
                    view! {
                        <header class="flex items-center gap-3" data-testid="brand">
                            {brand
                                .logo_url
                                .clone()
                                .map(|src| {
                                    view! { <img src=src alt="" height="32" class="h-8 w-auto" /> }
                                })}
                            {brand
                                .name
                                .clone()
                                .map(|name| {
                                    view! {
                                        <span class="text-lg font-semibold tracking-tight text-fg">
                                            {name}
                                        </span>
                                    }
                                })}
                        </header>
                    }
                })}
            <div class="w-full max-w-md rounded-2xl border border-line bg-surface p-6 shadow-sm sm:p-8">
                {children()}
            </div>
            {brand
                .support_url
                .map(|href| {
                    view! {
                        <footer class="text-sm text-muted">
                            <a href=href class="link" data-testid="support">
                                {lang.t("support")}
                            </a>
                        </footer>
                    }
                })}
        </main>
    }
}

/// A link to a third-party page: new tab, no opener, no referrer.
#[component]
pub fn ExternalLink(href: String, label: String) -> impl IntoView {
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
pub fn HomeLink(lang: Lang) -> impl IntoView {
    use_request_context().site.home_url.clone().map(|href| {
        view! {
            <p class="mt-6">
                <a href=href class="btn btn-secondary" data-testid="home">
                    {lang.t("action-home")}
                </a>
            </p>
        }
    })
}

/// A full-page explanation of an [`AppError`], served with its HTTP status.
#[component]
pub fn ErrorView(
    error: AppError,
    /// Defaults to the browser's language.
    #[prop(optional)]
    lang: Option<Lang>,
    /// For an expired request: where to start signing out again.
    #[prop(optional, into)]
    restart_url: Option<String>,
) -> impl IntoView {
    let context = use_request_context();
    context.set_status(error.status_code());
    let lang = lang.unwrap_or(context.lang);
    let code = error.code();
    view! {
        <Card lang>
            <h1 class="text-2xl font-semibold tracking-tight text-fg" data-error=code>
                {lang.t(&format!("error-{code}-title"))}
            </h1>
            <p class="mt-2 text-muted">{lang.t(&format!("error-{code}"))}</p>
            {error
                .is_retryable()
                .then(|| {
                    view! {
                        <p class="mt-6">
                            // An empty href reloads this very URL without repeating it in the page.
                            <a href="" class="btn btn-primary">
                                {lang.t("action-try-again")}
                            </a>
                        </p>
                    }
                })}
            {restart_url
                .map(|href| {
                    view! {
                        <p class="mt-6">
                            <a href=href class="btn btn-primary" data-testid="restart">
                                {lang.t("action-restart")}
                            </a>
                        </p>
                    }
                })}
            <HomeLink lang />
        </Card>
    }
}

/// A simple page: heading, one sentence, the home link.
#[component]
fn Notice(title_key: &'static str, text_key: &'static str) -> impl IntoView {
    let lang = use_request_context().lang;
    view! {
        <Card lang>
            <h1 class="text-2xl font-semibold tracking-tight text-fg">{lang.t(title_key)}</h1>
            <p class="mt-2 text-muted">{lang.t(text_key)}</p>
            <HomeLink lang />
        </Card>
    }
}

/// `/logged-out`: Hydra's `urls.post_logout_redirect`, where users land when no
/// relying party asked for a specific place.
#[component]
pub fn LoggedOutPage() -> impl IntoView {
    view! { <Notice title_key="logged-out-title" text_key="logged-out" /> }
}

/// `/stayed`: where "cancel" ends when the operator set no `HOME_URL`, and, as
/// `/stayed?signed_out=app`, where "sign out of {App} only" ends when the app
/// has no registered return address, no `client_uri`, and there is no `HOME_URL`.
#[component]
pub fn StayedPage() -> impl IntoView {
    let query = use_query_map();
    let app_only = query.read_untracked().get("signed_out").as_deref() == Some("app");
    if app_only {
        view! { <Notice title_key="stayed-app-title" text_key="stayed-app" /> }.into_any()
    } else {
        view! { <Notice title_key="stayed-title" text_key="stayed" /> }.into_any()
    }
}

/// OAuth 2.0 (RFC 6749 §4.1.2.1, §5.2), OpenID Connect Core (§3.1.2.6) and Hydra
/// error codes that `/error` explains in its own, fixed and translated words
/// (`oauth-error-<code>` in `locales/*/main.ftl`). Any other code gets the
/// generic explanation and is not repeated.
pub const KNOWN_OAUTH_ERRORS: [&str; 10] = [
    "invalid_request",
    "invalid_client",
    "unauthorized_client",
    "access_denied",
    "invalid_scope",
    "server_error",
    "temporarily_unavailable",
    "login_required",
    "request_unauthorized",
    "request_forbidden",
];

/// Longest part of a caller's `error_description` shown, in characters.
const MAX_DESCRIPTION_CHARS: usize = 300;

/// `/error`: Hydra's `urls.error`, and where plain form posts land when we cannot
/// even tell which sign-out they belonged to.
///
/// Anyone can link here with any query, so nothing from it is said in our
/// voice: a known code selects a fixed explanation; an unknown one the generic
/// text (and is not shown); `error_description` appears only inside a collapsed
/// "technical details" block, labelled as the sign-in service's words, bounded.
#[component]
pub fn ErrorPage() -> impl IntoView {
    let query = use_query_map();
    let code = query.read_untracked().get("error").unwrap_or_default();
    if let Some(error) = AppError::from_code(&code) {
        return view! { <ErrorView error /> }.into_any();
    }
    let full_description = query
        .read_untracked()
        .get("error_description")
        .unwrap_or_default();
    // Hydra v2.3.0 refuses an end-session request with `state` or
    // `post_logout_redirect_uri` but no `id_token_hint` (consent/strategy_default.go:837
    // and :842, hints ending "but id_token_hint is missing."), whereas the certification
    // suite's only-state test expects the user to end up signed out. The user wanted to
    // sign out: offer Hydra's bare end-session endpoint, whose prompt asks first and which
    // drops the unverified `state` and address (docs/CONFORMANCE.md, RPI-05).
    let unidentified_logout =
        code == "invalid_request" && full_description.contains("but id_token_hint is missing");
    let context = use_request_context();
    let sign_out_here = unidentified_logout
        .then(|| context.site.end_session_url.clone())
        .flatten();
    let known = KNOWN_OAUTH_ERRORS.iter().copied().find(|k| *k == code);
    let description: String = full_description
        .chars()
        .filter(|c| !c.is_control() && !crate::i18n::is_bidi_control(*c))
        .take(MAX_DESCRIPTION_CHARS)
        .collect();
    let description = description.trim().to_owned();
    let lang = context.lang;
    context.set_status(400);
    let explanation = match known {
        Some(code) => lang.t(&format!("oauth-error-{code}")),
        None => lang.t("oauth-error"),
    };
    let has_details = known.is_some() || !description.is_empty();
    view! {
        <Card lang>
            <h1
                class="text-2xl font-semibold tracking-tight text-fg"
                data-oauth-error=known.unwrap_or("unknown")
            >
                {lang.t("oauth-error-title")}
            </h1>
            <p class="mt-2 text-muted">{explanation}</p>
            {has_details
                .then(|| {
                    view! {
                        <details class="mt-4 text-sm text-muted" data-testid="technical-details">
                            <summary class="cursor-pointer">{lang.t("oauth-error-details")}</summary>
                            {known
                                .map(|code| {
                                    view! {
                                        <p class="mt-2 text-xs">
                                            {lang.t("oauth-error-code")} " "
                                            <code data-testid="error-code">{code}</code>
                                        </p>
                                    }
                                })}
                            {(!description.is_empty())
                                .then(|| {
                                    view! {
                                        <p class="mt-2 text-xs">{lang.t("oauth-error-reported")}</p>
                                        <blockquote
                                            class="mt-1 border-l-2 border-line pl-3 text-xs break-words"
                                            data-testid="error-description"
                                        >
                                            {description}
                                        </blockquote>
                                    }
                                })}
                        </details>
                    }
                })}
            {sign_out_here
                .map(|href| {
                    view! {
                        <p class="mt-4 text-muted" data-testid="logout-unidentified">
                            {lang.t("oauth-error-logout-unidentified")}
                        </p>
                        <p class="mt-6">
                            <a href=href class="btn btn-primary" data-testid="restart">
                                {lang.t("action-restart")}
                            </a>
                        </p>
                    }
                })}
            <HomeLink lang />
        </Card>
    }
    .into_any()
}
