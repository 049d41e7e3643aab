//! Response helpers for server functions and server rendering.

use http::{header, request::Parts, HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::{error::AppError, server::state::AppState};

/// True when the current request is the app's own hydrated decision form: a
/// `POST` carrying [`crate::logout::form::FETCH_HEADER`]. A custom header cannot
/// be sent cross-origin without a CORS preflight, which we never grant.
pub fn is_hydrated_call() -> bool {
    use_context::<Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(crate::logout::form::FETCH_HEADER)
                .is_some_and(|v| v.as_bytes() == b"1")
    })
}

/// True for everything but the hydrated form: browser navigations, plain
/// `<form>` posts and every other client (curl, link checkers, `Accept: */*`).
/// These get real 3xx redirects and pages rather than values.
pub fn is_plain_form_post() -> bool {
    !is_hydrated_call()
}

/// Whether the current request only looks and must not act: `HEAD`, or a
/// prefetch or prerender (`Sec-Purpose: prefetch…`, the older `Purpose:
/// prefetch` / `X-Purpose: preview` / `X-Moz: prefetch`, and frameworks' router
/// prefetches such as Next.js' `Next-Router-Prefetch`). Nobody chose anything.
pub fn is_look_only_request() -> bool {
    use_context::<Parts>().is_some_and(|parts| {
        let has = |name: &str, needle: &str| {
            parts.headers.get_all(name).iter().any(|v| {
                v.to_str()
                    .is_ok_and(|v| v.to_ascii_lowercase().contains(needle))
            })
        };
        parts.method == http::Method::HEAD
            || has("sec-purpose", "prefetch")
            || has("purpose", "prefetch")
            || has("x-purpose", "preview")
            || has("x-purpose", "prefetch")
            || has("x-moz", "prefetch")
            || parts.headers.contains_key("next-router-prefetch")
    })
}

/// Redirects the browser to `location`: `303 See Other` (so the follow-up is a
/// `GET` even after a `POST`) for every caller except the app's own hydrated
/// form, which gets `200` with `Location` and Leptos' redirect header and
/// navigates itself. Works like `leptos_axum::redirect` but without its panic on
/// an invalid header value.
pub fn redirect(location: &str) {
    let Some(res) = use_context::<ResponseOptions>() else {
        tracing::error!("redirect outside a request context");
        return;
    };
    let Ok(value) = HeaderValue::from_str(location) else {
        tracing::error!("refusing to redirect to a location that is not a valid header value");
        res.set_status(StatusCode::INTERNAL_SERVER_ERROR);
        return;
    };
    res.insert_header(header::LOCATION, value);
    if is_hydrated_call() {
        res.insert_header(
            header::HeaderName::from_static(leptos::server_fn::redirect::REDIRECT_HEADER),
            HeaderValue::from_static(""),
        );
    } else {
        res.set_status(StatusCode::SEE_OTHER);
    }
}

/// The `Location` for where `logout::ssr::flow` sends the browser next: another
/// site as it is; one of our own pages under the public base path (`PUBLIC_URL`).
pub fn location(
    next: &crate::logout::ssr::flow::Next,
    site: &crate::server::config::Site,
) -> String {
    match next {
        crate::logout::ssr::flow::Next::External(url) => url.to_string(),
        crate::logout::ssr::flow::Next::Own(path) => site.path(path),
    }
}

/// Sets the status of the page being rendered (and `Retry-After` for 503).
pub fn set_status(code: u16) {
    if let Some(res) = use_context::<ResponseOptions>() {
        if let Ok(status) = StatusCode::from_u16(code) {
            res.set_status(status);
        }
        if code == 503 {
            res.insert_header(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
    }
}

/// Answers the current server-function call with `error`, in one step: its own
/// status (and `Retry-After` for 503) instead of Leptos' `500`, with the error's
/// code as the JSON body Leptos writes. A browser's plain form post (`Accept`
/// naming `text/html`: the test Leptos uses to send it back to the referring
/// page with `__err=`) goes to our error page instead, with `303 See Other`.
/// Returns `error`, for the server function to return.
pub fn fail(error: AppError) -> AppError {
    let accepts_html = use_context::<Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(header::ACCEPT)
            .is_some_and(|v| String::from_utf8_lossy(v.as_bytes()).contains("text/html"))
    });
    let error_page = use_context::<AppState>()
        .filter(|_| accepts_html)
        .map(|state| {
            let target = state
                .config
                .presentation
                .site
                .path(&format!("/error?error={}", error.code()));
            HeaderValue::from_str(&target)
        });
    match (use_context::<ResponseOptions>(), error_page) {
        (Some(res), Some(Ok(location))) => {
            res.insert_header(header::LOCATION, location);
            res.set_status(StatusCode::SEE_OTHER);
        }
        _ => set_status(error.status_code()),
    }
    error
}
