//! Logs: `tracing`, level from `RUST_LOG` (default `info`), format from
//! `LOG_FORMAT` (`pretty` or `json`).
//!
//! Request logs carry method, path (never the query: it holds challenges),
//! status and latency, and the request id that is also returned in
//! `x-request-id`.

use std::time::Duration;

use axum::{body::Body, extract::Request, response::Response};
use http::HeaderName;
use tower_http::{
    classify::ServerErrorsFailureClass,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
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

/// Request id (generated, or taken from the caller's `x-request-id`, and echoed)
/// and one access-log line per request, around every route of `router`.
pub fn apply<S: Clone + Send + Sync + 'static>(router: axum::Router<S>) -> axum::Router<S> {
    let trace = TraceLayer::new_for_http()
        .make_span_with(make_span)
        .on_request(())
        .on_response(on_response)
        .on_failure(on_failure);
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
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
        path = %request.uri().path(),
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
