//! Server functions. Thin on purpose: each one fetches the shared state and
//! delegates to `logout::ssr::flow`, which holds the logic and is tested directly.

use leptos::prelude::*;

use super::{Decision, PromptOutcome};
use crate::error::AppError;

/// Loads the logout request for the challenge in the page's URL and decides what
/// the page shows. Runs during server rendering of `/logout` only.
///
/// Deliberately not a server function: as one it was a public endpoint
/// (`POST /api/logout/prompt`) that anyone could call cross-site, which handed
/// out a ticket and the subject as JSON and, for clients that skip the prompt,
/// accepted the logout. `HEAD` and prefetches render the page without acting.
#[cfg(feature = "ssr")]
pub async fn load_prompt(logout_challenge: String) -> Result<PromptOutcome, AppError> {
    use crate::logout::ssr::{csrf, flow};
    use crate::server::{plumbing::respond, state::AppState};

    let state = use_context::<AppState>().ok_or(AppError::Unavailable)?;
    let binding =
        csrf::ensure_binding(&state.config.presentation.site).ok_or(AppError::Unavailable)?;
    let accept_language = use_context::<http::request::Parts>().and_then(|p| {
        p.headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok().map(str::to_owned))
    });
    let intent = if respond::is_look_only_request() {
        flow::Intent::LookOnly
    } else {
        flow::Intent::Navigation
    };
    // Boxed: Leptos' resource moves this future about ten times before it
    // runs, and the Hydra call inside makes it kilobytes large.
    match Box::pin(flow::prompt_for(
        &state,
        &logout_challenge,
        &binding,
        accept_language.as_deref(),
        intent,
    ))
    .await?
    {
        flow::PromptStep::Ask(prompt) => Ok(PromptOutcome::Ask(prompt)),
        flow::PromptStep::Redirect(url) => {
            respond::redirect(url.as_str());
            Ok(PromptOutcome::Redirected)
        }
        flow::PromptStep::Expired(restart) => Ok(PromptOutcome::Expired {
            restart_url: restart.into(),
        }),
    }
}

/// The browser build never renders pages (islands); this only satisfies the
/// page component's types there.
#[cfg(not(feature = "ssr"))]
pub async fn load_prompt(_logout_challenge: String) -> Result<PromptOutcome, AppError> {
    Err(AppError::Unavailable)
}

/// Acts on the user's choice and redirects: to Hydra to finish signing out, or
/// back to the relying party when the user stays signed in.
///
/// Hydrated pages get errors as values and show them next to the buttons (the
/// same choice can simply be sent again). Plain form posts cannot show a value,
/// so they are redirected to a page describing the problem.
///
/// Each error reaches the browser with its own status in this one step
/// (`respond::fail`); so does a request whose fields do not even decode
/// (`AppError`'s `FromServerFnError`).
#[server(endpoint = "logout/decide")]
pub async fn decide(ticket: String, decision: Decision) -> Result<(), AppError> {
    use crate::server::plumbing::respond;

    act_on(&ticket, decision).await.map_err(respond::fail)
}

/// `decide`'s work: redirects (`Ok`) or the error for the hydrated form.
#[cfg(feature = "ssr")]
async fn act_on(ticket: &str, decision: Decision) -> Result<(), AppError> {
    use crate::logout::ssr::{csrf, flow};
    use crate::server::{plumbing::respond, state::AppState};
    use http::request::Parts;

    let state = use_context::<AppState>().ok_or(AppError::Unavailable)?;
    let parts = use_context::<Parts>().ok_or(AppError::Unavailable)?;
    if !csrf::same_origin_request(
        &parts,
        state.config.presentation.site.cookie_secure,
        state.config.presentation.site.public_url.as_ref(),
    ) {
        tracing::warn!("refused a cross-site logout decision");
        if respond::is_plain_form_post() {
            respond::redirect(
                &state
                    .config
                    .presentation
                    .site
                    .path(&format!("/error?error={}", AppError::Forbidden.code())),
            );
            return Ok(());
        }
        return Err(AppError::Forbidden);
    }
    // Every cookie of our name is a candidate (bounded): one planted beside
    // ours, e.g. with `Path=/api`, must not block the decision.
    let bindings = csrf::bindings_from(&parts, &state.config.presentation.site);
    match flow::decide_with(&state, ticket, &bindings, decision).await {
        Ok(next) => {
            respond::redirect(&respond::location(&next, &state.config.presentation.site));
            Ok(())
        }
        // A failed CSRF check with an authentic ticket leads back to the prompt
        // (a fresh cookie and ticket), hydrated or not: never a dead end.
        Err(failure) if respond::is_plain_form_post() || failure.error == AppError::Forbidden => {
            // Our own pages, so under the base path.
            respond::redirect(
                &state
                    .config
                    .presentation
                    .site
                    .path(&failure.fallback_location()),
            );
            Ok(())
        }
        Err(failure) => Err(failure.error),
    }
}
