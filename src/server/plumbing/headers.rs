//! Security headers on every response.
//!
//! Pages sit on the identity provider's domain and carry single-use challenges in
//! their URLs: no framing, no referrer, no caching, no sniffing.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{header, HeaderValue};

const FRAME_POLICY: &str = "frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

/// Adds the headers unless a handler already chose its own.
/// `Strict-Transport-Security` value, when configured (`HSTS_MAX_AGE`).
#[derive(Clone)]
pub struct Hsts(pub Option<HeaderValue>);

impl Hsts {
    pub fn from_max_age(seconds: Option<u64>) -> Self {
        Hsts(
            seconds.and_then(|s| {
                HeaderValue::from_str(&format!("max-age={s}; includeSubDomains")).ok()
            }),
        )
    }
}

pub async fn security_headers(State(hsts): State<Hsts>, request: Request, next: Next) -> Response {
    let is_asset = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::CONTENT_SECURITY_POLICY, FRAME_POLICY);
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if !is_asset {
        set(header::CACHE_CONTROL, "no-store");
    }
    if let Some(value) = hsts.0 {
        h.entry(header::STRICT_TRANSPORT_SECURITY).or_insert(value);
    }
    response
}

/// The Content-Security-Policy of a rendered page, bound to this response's nonce
/// (Leptos puts the same nonce on its hydration scripts).
///
/// - scripts: only those carrying the nonce, and what they load (`strict-dynamic`:
///   the hydration module imports the bundle); `wasm-unsafe-eval` lets the bundle
///   compile, nothing lets strings run as code;
/// - images: client logos are on arbitrary hosts, so any https image;
/// - `form-action` is deliberately absent: browsers apply it to every redirect
///   after the post (Hydra, then the relying party's registered URL), which a
///   fixed list cannot name. The form's target is our own path, rendered by us.
pub fn page_csp(nonce: &str, dev_reload: bool) -> String {
    let connect = if dev_reload { "'self' ws:" } else { "'self'" };
    format!(
        "default-src 'none'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' https:; connect-src {connect}; font-src 'self'; \
         manifest-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
    )
}

/// Sets [`page_csp`] on the page being rendered.
pub fn set_page_csp(dev_reload: bool) {
    use leptos::prelude::use_context;
    let nonce = leptos::nonce::use_nonce();
    let res = use_context::<leptos_axum::ResponseOptions>();
    if let (Some(nonce), Some(res)) = (nonce, res) {
        if let Ok(value) = HeaderValue::from_str(&page_csp(&nonce, dev_reload)) {
            res.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
}
