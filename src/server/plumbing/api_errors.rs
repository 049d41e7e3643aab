//! HTTP statuses for server-function failures.
//!
//! Leptos answers every failed server-function call with `500` and the encoded
//! error, and sends a failed plain form post back to the referring page (which,
//! with `Referrer-Policy: no-referrer`, is `/`). Neither is right for users or
//! monitoring: a malformed post is the client's fault, and "link not valid" is
//! not a server crash. This layer gives each [`AppError`] its own status and
//! sends plain posts to the error page instead.

use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, HeaderValue, StatusCode};

use crate::error::AppError;
use crate::server::config::Site;

/// Server-function error bodies are tiny JSON values.
const MAX_ERROR_BODY: usize = 16 * 1024;

pub async fn map_server_fn_errors(
    State(site): State<Site>,
    request: Request,
    next: Next,
) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    // Redirects our own code chose (`respond::redirect`) are final: their target
    // is Hydra's or the relying party's, and may contain anything, `__err=` too.
    let own_redirect = response
        .headers_mut()
        .remove(crate::server::plumbing::respond::OWN_REDIRECT)
        .is_some();
    if !is_api || own_redirect {
        return response;
    }

    // A plain form post whose call failed before our code ran (e.g. malformed
    // fields): Leptos redirects to the referrer with `__err=`. Send it to our
    // error page instead.
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if response.status().is_redirection() && location.contains("__err=") {
        let mut redirect = StatusCode::SEE_OTHER.into_response();
        let target = site.path(&format!("/error?error={}", AppError::BadRequest.code()));
        if let Ok(v) = HeaderValue::from_str(&target) {
            redirect.headers_mut().insert(header::LOCATION, v);
        }
        return redirect;
    }

    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_ERROR_BODY).await {
        Ok(b) => b,
        Err(_) => return (parts, Body::empty()).into_response(),
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        // Transport on the server means Leptos could not decode the arguments.
        let error = match error {
            AppError::Transport => AppError::BadRequest,
            e => e,
        };
        if let Ok(status) = StatusCode::from_u16(error.status_code()) {
            parts.status = status;
        }
        if error == AppError::Unavailable {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        parts.headers.remove(header::CONTENT_LENGTH);
        return (
            parts,
            Body::from(serde_json::to_vec(&error).unwrap_or_default()),
        )
            .into_response();
    }
    (parts, Body::from(bytes)).into_response()
}

/// Adds [`map_server_fn_errors`]; redirects go to `site`'s error page.
pub fn apply<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
    site: Site,
) -> axum::Router<S> {
    router.layer(axum::middleware::from_fn_with_state(
        site,
        map_server_fn_errors,
    ))
}
