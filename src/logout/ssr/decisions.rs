//! Decisions on one logout request, one at a time.
//!
//! Hydra does not guard a logout request against two decisions: a reject after
//! an accept (before the browser has followed the verifier) flips it to rejected,
//! and an accept after a reject revives it (Hydra v2.3.0; see
//! `../shared/HYDRA.md` §3, §7). A double click on different buttons without
//! JavaScript, or two tabs, can send both. Within this process, decisions on the
//! same challenge therefore run one after the other, each re-reading the request
//! first; and a challenge this process accepted stays accepted: a later decision
//! continues to Hydra's verifier instead of undoing the sign-out.
//!
//! Replicas do not share this (the service is otherwise stateless); see
//! SECURITY.md.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, Weak},
    time::{Duration, Instant},
};

use sha2::{Digest, Sha256};
use url::Url;

use crate::logout::challenge::LogoutChallenge;

/// How long an accepted challenge is remembered: Hydra's default
/// `ttl.login_consent_request` (30 min), after which the request is gone anyway.
const REMEMBER_ACCEPTED: Duration = Duration::from_secs(30 * 60);
/// Bound on remembered challenges (≈ 100 bytes each).
const MAX_REMEMBERED: usize = 10_000;

type Key = [u8; 32];

fn key(challenge: &LogoutChallenge) -> Key {
    Sha256::digest(challenge.as_str().as_bytes()).into()
}

/// Per-challenge locks and the challenges accepted here. Cheap to clone.
#[derive(Clone, Default)]
pub struct Decisions {
    locks: Arc<Mutex<HashMap<Key, Weak<tokio::sync::Mutex<()>>>>>,
    accepted: Arc<Mutex<HashMap<Key, (Url, Instant)>>>,
}

/// Held while a decision runs; released on drop.
pub struct Turn {
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

impl Decisions {
    /// Waits until no other decision on `challenge` runs in this process.
    pub async fn turn(&self, challenge: &LogoutChallenge) -> Turn {
        let lock = {
            let Ok(mut locks) = self.locks.lock() else {
                // A poisoned map (a panic elsewhere): serialise nothing rather than fail.
                return Turn {
                    _guard: Arc::new(tokio::sync::Mutex::new(())).lock_owned().await,
                };
            };
            if locks.len() > MAX_REMEMBERED {
                locks.retain(|_, weak| weak.strong_count() > 0);
            }
            let slot = locks.entry(key(challenge)).or_default();
            match slot.upgrade() {
                Some(lock) => lock,
                None => {
                    let lock = Arc::new(tokio::sync::Mutex::new(()));
                    *slot = Arc::downgrade(&lock);
                    lock
                }
            }
        };
        Turn {
            _guard: lock.lock_owned().await,
        }
    }

    /// Where an earlier accept of `challenge` in this process sent the browser.
    pub fn accepted(&self, challenge: &LogoutChallenge) -> Option<Url> {
        let accepted = self.accepted.lock().ok()?;
        accepted
            .get(&key(challenge))
            .filter(|(_, at)| at.elapsed() < REMEMBER_ACCEPTED)
            .map(|(url, _)| url.clone())
    }

    /// Records that `challenge` was accepted, continuing at `redirect_to`.
    pub fn remember_accepted(&self, challenge: &LogoutChallenge, redirect_to: &Url) {
        let Ok(mut accepted) = self.accepted.lock() else {
            return;
        };
        if accepted.len() >= MAX_REMEMBERED {
            accepted.retain(|_, (_, at)| at.elapsed() < REMEMBER_ACCEPTED);
            if accepted.len() >= MAX_REMEMBERED {
                // Still full of fresh entries: drop the oldest.
                if let Some(oldest) = accepted
                    .iter()
                    .min_by_key(|(_, (_, at))| *at)
                    .map(|(k, _)| *k)
                {
                    accepted.remove(&oldest);
                }
            }
        }
        accepted.insert(key(challenge), (redirect_to.clone(), Instant::now()));
    }
}
