//! Shared application state, built once at startup, and the substates handlers
//! and the logout flow take from it (axum's `FromRef`): each asks only for what
//! it uses.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::{config::Config, health::Readiness, metrics::Metrics};
use crate::{
    logout::ssr::{decisions::Decisions, flow::Flow, ticket::TicketKey},
    ory::{hydra::HydraAdmin, identity::IdentityAdmin},
};

/// Everything a request may need. Cheap to clone; provided to server functions
/// and page rendering through Leptos context. Every field is a substate
/// (`State<HydraAdmin>`, `State<Metrics>`, …); [`Flow`] is one too.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub hydra: HydraAdmin,
    /// The identity lookup for display names; `None` when not configured.
    pub identity: Option<IdentityAdmin>,
    pub tickets: TicketKey,
    pub metrics: Metrics,
    pub readiness: Readiness,
    /// Decisions on one challenge run one at a time (`logout::ssr::decisions`).
    pub decisions: Decisions,
}

impl FromRef<AppState> for Flow {
    fn from_ref(state: &AppState) -> Flow {
        Flow {
            hydra: state.hydra.clone(),
            identity: state.identity.clone(),
            tickets: state.tickets.clone(),
            decisions: state.decisions.clone(),
            metrics: state.metrics.clone(),
            policy: state.config.policy.clone(),
            default_lang: state.config.presentation.default_lang,
        }
    }
}
