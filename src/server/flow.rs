//! The logout story, independent of HTTP plumbing: turn a challenge into what the
//! page shows, and a decision into where the browser goes next.

use time::{format_description::well_known::Rfc3339, OffsetDateTime};
use url::Url;

use super::{
    hydra::{AcceptLogout, GetLogout, HydraError, LogoutRequest, OAuth2Client, RejectLogout},
    state::AppState,
    ticket::{Binding, TicketError},
};
use crate::{
    error::AppError,
    logout::{challenge::LogoutChallenge, AppInfo, Decision, LogoutPrompt},
};

/// What to do with a `GET /logout`.
#[derive(Debug)]
pub enum PromptStep {
    Ask(LogoutPrompt),
    Redirect(Url),
    /// Expired before a decision; the URL starts a new logout at Hydra.
    Expired(Url),
}

/// A failed decision, with what is needed to send a no-JS browser somewhere useful.
#[derive(Debug)]
pub struct DecideFailure {
    pub error: AppError,
    challenge: Option<LogoutChallenge>,
}

impl DecideFailure {
    fn new(error: AppError, challenge: &LogoutChallenge) -> Self {
        DecideFailure {
            error,
            challenge: Some(challenge.clone()),
        }
    }

    /// Where a plain form post goes after a failure: back to the prompt (which
    /// re-reads the request and explains the situation, or offers the choice
    /// again), or to the error page when we do not even know the challenge.
    pub fn fallback_location(&self) -> String {
        match &self.challenge {
            Some(challenge) => {
                let mut url = String::from("/logout?");
                let mut query = url::form_urlencoded::Serializer::new(String::new());
                query.append_pair("logout_challenge", challenge.as_str());
                if self.error.is_retryable() {
                    query.append_pair("failed", "1");
                }
                url.push_str(&query.finish());
                url
            }
            None => format!("/error?error={}", self.error.code()),
        }
    }
}

/// Logs a Hydra fault once, here, and turns it into what the user sees.
fn fault(operation: &'static str, e: HydraError) -> AppError {
    match e {
        HydraError::ForeignRedirect | HydraError::Unauthorized => {
            tracing::error!(operation, kind = e.kind(), "Hydra admin call failed: {e}")
        }
        _ => tracing::warn!(operation, kind = e.kind(), "Hydra admin call failed: {e}"),
    }
    AppError::Unavailable
}

fn parse_time(raw: Option<&str>) -> Option<OffsetDateTime> {
    let t = OffsetDateTime::parse(raw?, &Rfc3339).ok()?;
    // Go's zero time ("0001-01-01T00:00:00Z") means "not set", not "long expired".
    (t.year() > 1970).then_some(t)
}

/// Hydra v2.3 sets `expires_at` (for user-initiated logouts) but only checks it
/// when the browser comes back; we check it before asking the question.
fn is_expired(req: &LogoutRequest) -> bool {
    parse_time(req.expires_at.as_deref()).is_some_and(|t| t <= OffsetDateTime::now_utc())
}

fn should_skip(state: &AppState, req: &LogoutRequest) -> bool {
    // A user-initiated (or crafted) link must never sign anyone out silently.
    if !req.rp_initiated {
        return false;
    }
    req.client.as_ref().is_some_and(|c| {
        c.skip_logout_consent == Some(true)
            || state.config.skip_consent_clients.contains(&c.client_id)
    })
}

/// Accepts only http(s) URLs with a host; everything else is dropped.
pub fn safe_http_url(raw: Option<&str>) -> Option<Url> {
    let raw = raw?.trim();
    if raw.is_empty() || raw.len() > 2048 {
        return None;
    }
    let url = Url::parse(raw).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then_some(url)
}

fn app_info(client: &OAuth2Client) -> AppInfo {
    let name = client
        .client_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(&client.client_id);
    let name: String = if name.chars().count() > 120 {
        name.chars().take(119).chain(['…']).collect()
    } else {
        name.to_owned()
    };
    let link = |raw: &Option<String>| safe_http_url(raw.as_deref()).map(String::from);
    AppInfo {
        name,
        logo_uri: link(&client.logo_uri),
        client_uri: link(&client.client_uri),
        policy_uri: link(&client.policy_uri),
        tos_uri: link(&client.tos_uri),
    }
}

/// A query parameter of the request's `request_url` (e.g. `ui_locales`, which
/// Hydra keeps there without acting on it).
fn request_param(req: &LogoutRequest, name: &str) -> Option<String> {
    let base = Url::parse("http://hydra.invalid/").ok()?;
    let request_url = base.join(req.request_url.as_deref()?).ok()?;
    let value = request_url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned());
    value
}

/// The relying party's own return address from `request_url`. Hydra validated
/// `post_logout_redirect_uri` against the client's registered list when it
/// created the request, so it is trusted as far as it is http(s).
fn post_logout_target(req: &LogoutRequest) -> Option<Url> {
    let target = request_param(req, "post_logout_redirect_uri");
    let state = request_param(req, "state");
    let mut target = safe_http_url(target.as_deref())?;
    if let Some(state) = state.filter(|s| !s.is_empty()) {
        target.query_pairs_mut().append_pair("state", &state);
    }
    Some(target)
}

/// Where "stay signed in" sends the user. Never a URL from the form.
pub fn return_location(state: &AppState, req: &LogoutRequest) -> String {
    post_logout_target(req)
        .or_else(|| {
            req.client
                .as_ref()
                .and_then(|c| safe_http_url(c.client_uri.as_deref()))
        })
        .or_else(|| state.config.home_url.clone())
        .map(String::from)
        .unwrap_or_else(|| "/stayed".to_owned())
}

/// Where to start over after expiry: the original `request_url` when it carries no
/// ID token (user-initiated logouts, the only ones Hydra v2.3 sets an expiry on),
/// else Hydra's bare logout endpoint. Both re-create a request at Hydra.
fn restart_url(state: &AppState, req: Option<&LogoutRequest>) -> Url {
    let original = req
        .and_then(|r| r.request_url.as_deref())
        .and_then(|raw| state.hydra.resolve_public(raw).ok())
        .filter(|u| !u.query_pairs().any(|(k, _)| k == "id_token_hint"));
    original.unwrap_or_else(|| {
        let mut bare = state.hydra.public_url().clone();
        let path = format!(
            "{}/oauth2/sessions/logout",
            bare.path().trim_end_matches('/')
        );
        bare.set_path(&path);
        bare.set_query(None);
        bare
    })
}

fn audit(state: &AppState, req: &LogoutRequest, outcome: &'static str) {
    state.metrics.decision(outcome);
    tracing::info!(
        target: "audit",
        subject = %req.subject,
        client_id = req.client.as_ref().map(|c| c.client_id.as_str()).unwrap_or(""),
        rp_initiated = req.rp_initiated,
        outcome,
        "logout decision"
    );
}

/// `GET /logout?logout_challenge=…`.
///
/// `binding` is the browser's CSRF cookie value the ticket gets sealed to.
/// `accept_language` is the browser's header, for choosing the page language.
pub async fn prompt(
    state: &AppState,
    raw_challenge: &str,
    binding: &Binding,
    accept_language: Option<&str>,
) -> Result<PromptStep, AppError> {
    let challenge = LogoutChallenge::parse(raw_challenge).ok_or(AppError::BadRequest)?;
    let req = match state
        .hydra
        .get_logout_request(&challenge)
        .await
        .map_err(|e| fault("get", e))?
    {
        GetLogout::Pending(req) => req,
        GetLogout::Completed { redirect_to } => return Ok(PromptStep::Redirect(redirect_to)),
        GetLogout::NotFound => return Err(AppError::NotFound),
        GetLogout::Expired => return Ok(PromptStep::Expired(restart_url(state, None))),
    };
    if is_expired(&req) {
        return Ok(PromptStep::Expired(restart_url(state, Some(&req))));
    }
    if should_skip(state, &req) {
        return match state
            .hydra
            .accept_logout_request(&challenge)
            .await
            .map_err(|e| fault("accept", e))?
        {
            AcceptLogout::Accepted { redirect_to } => {
                audit(state, &req, "skipped");
                Ok(PromptStep::Redirect(redirect_to))
            }
            AcceptLogout::NotFound => Err(AppError::NotFound),
            AcceptLogout::Expired => Err(AppError::Expired),
        };
    }
    let ticket = state.tickets.seal(&challenge, binding).ok_or_else(|| {
        tracing::error!("could not seal a ticket (no randomness?)");
        AppError::Unavailable
    })?;
    let lang = crate::i18n::negotiate(
        request_param(&req, "ui_locales").as_deref(),
        accept_language,
        state.config.default_lang,
    );
    Ok(PromptStep::Ask(LogoutPrompt {
        ticket,
        lang: lang.tag().to_owned(),
        subject: req.subject.clone(),
        app: req
            .client
            .as_ref()
            .filter(|_| req.rp_initiated)
            .map(app_info),
    }))
}

/// `POST` of the prompt's form. Returns where the browser goes next.
///
/// `binding` is the CSRF cookie the browser sent with the form, if any.
pub async fn decide(
    state: &AppState,
    ticket: &str,
    binding: Option<&Binding>,
    decision: Decision,
) -> Result<Url, DecideFailure> {
    let challenge = state
        .tickets
        .open(ticket, binding)
        .map_err(|e| DecideFailure {
            error: match e {
                TicketError::Invalid | TicketError::WrongBrowser => AppError::Forbidden,
                TicketError::Expired => AppError::Expired,
            },
            challenge: None,
        })?;
    let fail = |error| DecideFailure::new(error, &challenge);

    // Re-read before acting: a request Hydra reports as rejected or unknown must
    // never be accepted by us (Hydra would revive it), and "stay signed in" needs
    // the relying party's return address.
    let req = match state
        .hydra
        .get_logout_request(&challenge)
        .await
        .map_err(|e| fail(fault("get", e)))?
    {
        GetLogout::Pending(req) => req,
        // Already signed out (e.g. a back-button resubmit): continue where Hydra says.
        GetLogout::Completed { redirect_to } => return Ok(redirect_to),
        GetLogout::NotFound => return Err(fail(AppError::NotFound)),
        GetLogout::Expired => return Err(fail(AppError::Expired)),
    };
    if is_expired(&req) {
        return Err(fail(AppError::Expired));
    }

    match decision {
        Decision::Accept => match state
            .hydra
            .accept_logout_request(&challenge)
            .await
            .map_err(|e| fail(fault("accept", e)))?
        {
            AcceptLogout::Accepted { redirect_to } => {
                audit(state, &req, "accepted");
                Ok(redirect_to)
            }
            AcceptLogout::NotFound => Err(fail(AppError::NotFound)),
            AcceptLogout::Expired => Err(fail(AppError::Expired)),
        },
        Decision::Reject => match state
            .hydra
            .reject_logout_request(&challenge)
            .await
            .map_err(|e| fail(fault("reject", e)))?
        {
            RejectLogout::Rejected => {
                audit(state, &req, "rejected");
                let location = return_location(state, &req);
                // Relative locations are ours ("/stayed"); resolve for the Url type.
                Url::parse(&location)
                    .or_else(|_| Url::parse("http://self.invalid/").and_then(|b| b.join(&location)))
                    .map_err(|_| fail(AppError::Unavailable))
            }
            RejectLogout::NotFound => Err(fail(AppError::NotFound)),
            RejectLogout::Expired => Err(fail(AppError::Expired)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(request_url: &str, client_uri: Option<&str>) -> LogoutRequest {
        LogoutRequest {
            subject: "alice".into(),
            request_url: Some(request_url.into()),
            rp_initiated: true,
            client: Some(OAuth2Client {
                client_id: "app".into(),
                client_uri: client_uri.map(Into::into),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn post_logout_target_keeps_state() {
        let r = req(
            "/oauth2/sessions/logout?id_token_hint=eyJ&post_logout_redirect_uri=https%3A%2F%2Frp.test%2Fbye%3Fx%3D1&state=s%20t",
            None,
        );
        assert_eq!(
            post_logout_target(&r).unwrap().as_str(),
            "https://rp.test/bye?x=1&state=s+t"
        );
    }

    #[test]
    fn post_logout_target_ignores_unsafe_schemes_and_absence() {
        let r = req(
            "/oauth2/sessions/logout?post_logout_redirect_uri=javascript%3Aalert(1)",
            None,
        );
        assert!(post_logout_target(&r).is_none());
        assert!(post_logout_target(&req("/oauth2/sessions/logout", None)).is_none());
    }

    #[test]
    fn safe_http_url_only_allows_http_and_https() {
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<b>",
            "JaVaScRiPt:alert(1)",
            "//evil.test",
            "",
            "   ",
            "file:///etc/passwd",
        ] {
            assert!(safe_http_url(Some(bad)).is_none(), "{bad}");
        }
        assert!(safe_http_url(Some("https://app.test/")).is_some());
        assert!(safe_http_url(Some(&format!("https://a.test/{}", "x".repeat(3000)))).is_none());
    }

    #[test]
    fn app_name_falls_back_to_client_id_and_is_bounded() {
        let mut c = OAuth2Client {
            client_id: "my-client".into(),
            client_name: Some("  ".into()),
            ..Default::default()
        };
        assert_eq!(app_info(&c).name, "my-client");
        c.client_name = Some("x".repeat(500));
        assert_eq!(app_info(&c).name.chars().count(), 120);
    }

    #[test]
    fn expiry_ignores_null_and_go_zero_time() {
        let mut r = LogoutRequest::default();
        assert!(!is_expired(&r));
        r.expires_at = Some("0001-01-01T00:00:00Z".into());
        assert!(!is_expired(&r));
        r.expires_at = Some("2001-01-01T00:00:00Z".into());
        assert!(is_expired(&r));
        r.expires_at = Some("2999-01-01T00:00:00Z".into());
        assert!(!is_expired(&r));
    }

    #[test]
    fn failure_locations_never_lose_the_challenge_when_known() {
        let c = LogoutChallenge::parse("a+b").unwrap();
        let f = DecideFailure::new(AppError::Unavailable, &c);
        assert_eq!(
            f.fallback_location(),
            "/logout?logout_challenge=a%2Bb&failed=1"
        );
        let f = DecideFailure::new(AppError::NotFound, &c);
        assert_eq!(f.fallback_location(), "/logout?logout_challenge=a%2Bb");
        let f = DecideFailure {
            error: AppError::Forbidden,
            challenge: None,
        };
        assert_eq!(f.fallback_location(), "/error?error=forbidden");
    }
}
