//! The per-request context pages read ([`crate::ui::RequestContext`]).
//!
//! Built here, on the server, in the `additional_context` closure of
//! `leptos_routes_with_context` (and for the 404 page), so that no page or
//! component reaches into the server's state: this is the one place that turns
//! configuration and request headers into what pages show.

use std::sync::Arc;

use http::{header, request::Parts};
use leptos::prelude::{provide_context, use_context};

use super::{headers, respond};
use crate::{
    error::UndecodableCall,
    i18n::{negotiate, Lang},
    logout::ssr::flow::bare_end_session_url,
    server::state::AppState,
    ui::{BrandView, RequestContext, SiteView},
};

/// The `additional_context` closure for every page render (and server function
/// call): provides a [`RequestContext`] and sets the page's
/// `Content-Security-Policy` from its nonce. What does not vary per request is
/// computed once, here.
pub fn provider(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let presentation = &state.config.presentation;
    let brand = &presentation.brand;
    let site = Arc::new(SiteView {
        brand: BrandView {
            name: brand.name.clone(),
            logo_url: brand.logo_url.clone(),
            support_url: brand.support_url.clone(),
        },
        brand_stylesheet: brand.primary_color.is_some(),
        home_url: state
            .config
            .policy
            .home_url
            .as_ref()
            .map(ToString::to_string),
        base_path: presentation.site.base_path.clone(),
        end_session_url: Some(bare_end_session_url(&state.hydra).to_string()),
    });
    let default_lang = presentation.default_lang;
    // `cargo leptos watch` reloads pages over a WebSocket.
    let dev_reload = state.leptos_options.env == leptos::config::Env::DEV;
    move || {
        // Only page renders carry a nonce; server function calls get no page CSP.
        headers::set_page_csp(dev_reload);
        provide_context(UndecodableCall(respond::fail));
        provide_context(RequestContext {
            site: site.clone(),
            lang: negotiated_lang(default_lang),
            status: Some(respond::set_status),
        });
    }
}

/// The language of a page without a logout request: the browser's
/// `Accept-Language`, else `default` (`DEFAULT_LOCALE`).
fn negotiated_lang(default: Lang) -> Lang {
    let parts = use_context::<Parts>();
    let accept = parts
        .as_ref()
        .and_then(|p| p.headers.get(header::ACCEPT_LANGUAGE))
        .and_then(|v| v.to_str().ok());
    negotiate(None, accept, default)
}
