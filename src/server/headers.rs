//! Security headers on every response.
//!
//! Pages sit on the identity provider's domain and carry single-use challenges in
//! their URLs: no framing, no referrer, no caching, no sniffing.

use axum::{extract::Request, middleware::Next, response::Response};
use http::{header, HeaderValue};

const FRAME_POLICY: &str = "frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

/// Adds the headers unless a handler already chose its own.
pub async fn security_headers(request: Request, next: Next) -> Response {
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
    response
}

/// Adds [`security_headers`] to every route of `router`.
pub fn apply<S: Clone + Send + Sync + 'static>(router: axum::Router<S>) -> axum::Router<S> {
    router.layer(axum::middleware::from_fn(security_headers))
}
