//! Logs: `tracing`, level from `RUST_LOG` (default `info`), format from
//! `LOG_FORMAT` (`pretty` or `json`).
//!
//! Request logs carry method, path (never the query: it holds challenges),
//! status and latency, and the request id that is also returned in
//! `x-request-id`.
//!
//! Untrusted values (paths, subjects, client ids, request ids) are recorded as
//! string fields, never with `%`: the default format writes string fields
//! quoted and escaped (`subject="a\nb"`), so no value can start a line of its
//! own or pose as another field; the JSON format escapes them as JSON strings.
//! A caller's `x-request-id` is kept only when short and plain
//! ([`is_plain_request_id`]), else replaced by a fresh UUID.

use std::time::Duration;

use axum::{body::Body, extract::Request, response::Response};
use http::HeaderName;
use tower_http::{
    classify::{ServerErrorsAsFailures, ServerErrorsFailureClass, SharedClassifier},
    trace::{DefaultOnBodyChunk, DefaultOnEos, TraceLayer},
};
use tracing::Span;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if json {
        registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true),
            )
            .try_init()
    } else {
        registry.with(fmt::layer()).try_init()
    };
    if result.is_err() {
        eprintln!("a tracing subscriber was already installed; keeping it");
    }
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// One access-log line per request (method, path, status, latency), in a span
/// that carries the request id.
pub type AccessLog = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request<Body>) -> Span,
    (),
    fn(&Response, Duration, &Span),
    DefaultOnBodyChunk,
    DefaultOnEos,
    fn(ServerErrorsFailureClass, Duration, &Span),
>;

/// The access log layer; it reads the request id, so it goes inside the layer
/// that sets it.
pub fn access_log() -> AccessLog {
    TraceLayer::new_for_http()
        .make_span_with(make_span as fn(&Request<Body>) -> Span)
        .on_request(())
        .on_response(on_response as fn(&Response, Duration, &Span))
        .on_failure(on_failure as fn(ServerErrorsFailureClass, Duration, &Span))
}

/// Longest caller-supplied request id we keep.
pub const MAX_REQUEST_ID_LEN: usize = 64;

/// A request id worth keeping: 1–64 bytes of ASCII letters, digits and
/// `-_.:` (UUIDs, W3C trace ids, most proxies' ids).
pub fn is_plain_request_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID_LEN
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

/// Removes a caller's `x-request-id` that is not plain (or is sent twice), so
/// that `SetRequestIdLayer` generates one instead.
pub async fn drop_unplain_request_id(
    mut request: Request,
    next: axum::middleware::Next,
) -> Response {
    let ids = request.headers().get_all(&REQUEST_ID).iter().count();
    let plain = request
        .headers()
        .get(&REQUEST_ID)
        .is_some_and(|v| is_plain_request_id(v.as_bytes()));
    if ids > 1 || (ids == 1 && !plain) {
        request.headers_mut().remove(&REQUEST_ID);
    }
    next.run(request).await
}

/// The current request's id (as `x-request-id` carries it), when rendering or
/// running a server function.
pub fn current_request_id() -> Option<String> {
    leptos::prelude::use_context::<http::request::Parts>()?
        .headers
        .get(&REQUEST_ID)?
        .to_str()
        .ok()
        .map(str::to_owned)
}

fn make_span(request: &Request<Body>) -> Span {
    let request_id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %request.method(),
        // Path only: the query string carries logout challenges.
        path = request.uri().path(),
        request_id,
    )
}

fn on_response(response: &Response, latency: Duration, _span: &Span) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "response"
    );
}

fn on_failure(class: ServerErrorsFailureClass, latency: Duration, _span: &Span) {
    tracing::warn!(%class, latency_ms = latency.as_secs_f64() * 1000.0, "request failed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        for ok in [
            "7ecd45a8-0b1c-4c1e-9d1e-0123456789ab",
            "req-plain-1",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "a.b_c:d",
        ] {
            assert!(is_plain_request_id(ok.as_bytes()), "{ok}");
        }
        let long = "x".repeat(MAX_REQUEST_ID_LEN + 1);
        for bad in [
            "",
            "with space",
            "quote\"",
            "<b>",
            "semi;colon",
            "Root=1-abc",
            "line\nbreak",
            "é",
            long.as_str(),
        ] {
            assert!(!is_plain_request_id(bad.as_bytes()), "{bad:.20}");
        }
    }
}
