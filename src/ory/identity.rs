//! Who is signing out, the way they know themself: a display name (and e-mail
//! address) read from the identity behind Hydra's `subject`.
//!
//! Where Hydra sits behind Ory Kratos (self-hosted, or Ory Network), `subject` is
//! a Kratos identity id (a UUID). [`IdentityAdmin::lookup`] reads it with
//! Kratos' `getIdentity` (`GET {admin}/admin/identities/{id}`, Kratos v1.3
//! admin API; on Ory Network the project URL with the project API key) and
//! picks the display name from the identity's `traits`.
//!
//! The lookup is a nicety and must never cost the prompt: it is bounded
//! ([`IdentityConfig::timeout`]), and on timeout, 404 or any error it yields
//! `None` (the page shows the subject), logs the failure kind (never identity
//! data, never the subject) and counts it in
//! `logout_ui_identity_lookups_total`. Nothing is cached across requests.

use std::time::Duration;

use reqwest::StatusCode;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::logout::Person;
use crate::server::{
    config::{Config, IdentityConfig},
    metrics::Metrics,
};

/// Identity documents are small; anything larger is not one.
const MAX_BODY: usize = 64 * 1024;

/// Shown names and addresses are cut to this many characters.
const MAX_CHARS: usize = 120;

/// Kratos' `identity`, as far as a display name goes.
#[derive(Deserialize)]
struct Identity {
    #[serde(default)]
    traits: Value,
}

/// The one HTTP client to the identity API, built once and shared.
#[derive(Clone)]
pub struct IdentityAdmin {
    http: reqwest::Client,
    identities: Url,
    timeout: Duration,
    name_traits: Vec<String>,
    email_trait: Option<String>,
    metrics: Metrics,
}

/// Why a lookup gave no name (a label for logs and metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Miss {
    NotFound,
    Timeout,
    Unauthorized,
    Status,
    Connect,
    Body,
    NoName,
}

impl Miss {
    fn kind(self) -> &'static str {
        match self {
            Miss::NotFound => "not_found",
            Miss::Timeout => "timeout",
            Miss::Unauthorized => "unauthorized",
            Miss::Status => "status",
            Miss::Connect => "connect",
            Miss::Body => "body",
            Miss::NoName => "no_name",
        }
    }
}

impl IdentityAdmin {
    /// `None` when no identity API is configured ([`Config::identity`]).
    ///
    /// # Errors
    /// When the HTTP client cannot be built (TLS backend initialisation).
    pub fn new(config: &Config, metrics: Metrics) -> Result<Option<Self>, reqwest::Error> {
        let Some(identity) = &config.identity else {
            return Ok(None);
        };
        let key = config
            .hydra
            .api_key
            .as_ref()
            .filter(|_| identity.send_api_key);
        Self::build(identity, key, metrics).map(Some)
    }

    fn build(
        identity: &IdentityConfig,
        key: Option<&SecretString>,
        metrics: Metrics,
    ) -> Result<Self, reqwest::Error> {
        let http = super::hydra::admin_http_client(key, identity.timeout, identity.timeout)?;
        let mut identities = identity.admin_url.clone();
        if let Ok(mut segments) = identities.path_segments_mut() {
            segments.pop_if_empty().extend(["admin", "identities"]);
        }
        Ok(IdentityAdmin {
            http,
            identities,
            timeout: identity.timeout,
            name_traits: identity.name_traits.clone(),
            email_trait: identity.email_trait.clone(),
            metrics,
        })
    }

    /// The person behind `subject`, or `None` (show the subject) when the
    /// subject cannot be a Kratos identity id, or the lookup fails or takes longer
    /// than the configured bound. Never fails the caller.
    pub async fn lookup(&self, subject: &str) -> Option<Person> {
        // Kratos identity ids are UUIDs; anything else (e.g. a pairwise or legacy
        // subject) is not worth a call.
        if !is_uuid(subject) {
            return None;
        }
        // reqwest's timeout bounds the request; this bounds everything, body included.
        let result = match tokio::time::timeout(self.timeout, self.fetch(subject)).await {
            Ok(r) => r,
            Err(_) => Err(Miss::Timeout),
        };
        let outcome = match &result {
            Ok(_) => "found",
            Err(miss) => miss.kind(),
        };
        self.metrics.identity_lookup(outcome);
        match result {
            Ok(person) => Some(person),
            Err(Miss::NotFound | Miss::NoName) => {
                tracing::info!(
                    kind = outcome,
                    "identity lookup gave no name; showing the subject"
                );
                None
            }
            Err(Miss::Unauthorized) => {
                tracing::error!(
                    kind = outcome,
                    "identity lookup refused our credentials (check ORY_API_KEY); showing the subject"
                );
                None
            }
            Err(_) => {
                tracing::warn!(
                    kind = outcome,
                    "identity lookup failed; showing the subject"
                );
                None
            }
        }
    }

    async fn fetch(&self, subject: &str) -> Result<Person, Miss> {
        let mut url = self.identities.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.push(subject);
        }
        let response = self.http.get(url).send().await.map_err(|e| {
            if e.is_timeout() {
                Miss::Timeout
            } else {
                Miss::Connect
            }
        })?;
        match response.status() {
            StatusCode::OK => {}
            StatusCode::NOT_FOUND => return Err(Miss::NotFound),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => return Err(Miss::Unauthorized),
            _ => return Err(Miss::Status),
        }
        if response
            .content_length()
            .is_some_and(|len| len > MAX_BODY as u64)
        {
            return Err(Miss::Body);
        }
        let body = response.bytes().await.map_err(|e| {
            if e.is_timeout() {
                Miss::Timeout
            } else {
                Miss::Body
            }
        })?;
        if body.len() > MAX_BODY {
            return Err(Miss::Body);
        }
        let identity: Identity = serde_json::from_slice(&body).map_err(|_| Miss::Body)?;
        self.person(&identity.traits).ok_or(Miss::NoName)
    }

    /// The display name and e-mail address from an identity's traits.
    fn person(&self, traits: &Value) -> Option<Person> {
        let name = self
            .name_traits
            .iter()
            .find_map(|path| display_value(trait_at(traits, path)?))?;
        let email = self
            .email_trait
            .as_deref()
            .and_then(|path| trait_at(traits, path)?.as_str())
            .map(clean)
            .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case(&name));
        Some(Person { name, email })
    }
}

/// `traits` at a dotted path (`name`, `profile.display_name`).
fn trait_at<'a>(traits: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(traits, |v, key| v.get(key))
}

/// A trait value as a name: a non-empty string, or an object with string
/// `first` and/or `last` (Kratos' common `name: {first, last}` schema).
fn display_value(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => clean(s),
        Value::Object(parts) => {
            let part = |k: &str| parts.get(k).and_then(Value::as_str).map(clean);
            [part("first"), part("last")]
                .into_iter()
                .flatten()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        }
        _ => String::new(),
    };
    (!text.is_empty()).then_some(text)
}

/// Trimmed, control characters and bidirectional controls dropped, at most [`MAX_CHARS`] characters.
fn clean(s: &str) -> String {
    let mut chars = s
        .trim()
        .chars()
        .filter(|c| !c.is_control() && !crate::i18n::is_bidi_control(*c));
    let mut out: String = chars.by_ref().take(MAX_CHARS).collect();
    if chars.next().is_some() {
        out.pop();
        out.push('…');
    }
    out
}

/// `8-4-4-4-12` hexadecimal digits (any version), the shape of Kratos ids.
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests;
