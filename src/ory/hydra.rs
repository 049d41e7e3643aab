//! Client for the three logout calls of Hydra's admin API.
//!
//! Hydra's answers are modelled as values ([`GetLogout`], [`AcceptLogout`],
//! [`RejectLogout`]): "not found", "already completed" and "expired" are normal
//! situations a logout page must handle, not errors. [`HydraError`] is reserved for
//! Hydra being unreachable or answering something we cannot use.
//!
//! Secrets: the API key is a default header marked sensitive; the challenge is
//! only ever put into the request URL, and errors from reqwest are stripped of
//! their URL before anything is logged.

use std::time::{Duration, Instant};

use reqwest::{header, Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use crate::error::AppError;
use crate::logout::challenge::LogoutChallenge;
use crate::server::{config::HydraConnection, metrics::Metrics};

/// Hydra's `OAuth2Client`, as far as a logout page cares.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OAuth2Client {
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_name: Option<String>,
    #[serde(default)]
    pub logo_uri: Option<String>,
    #[serde(default)]
    pub client_uri: Option<String>,
    #[serde(default)]
    pub policy_uri: Option<String>,
    #[serde(default)]
    pub tos_uri: Option<String>,
    /// The client's registered `post_logout_redirect_uris` (OpenID Connect
    /// RP-Initiated Logout 1.0 §3.1). Hydra compares a requested
    /// `post_logout_redirect_uri` with these by exact string equality
    /// (`consent/strategy_default.go`, `issueLogoutVerifier`); so do we.
    #[serde(default)]
    pub post_logout_redirect_uris: Option<Vec<String>>,
    /// `null` is not `false`: only an explicit `true` means "skip".
    #[serde(default)]
    pub skip_logout_consent: Option<bool>,
}

/// Hydra's `OAuth2LogoutRequest`. Both shapes parse: v2.2 (no `expires_at`,
/// `requested_at`) and v2.3+.
#[derive(Clone, Default, Deserialize)]
pub struct LogoutRequest {
    /// Always present in Hydra's answers; required so that garbage does not parse.
    pub subject: String,
    #[serde(default)]
    pub sid: Option<String>,
    /// Relative, and contains the raw ID token: never logged, never rendered.
    #[serde(default)]
    pub request_url: Option<String>,
    #[serde(default)]
    pub rp_initiated: bool,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub requested_at: Option<String>,
    #[serde(default)]
    pub client: Option<OAuth2Client>,
}

impl std::fmt::Debug for LogoutRequest {
    // Hand-written so `request_url` (with its `id_token_hint`) cannot be logged.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogoutRequest")
            .field("subject", &self.subject)
            .field("rp_initiated", &self.rp_initiated)
            .field("expires_at", &self.expires_at)
            .field("client", &self.client.as_ref().map(|c| &c.client_id))
            .finish_non_exhaustive()
    }
}

/// Hydra's answer that a logout request is no longer there to be decided: the
/// same two situations for all three logout calls, so the flow maps them to the
/// user's error in one place (`From<Gone> for AppError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gone {
    /// Unknown, or rejected earlier (404).
    NotFound,
    /// Hydra refused it as expired (401/403 `request_unauthorized`, stateless Hydra).
    Expired,
}

impl From<Gone> for AppError {
    fn from(gone: Gone) -> Self {
        match gone {
            Gone::NotFound => AppError::NotFound,
            Gone::Expired => AppError::Expired,
        }
    }
}

/// Outcome of `getOAuth2LogoutRequest`.
#[derive(Debug)]
pub enum GetLogout {
    /// Waiting for the user's decision.
    Pending(Box<LogoutRequest>),
    /// The browser already completed this logout (410); `redirect_to` continues it.
    Completed { redirect_to: Url },
    /// Nothing left to decide: unknown, rejected earlier, or expired.
    Gone(Gone),
}

/// Outcome of `acceptOAuth2LogoutRequest`.
#[derive(Debug)]
pub enum AcceptLogout {
    /// Send the browser here; checked to be on Hydra's public origin.
    Accepted { redirect_to: Url },
    /// Nothing left to accept: unknown, rejected earlier, or expired.
    Gone(Gone),
}

/// Outcome of `rejectOAuth2LogoutRequest`.
#[derive(Debug)]
pub enum RejectLogout {
    /// 204: Hydra's session is kept; where the browser goes is ours to decide.
    Rejected,
    /// Nothing left to reject: unknown, rejected earlier, or expired.
    Gone(Gone),
}

/// Outcome of `revokeOAuth2ConsentSessions` for one subject and client.
#[derive(Debug, PartialEq, Eq)]
pub enum RevokeConsent {
    /// 204: the client's consent sessions for the subject, and the access and
    /// refresh tokens issued under them, are gone (also when there were none).
    Revoked,
}

/// Hydra could not be used. The variants are kinds for logs and metrics; none of
/// them carries upstream text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HydraError {
    #[error("could not connect to Hydra's admin API")]
    Connect,
    #[error("Hydra's admin API did not answer in time")]
    Timeout,
    #[error("Hydra's admin API refused our credentials (check ORY_API_KEY)")]
    Unauthorized,
    #[error("Hydra's admin API answered with unexpected status {0}")]
    Status(u16),
    #[error("Hydra's admin API sent a response we could not understand")]
    Body,
    #[error("Hydra sent a redirect outside its public URL")]
    ForeignRedirect,
}

impl HydraError {
    /// A stable label for logs and metrics.
    pub fn kind(self) -> &'static str {
        match self {
            HydraError::Connect => "connect",
            HydraError::Timeout => "timeout",
            HydraError::Unauthorized => "unauthorized",
            HydraError::Status(_) => "status",
            HydraError::Body => "body",
            HydraError::ForeignRedirect => "foreign_redirect",
        }
    }
}

fn classify(e: &reqwest::Error) -> HydraError {
    if e.is_timeout() {
        HydraError::Timeout
    } else if e.is_connect() || e.is_request() {
        HydraError::Connect
    } else if e.is_decode() || e.is_body() {
        HydraError::Body
    } else {
        HydraError::Connect
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: String,
}

#[derive(Deserialize)]
struct RedirectBody {
    redirect_to: String,
}

/// The one HTTP client to Hydra's admin API, built once and shared.
#[derive(Clone)]
pub struct HydraAdmin {
    http: reqwest::Client,
    /// Shared, so that a clone copies no URL.
    urls: std::sync::Arc<AdminUrls>,
    metrics: Metrics,
}

/// Where [`HydraAdmin`] sends its calls, resolved once.
struct AdminUrls {
    logout_endpoint: Url,
    consent_sessions_endpoint: Url,
    public_url: Url,
}

/// Backoff before the 2nd and 3rd attempt of the (idempotent) read.
const READ_RETRY_BACKOFF: [Duration; 2] = [Duration::from_millis(50), Duration::from_millis(200)];

/// Hydra's responses are small; anything larger is not a logout request.
const MAX_BODY: usize = 256 * 1024;

/// The HTTP client for an Ory admin API (Hydra's, or the identity API): JSON,
/// no redirect following, bounded connect and total time, a kept-alive pool, and
/// `Authorization: Bearer <key>` (marked sensitive) when a key is given. Built
/// once per API and shared.
///
/// Errors: reqwest's, when its TLS backend cannot be initialised.
pub fn admin_http_client(
    key: Option<&SecretString>,
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<reqwest::Client, reqwest::Error> {
    let mut headers = header::HeaderMap::new();
    if let Some(key) = key {
        if let Ok(mut value) =
            header::HeaderValue::from_str(&format!("Bearer {}", key.expose_secret()))
        {
            value.set_sensitive(true);
            headers.insert(header::AUTHORIZATION, value);
        }
    }
    headers.insert(
        header::ACCEPT,
        header::HeaderValue::from_static("application/json"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(concat!("hydra-logout-ui/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .tcp_nodelay(true)
        .build()
}

impl HydraAdmin {
    /// The client for the Hydra at `config`, recording into `metrics`.
    ///
    /// Errors: reqwest's, when its TLS backend cannot be initialised.
    pub fn new(config: &HydraConnection, metrics: Metrics) -> Result<Self, reqwest::Error> {
        let http = admin_http_client(
            config.api_key.as_ref(),
            config.connect_timeout,
            config.timeout,
        )?;
        Ok(HydraAdmin {
            http,
            urls: std::sync::Arc::new(AdminUrls {
                logout_endpoint: join_base(&config.admin_url, "admin/oauth2/auth/requests/logout"),
                consent_sessions_endpoint: join_base(
                    &config.admin_url,
                    "admin/oauth2/auth/sessions/consent",
                ),
                public_url: config.public_url.clone(),
            }),
            metrics,
        })
    }

    /// Runs one admin call and records its latency and failure kind.
    async fn observed<T>(
        &self,
        operation: &'static str,
        call: impl std::future::Future<Output = Result<T, HydraError>>,
    ) -> Result<T, HydraError> {
        let started = Instant::now();
        let result = call.await;
        self.metrics.hydra_call(
            operation,
            started.elapsed(),
            result.as_ref().err().map(|e| e.kind()),
        );
        result
    }

    /// Whether Hydra's admin API answers us: asking about a challenge that cannot
    /// exist must give Hydra's own JSON error for an unknown (or, on stateless
    /// Hydra, undecryptable) request — not a success, not a server error, not a
    /// refusal of our credentials, and not some other service's page. Used by
    /// `/health/ready`.
    pub async fn probe(&self) -> bool {
        let Some(probe) = LogoutChallenge::parse("readiness-probe") else {
            return false;
        };
        self.observed("ready", async {
            let (status, body) = self.call(Method::GET, self.endpoint(None, &probe)).await?;
            if !status.is_client_error() {
                return Err(HydraError::Status(status.as_u16()));
            }
            if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
                // Our credentials refused: not ready. An expired challenge is an answer.
                self.gone(status, &body)?;
            }
            match serde_json::from_slice::<ErrorBody>(&body) {
                Ok(e) if !e.error.is_empty() => Ok(()),
                _ => Err(HydraError::Body),
            }
        })
        .await
        .is_ok()
    }

    /// Hydra's public URL (what `redirect_to` must point at).
    pub fn public_url(&self) -> &Url {
        &self.urls.public_url
    }

    fn endpoint(&self, action: Option<&str>, challenge: &LogoutChallenge) -> Url {
        let mut url = self.urls.logout_endpoint.clone();
        if let Some(action) = action {
            if let Ok(mut segments) = url.path_segments_mut() {
                segments.push(action);
            }
        }
        url.query_pairs_mut()
            .append_pair("logout_challenge", challenge.as_str());
        url
    }

    async fn call(&self, method: Method, url: Url) -> Result<(StatusCode, Vec<u8>), HydraError> {
        let response = self
            .http
            .request(method, url)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let status = response.status();
        if response
            .content_length()
            .is_some_and(|len| len > MAX_BODY as u64)
        {
            return Err(HydraError::Body);
        }
        let body = response.bytes().await.map_err(|e| classify(&e))?;
        if body.len() > MAX_BODY {
            return Err(HydraError::Body);
        }
        Ok((status, body.to_vec()))
    }

    /// `GET /admin/oauth2/auth/requests/logout`. The only call that is retried:
    /// it is a read, so repeating it cannot change anything. Connection failures
    /// and 502/503/504 get up to two more attempts; timeouts do not (the total
    /// wait would multiply).
    pub async fn get_logout_request(
        &self,
        challenge: &LogoutChallenge,
    ) -> Result<GetLogout, HydraError> {
        self.observed("get", self.get_with_retries(challenge)).await
    }

    async fn get_with_retries(&self, challenge: &LogoutChallenge) -> Result<GetLogout, HydraError> {
        let mut backoff = READ_RETRY_BACKOFF.iter();
        loop {
            let attempt = self.call(Method::GET, self.endpoint(None, challenge)).await;
            let transient = match &attempt {
                Err(HydraError::Connect) => true,
                Ok((status, _)) => matches!(status.as_u16(), 502..=504),
                Err(_) => false,
            };
            match backoff.next() {
                Some(wait) if transient => tokio::time::sleep(*wait).await,
                _ => {
                    let (status, body) = attempt?;
                    return self.map_get(status, &body);
                }
            }
        }
    }

    fn map_get(&self, status: StatusCode, body: &[u8]) -> Result<GetLogout, HydraError> {
        match status {
            StatusCode::OK => serde_json::from_slice::<LogoutRequest>(body)
                .map(|r| GetLogout::Pending(Box::new(r)))
                .map_err(|_| HydraError::Body),
            StatusCode::GONE => {
                let body: RedirectBody =
                    serde_json::from_slice(body).map_err(|_| HydraError::Body)?;
                let redirect_to = self.resolve_public(&body.redirect_to)?;
                Ok(GetLogout::Completed { redirect_to })
            }
            s => self.gone(s, body).map(GetLogout::Gone),
        }
    }

    /// `PUT /admin/oauth2/auth/requests/logout/accept`.
    pub async fn accept_logout_request(
        &self,
        challenge: &LogoutChallenge,
    ) -> Result<AcceptLogout, HydraError> {
        self.observed("accept", self.accept_once(challenge)).await
    }

    async fn accept_once(&self, challenge: &LogoutChallenge) -> Result<AcceptLogout, HydraError> {
        let (status, body) = self
            .call(Method::PUT, self.endpoint(Some("accept"), challenge))
            .await?;
        match status {
            StatusCode::OK => {
                let body: RedirectBody =
                    serde_json::from_slice(&body).map_err(|_| HydraError::Body)?;
                let redirect_to = self.resolve_public(&body.redirect_to)?;
                Ok(AcceptLogout::Accepted { redirect_to })
            }
            s => self.gone(s, &body).map(AcceptLogout::Gone),
        }
    }

    /// `PUT /admin/oauth2/auth/requests/logout/reject`. Hydra answers 204 with no
    /// redirect: where the user goes next is ours to decide.
    pub async fn reject_logout_request(
        &self,
        challenge: &LogoutChallenge,
    ) -> Result<RejectLogout, HydraError> {
        self.observed("reject", self.reject_once(challenge)).await
    }

    async fn reject_once(&self, challenge: &LogoutChallenge) -> Result<RejectLogout, HydraError> {
        let (status, body) = self
            .call(Method::PUT, self.endpoint(Some("reject"), challenge))
            .await?;
        match status {
            StatusCode::NO_CONTENT | StatusCode::OK => Ok(RejectLogout::Rejected),
            s => self.gone(s, &body).map(RejectLogout::Gone),
        }
    }

    /// `DELETE /admin/oauth2/auth/sessions/consent?subject=S&client=C`
    /// (`revokeOAuth2ConsentSessions`): revokes `client_id`'s consent sessions for
    /// `subject` and, with them, the access and refresh tokens Hydra issued under
    /// them. Hydra's login session is untouched. Idempotent (204 also when there
    /// is nothing to revoke: Hydra v2.3.0 `consent/handler.go`), so it is safe to
    /// repeat when the user sends the same choice again; it is not retried here.
    ///
    /// Errors: any status but 204 is a [`HydraError`] (401/403 is
    /// [`HydraError::Unauthorized`]).
    pub async fn revoke_consent_sessions(
        &self,
        subject: &str,
        client_id: &str,
    ) -> Result<RevokeConsent, HydraError> {
        let mut url = self.urls.consent_sessions_endpoint.clone();
        url.query_pairs_mut()
            .append_pair("subject", subject)
            .append_pair("client", client_id);
        self.observed("revoke_consent", async {
            let (status, body) = self.call(Method::DELETE, url).await?;
            match status {
                StatusCode::NO_CONTENT => Ok(RevokeConsent::Revoked),
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                    self.gone(status, &body)?;
                    // "request_unauthorized" belongs to logout challenges, not here.
                    Err(HydraError::Unauthorized)
                }
                s => Err(HydraError::Status(s.as_u16())),
            }
        })
        .await
    }

    /// Maps the statuses the three logout calls share: 404 is
    /// [`Gone::NotFound`], 401/403 with `request_unauthorized` (stateless Hydra:
    /// the challenge's own expiry) is [`Gone::Expired`]; any other 401/403 is
    /// about our credentials, anything else an unexpected status.
    fn gone(&self, status: StatusCode, body: &[u8]) -> Result<Gone, HydraError> {
        let error = serde_json::from_slice::<ErrorBody>(body)
            .map(|b| b.error)
            .unwrap_or_default();
        match status {
            StatusCode::NOT_FOUND => Ok(Gone::NotFound),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN if error == "request_unauthorized" => {
                Ok(Gone::Expired)
            }
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(HydraError::Unauthorized),
            s => Err(HydraError::Status(s.as_u16())),
        }
    }

    /// Resolves a URL Hydra handed out (absolute, or relative to its public URL)
    /// and refuses anything that is not on Hydra's public origin.
    pub fn resolve_public(&self, raw: &str) -> Result<Url, HydraError> {
        let url = if raw.starts_with('/') && !raw.starts_with("//") {
            // Relative to Hydra's public *base*: keep a path prefix if Hydra sits
            // behind one.
            let base = self.urls.public_url.as_str().trim_end_matches('/');
            Url::parse(&format!("{base}{raw}")).map_err(|_| HydraError::ForeignRedirect)?
        } else {
            Url::parse(raw).map_err(|_| HydraError::ForeignRedirect)?
        };
        if url.origin() == self.urls.public_url.origin() {
            Ok(url)
        } else {
            Err(HydraError::ForeignRedirect)
        }
    }
}

/// Joins `path` under `base`, keeping any path prefix `base` has.
fn join_base(base: &Url, path: &str) -> Url {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        let p = format!("{}/", base.path());
        base.set_path(&p);
    }
    base.set_query(None);
    base.join(path).unwrap_or(base)
}

#[cfg(test)]
mod tests;
