//! Shared application state, built once at startup.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::{config::Config, health::Readiness, metrics::Metrics};
use crate::{
    logout::ssr::{decisions::Decisions, ticket::TicketKey},
    ory::{hydra::HydraAdmin, identity::IdentityAdmin},
};

/// Everything a request needs. Cheap to clone; provided to server functions and
/// page rendering through Leptos context.
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
