//! Prometheus metrics, exposed in the text format at `/metrics`.
//!
//! | metric | labels |
//! |---|---|
//! | `logout_ui_http_requests_total` | `route` (the route pattern, never the query), `status` |
//! | `logout_ui_decisions_total` | `outcome`: accepted, rejected, skipped |
//! | `logout_ui_hydra_request_duration_seconds` | `operation`: get, accept, reject, revoke_consent, ready |
//! | `logout_ui_hydra_errors_total` | `operation`, `kind`: connect, timeout, unauthorized, status, body, foreign_redirect |
//! | `logout_ui_identity_lookups_total` | `outcome`: found, not_found, no_name, timeout, connect, unauthorized, status, body |

use std::time::Duration;

use axum::{
    extract::{MatchedPath, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, StatusCode};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

/// The process's metrics. Cheap to clone (shared handles).
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    decisions: IntCounterVec,
    hydra_duration: HistogramVec,
    hydra_errors: IntCounterVec,
    identity_lookups: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let http_requests = IntCounterVec::new(
            Opts::new(
                "logout_ui_http_requests_total",
                "HTTP requests by route and status.",
            ),
            &["route", "status"],
        )?;
        let decisions = IntCounterVec::new(
            Opts::new("logout_ui_decisions_total", "Logout decisions by outcome."),
            &["outcome"],
        )?;
        let hydra_duration = HistogramVec::new(
            HistogramOpts::new(
                "logout_ui_hydra_request_duration_seconds",
                "Latency of calls to Hydra's admin API.",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["operation"],
        )?;
        let hydra_errors = IntCounterVec::new(
            Opts::new(
                "logout_ui_hydra_errors_total",
                "Failed calls to Hydra's admin API by kind.",
            ),
            &["operation", "kind"],
        )?;
        let identity_lookups = IntCounterVec::new(
            Opts::new(
                "logout_ui_identity_lookups_total",
                "Identity lookups (display names) by outcome.",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(identity_lookups.clone()))?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(decisions.clone()))?;
        registry.register(Box::new(hydra_duration.clone()))?;
        registry.register(Box::new(hydra_errors.clone()))?;
        Ok(Metrics {
            registry,
            http_requests,
            decisions,
            hydra_duration,
            hydra_errors,
            identity_lookups,
        })
    }

    pub fn decision(&self, outcome: &str) {
        self.decisions.with_label_values(&[outcome]).inc();
    }

    /// One identity lookup (`ory::identity`) and how it ended.
    pub fn identity_lookup(&self, outcome: &str) {
        self.identity_lookups.with_label_values(&[outcome]).inc();
    }

    pub fn hydra_call(&self, operation: &str, took: Duration, error: Option<&str>) {
        self.hydra_duration
            .with_label_values(&[operation])
            .observe(took.as_secs_f64());
        if let Some(kind) = error {
            self.hydra_errors
                .with_label_values(&[operation, kind])
                .inc();
        }
    }

    pub fn render(&self) -> String {
        let mut out = Vec::new();
        if TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .is_err()
        {
            return String::new();
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Counts every request by route pattern and status.
pub async fn count_requests(
    State(metrics): State<Metrics>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    metrics
        .http_requests
        .with_label_values(&[route.as_str(), response.status().as_str()])
        .inc();
    response
}

/// `GET /metrics`.
pub async fn serve(State(metrics): State<Metrics>) -> impl IntoResponse {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics.render(),
    )
}
