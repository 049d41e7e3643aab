//! `/health/alive` and `/health/ready`, the paths Ory's own services use.
//!
//! Alive: the process serves HTTP. Ready: Hydra's admin API answers us with
//! our credentials. The readiness check is single-flight and its result cached
//! briefly, so a burst of probes (several replicas, load balancers, a restart
//! storm) costs Hydra one call per interval: concurrent probes wait for the one
//! check in flight and share its answer.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{extract::State, response::IntoResponse, Json};
use http::StatusCode;
use serde_json::json;

use crate::ory::hydra::HydraAdmin;

/// How long a readiness answer is reused.
pub const READY_CACHE: Duration = Duration::from_secs(2);
/// Bound on one readiness check against Hydra.
pub const READY_TIMEOUT: Duration = Duration::from_secs(1);

/// The last readiness result and when it was taken. An async mutex: whoever
/// holds it runs the (bounded) check, everyone else waits and reuses its result.
#[derive(Clone, Default)]
pub struct Readiness(Arc<tokio::sync::Mutex<Option<(Instant, bool)>>>);

impl Readiness {
    /// The cached answer if fresh, else the answer of `check` (one at a time).
    pub async fn get_or_check<F: std::future::Future<Output = bool>>(
        &self,
        check: impl FnOnce() -> F,
    ) -> bool {
        let mut last = self.0.lock().await;
        if let Some((at, ok)) = *last {
            if at.elapsed() < READY_CACHE {
                return ok;
            }
        }
        let ok = tokio::time::timeout(READY_TIMEOUT, check())
            .await
            .unwrap_or(false);
        *last = Some((Instant::now(), ok));
        ok
    }
}

pub async fn alive() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// `GET /health/ready`: 200 when Hydra's admin API answers us, else 503.
pub async fn ready(
    State(readiness): State<Readiness>,
    State(hydra): State<HydraAdmin>,
) -> impl IntoResponse {
    let ok = readiness.get_or_check(|| hydra.probe()).await;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// 100 probes at once, the check slow (as a loaded Hydra is): one check.
    /// Before single-flight, every probe that found no fresh cache checked.
    #[tokio::test]
    async fn a_burst_of_probes_costs_one_check() {
        let readiness = Readiness::default();
        let calls = Arc::new(AtomicUsize::new(0));
        let probes = (0..100).map(|_| {
            let readiness = readiness.clone();
            let calls = calls.clone();
            tokio::spawn(async move {
                readiness
                    .get_or_check(|| async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        true
                    })
                    .await
            })
        });
        for probe in probes.collect::<Vec<_>>() {
            assert!(probe.await.unwrap());
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_hanging_check_is_bounded_and_reported_unready() {
        let readiness = Readiness::default();
        let t0 = Instant::now();
        let ok = readiness.get_or_check(std::future::pending::<bool>).await;
        assert!(!ok);
        assert!(t0.elapsed() < READY_TIMEOUT + Duration::from_secs(2));
    }
}
