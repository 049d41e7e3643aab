//! Response helpers for server functions and server rendering.

use http::{header, request::Parts, HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// True when the current request is a browser navigation or plain `<form>` post
/// (no JavaScript), as opposed to a hydrated server-function call.
pub fn is_plain_form_post() -> bool {
    use_context::<Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// Redirects the browser to `location`, with `303 See Other` for plain requests
/// (so the follow-up is a `GET` even after a `POST`), or through Leptos' redirect
/// header for hydrated calls, whose client then navigates. Works like
/// `leptos_axum::redirect` but without its panic on an invalid header value.
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
    if is_plain_form_post() {
        res.set_status(StatusCode::SEE_OTHER);
    } else {
        res.insert_header(
            header::HeaderName::from_static(leptos::server_fn::redirect::REDIRECT_HEADER),
            HeaderValue::from_static(""),
        );
    }
}

/// The `Location` for where `server::flow` sends the browser next: another
/// site as it is; one of our own pages under the public base path (`PUBLIC_URL`).
pub fn location(next: &super::flow::Next, site: &super::config::Site) -> String {
    match next {
        super::flow::Next::External(url) => url.to_string(),
        super::flow::Next::Own(path) => site.path(path),
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

/// The page language: `ui_locales` (from the logout request), else the
/// browser's `Accept-Language`, else `DEFAULT_LOCALE`.
pub fn negotiated_lang(ui_locales: Option<&str>) -> crate::i18n::Lang {
    let default = use_context::<super::state::AppState>()
        .map(|s| s.config.default_lang)
        .unwrap_or_default();
    let parts = use_context::<Parts>();
    let accept = parts
        .as_ref()
        .and_then(|p| p.headers.get(header::ACCEPT_LANGUAGE))
        .and_then(|v| v.to_str().ok());
    crate::i18n::negotiate(ui_locales, accept, default)
}
