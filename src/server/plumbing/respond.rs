//! Response helpers for server functions and server rendering.

use http::{header, request::Parts, HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

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

/// Marks a redirect as one our own code chose, so `api_errors` never mistakes a
/// legitimate target that happens to contain `__err=` for Leptos' error marker.
/// Removed from the response before it leaves the server.
pub const OWN_REDIRECT: header::HeaderName =
    header::HeaderName::from_static("x-logout-ui-own-redirect");

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
    res.insert_header(OWN_REDIRECT, HeaderValue::from_static("1"));
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
