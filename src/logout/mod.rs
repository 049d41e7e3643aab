//! The logout feature: what the page shows, what it sends back, and the server
//! functions between the two.
//!
//! Data flows one way: the page calls [`api::load_prompt`] during server rendering,
//! the user's choice goes to [`api::decide`], and both delegate to
//! `logout::ssr::flow`, which talks to Hydra.

pub mod api;
pub mod challenge;
pub mod form;
pub mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

/// The user's choice on the prompt. Sent as the clicked button's `name=decision`
/// `value=accept|reject`, so a plain form post and a hydrated submit carry the
/// same data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Sign out.
    Accept,
    /// Stay signed in.
    Reject,
}

/// The relying party being signed out of, reduced to what is safe to render:
/// every URI here has been checked to be http(s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    /// `client_name`, else `client_id`.
    pub name: String,
    pub logo_uri: Option<String>,
    pub client_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
}

/// Everything the prompt page needs, and nothing more: this value is serialized
/// into the page for hydration, so it must hold no secret. The challenge travels
/// only inside the sealed `ticket`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutPrompt {
    /// The challenge, encrypted and authenticated by the server (`logout::ssr::ticket`).
    pub ticket: String,
    /// Who is signing out (Hydra's `subject`).
    pub subject: String,
    /// The person behind `subject`, when an identity API is configured and
    /// answered in time (`ory::identity`); shown instead of the subject.
    pub person: Option<Person>,
    /// Whole minutes (rounded up) until Hydra's `expires_at`, when the request
    /// has one.
    pub expires_in_minutes: Option<u32>,
    /// The app that asked for the logout; `None` when the user started it.
    pub app: Option<AppInfo>,
    /// Whether "sign out of {App} only" revokes the app's tokens
    /// (`APP_ONLY_REVOKES_CONSENT`), so the page can say what it does.
    pub app_only_revokes: bool,
    /// The page language (`crate::i18n::SUPPORTED`), negotiated from the relying
    /// party's `ui_locales`, the browser's `Accept-Language` and the default.
    pub lang: String,
}

/// The signed-in person as they know themself, from their identity's traits.
/// Identity data: never logged (the `Debug` output hides it).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Display name (e.g. `name`, `username` or `email` trait), at most 120 characters.
    pub name: String,
    /// E-mail address, when it differs from `name`.
    pub email: Option<String>,
}

impl std::fmt::Debug for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Person { .. }")
    }
}

/// What rendering `/logout` resulted in.
// One short-lived value per page render: boxing the common variant would buy
// nothing but an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PromptOutcome {
    /// Ask the user.
    Ask(LogoutPrompt),
    /// No question needed; the response is a redirect (already completed, or
    /// consent skipped by policy).
    Redirected,
    /// The request expired before a decision. `restart_url` is on Hydra's public
    /// origin and starts a new logout (it holds no ID token).
    Expired { restart_url: String },
}
