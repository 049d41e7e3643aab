//! `/health/alive` and `/health/ready`, the paths Ory's own services use.
//!
//! Alive: the process serves HTTP. Ready: Hydra's admin API answers us with
//! our credentials. The readiness result is cached briefly so that many probes
//! (several replicas, load balancers) cost Hydra at most one call per interval.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{extract::State, response::IntoResponse, Json};
use http::StatusCode;
use serde_json::json;

use super::state::AppState;

/// How long a readiness answer is reused.
pub const READY_CACHE: Duration = Duration::from_secs(2);
/// Bound on one readiness check against Hydra.
pub const READY_TIMEOUT: Duration = Duration::from_secs(1);

/// The last readiness result and when it was taken.
#[derive(Clone, Default)]
pub struct Readiness(Arc<Mutex<Option<(Instant, bool)>>>);

impl Readiness {
    fn cached(&self) -> Option<bool> {
        let guard = self.0.lock().ok()?;
        guard.and_then(|(at, ok)| (at.elapsed() < READY_CACHE).then_some(ok))
    }

    fn store(&self, ok: bool) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = Some((Instant::now(), ok));
        }
    }
}

pub async fn alive() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

pub async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    let ok = match state.readiness.cached() {
        Some(ok) => ok,
        None => {
            let ok = tokio::time::timeout(READY_TIMEOUT, state.hydra.probe())
                .await
                .unwrap_or(false);
            state.readiness.store(ok);
            ok
        }
    };
    if ok {
        (StatusCode::OK, Json(json!({ "status": "ok" })))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                json!({ "status": "unavailable", "reason": "Hydra's admin API is not reachable" }),
            ),
        )
    }
}
