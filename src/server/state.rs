//! Shared application state, built once at startup, and the substates handlers
//! and the logout flow take from it (axum's `FromRef`): each asks only for what
//! it uses.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::{config::Config, health::Readiness, metrics::Metrics};
use crate::{
    logout::ssr::{flow::Flow, ticket::TicketKey},
    ory::{hydra::HydraAdmin, identity::IdentityAdmin},
};

/// Everything a request may need ([`AppStateInner`], reached through `Deref`),
/// behind one `Arc`: axum clones the state into every layer of a route for
/// each request and Leptos' `use_context` clones it again (about 50 times per
/// prompt), so a clone is one reference count instead of ~30 and three URL
/// copies (BENCHMARKS.md, "Ways there"). Provided to server functions and page
/// rendering through Leptos context. Every field is a substate
/// (`State<HydraAdmin>`, `State<Metrics>`, …); [`Flow`] is one too.
#[derive(Clone)]
pub struct AppState(Arc<AppStateInner>);

/// The fields of [`AppState`].
pub struct AppStateInner {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub hydra: HydraAdmin,
    /// The identity lookup for display names; `None` when not configured.
    pub identity: Option<IdentityAdmin>,
    pub tickets: TicketKey,
    pub metrics: Metrics,
    pub readiness: Readiness,
    /// The logout flow's substate, built once at start-up from the handles
    /// above, the policy and the per-challenge decision locks (which only the
    /// flow uses).
    pub flow: Arc<Flow>,
}

impl From<AppStateInner> for AppState {
    fn from(inner: AppStateInner) -> Self {
        AppState(Arc::new(inner))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppStateInner;

    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

/// `State<T>` extractors (and leptos_axum's `LeptosOptions`) for each field,
/// as `#[derive(FromRef)]` gives them on a plain struct.
macro_rules! from_ref {
    ($($field:ident: $ty:ty),* $(,)?) => {
        $(impl FromRef<AppState> for $ty {
            fn from_ref(state: &AppState) -> Self {
                state.$field.clone()
            }
        })*
    };
}

from_ref!(
    leptos_options: LeptosOptions,
    config: Arc<Config>,
    hydra: HydraAdmin,
    identity: Option<IdentityAdmin>,
    tickets: TicketKey,
    metrics: Metrics,
    readiness: Readiness,
    flow: Arc<Flow>,
);
