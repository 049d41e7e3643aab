//! The logout story, independent of HTTP plumbing: turn a challenge into what the
//! page shows, and a decision into where the browser goes next.

use std::sync::Arc;

use time::{format_description::well_known::Rfc3339, OffsetDateTime};
use url::Url;

use axum::extract::FromRef;

use super::{
    decisions::Decisions,
    go_query,
    ticket::{Binding, TicketError, TicketKey},
};
use crate::ory::{
    hydra::{
        AcceptLogout, GetLogout, Gone, HydraAdmin, HydraError, LogoutRequest, OAuth2Client,
        RejectLogout,
    },
    identity::IdentityAdmin,
};
use crate::server::{config::LogoutPolicy, metrics::Metrics};
use crate::{
    error::AppError,
    i18n::Lang,
    logout::{challenge::LogoutChallenge, AppInfo, Decision, LogoutPrompt},
};

/// What the logout flow uses, and nothing else: built once at start-up and
/// taken from the application's state as an `Arc<Flow>` with [`FromRef`]
/// (`server::state`), so the flow's entry points accept any state an
/// `Arc<Flow>` can be taken from (the whole `AppState`, or an `Arc<Flow>`), and
/// taking it costs one reference count per request.
#[derive(Clone)]
pub struct Flow {
    /// Hydra's admin API.
    pub hydra: HydraAdmin,
    /// The identity lookup for display names; `None` when not configured.
    pub identity: Option<IdentityAdmin>,
    /// Seals challenges into form tickets.
    pub tickets: TicketKey,
    /// Decisions on one challenge run one at a time (`logout::ssr::decisions`).
    pub decisions: Decisions,
    /// Where decisions and Hydra calls are counted.
    pub metrics: Metrics,
    /// `HOME_URL`, `SKIP_LOGOUT_CONSENT_CLIENTS`, `APP_ONLY_REVOKES_CONSENT`.
    pub policy: LogoutPolicy,
    /// `DEFAULT_LOCALE`: the prompt's language when nothing else names one.
    pub default_lang: Lang,
}

/// What to do with a `GET /logout`.
#[derive(Debug)]
pub enum PromptStep {
    Ask(LogoutPrompt),
    Redirect(Url),
    /// Expired before a decision; the URL starts a new logout at Hydra.
    Expired(Url),
}

/// Where the browser goes after a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Another site: Hydra (to finish signing out), the relying party's registered
    /// post-logout address, its `client_uri`, or `HOME_URL`.
    External(Url),
    /// One of this app's own pages, as an absolute path with query
    /// (e.g. `/stayed?signed_out=app`).
    Own(&'static str),
}

impl Next {
    /// The `Location` header value.
    pub fn location(&self) -> &str {
        match self {
            Next::External(url) => url.as_str(),
            Next::Own(path) => path,
        }
    }
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
                // Forbidden with a known challenge: an authentic ticket without
                // this browser's cookie; the prompt hands out a fresh pair.
                if self.error.is_retryable() || self.error == AppError::Forbidden {
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

/// Whole minutes (rounded up) from `now` until the request's `expires_at`; `None`
/// without one (or once it has passed, which `is_expired` handles).
fn minutes_left(req: &LogoutRequest, now: OffsetDateTime) -> Option<u32> {
    let seconds = (parse_time(req.expires_at.as_deref())? - now).whole_seconds();
    (seconds > 0).then(|| u32::try_from((seconds + 59) / 60).unwrap_or(u32::MAX))
}

/// Hydra v2.3 sets `expires_at` (for user-initiated logouts) but only checks it
/// when the browser comes back; we check it before asking the question.
fn is_expired(req: &LogoutRequest) -> bool {
    parse_time(req.expires_at.as_deref()).is_some_and(|t| t <= OffsetDateTime::now_utc())
}

fn should_skip(policy: &LogoutPolicy, req: &LogoutRequest) -> bool {
    // A user-initiated (or crafted) link must never sign anyone out silently.
    initiating_client(req).is_some_and(|c| {
        c.skip_logout_consent == Some(true) || policy.skip_consent_clients.contains(&c.client_id)
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
    let cleaned: Option<String> = client.client_name.as_deref().map(|n| {
        n.chars()
            .filter(|c| !crate::i18n::is_bidi_control(*c))
            .collect()
    });
    let name = cleaned
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
        // https only: the page's CSP (`img-src 'self' https:`) blocks anything else.
        logo_uri: safe_http_url(client.logo_uri.as_deref())
            .filter(|u| u.scheme() == "https")
            .map(String::from),
        client_uri: link(&client.client_uri),
        policy_uri: link(&client.policy_uri),
        tos_uri: link(&client.tos_uri),
    }
}

/// The query of the request's `request_url`, decoded as Hydra's Go code decodes
/// it (`r.ParseForm()`): see [`go_query`].
fn request_query(req: &LogoutRequest) -> Vec<go_query::Pair> {
    let raw = req.request_url.as_deref().unwrap_or_default();
    let query = raw.split_once('?').map_or("", |(_, q)| q);
    go_query::parse(query.split('#').next().unwrap_or_default())
}

/// A query parameter of the request's `request_url` (e.g. `ui_locales`, which
/// Hydra keeps there without acting on it); the first value, as Go's `Get`.
fn request_param(req: &LogoutRequest, name: &str) -> Option<String> {
    go_query::get(&request_query(req), name).map(|v| String::from_utf8_lossy(v).into_owned())
}

/// The client that started this logout, when a relying party started it: Hydra
/// sets `client` only for RP-initiated logouts (an `id_token_hint` it verified),
/// and `rp_initiated` says so explicitly.
fn initiating_client(req: &LogoutRequest) -> Option<&OAuth2Client> {
    req.client.as_ref().filter(|_| req.rp_initiated)
}

/// Whether the end-session request contradicts itself: a `client_id` parameter
/// that names another client than the one Hydra found from the ID token's `aud`.
/// OpenID Connect RP-Initiated Logout 1.0 §2: "the OP MUST verify that it
/// matches the one used to issue the ID Token"; Hydra v2.3.0 ignores the
/// parameter, so we check it.
fn is_inconsistent(req: &LogoutRequest) -> bool {
    let Some(client) = initiating_client(req) else {
        return false;
    };
    // Every value counts: Hydra would read the first, a relying party the last.
    go_query::get_all(&request_query(req), "client_id")
        .any(|id| !id.is_empty() && id != client.client_id.as_bytes())
}

/// The relying party's own return address, only when Hydra registered it for the
/// client that started the logout.
///
/// `request_url` is not what Hydra validated: Hydra reads the end-session
/// parameters with Go's `r.ParseForm()` (a POST body wins over the query) but
/// stores only the path and query as `request_url`, so its
/// `post_logout_redirect_uri` may be one Hydra never saw. It is used only when
/// the logout is RP-initiated and it is *exactly* (byte for byte, as Hydra
/// compares) one of the client's registered `post_logout_redirect_uris`.
fn registered_return_address(req: &LogoutRequest) -> Option<Url> {
    let client = initiating_client(req)?;
    let query = request_query(req);
    let requested = go_query::get(&query, "post_logout_redirect_uri")?;
    let registered = client
        .post_logout_redirect_uris
        .as_deref()?
        .iter()
        .find(|uri| uri.as_bytes() == requested)?;
    let mut target = safe_http_url(Some(registered))?;
    // As Hydra's `urlx.SetQuery`: the registered address's own query, re-encoded
    // by Go's rules, with `state` set when the request carried a non-empty one.
    let state = go_query::get(&query, "state").filter(|s| !s.is_empty());
    let own_query = registered
        .split('#')
        .next()
        .and_then(|r| r.split_once('?'))
        .map_or("", |(_, q)| q);
    let encoded = go_query::set(own_query, "state", state);
    target.set_query((!encoded.is_empty()).then_some(encoded.as_str()));
    Some(target)
}

/// Our page for "only this app" when there is no better place to go.
const SIGNED_OUT_OF_APP: &str = "/stayed?signed_out=app";
/// Our page for a cancelled user-initiated logout.
const STAYED: &str = "/stayed";

/// Where "only {App}" sends the user after Hydra rejected the logout: the app's
/// registered post-logout address (with `state`), else its `client_uri`
/// (http/https), else `HOME_URL`, else our own page. Never a URL from the form.
pub fn app_only_location(policy: &LogoutPolicy, req: &LogoutRequest) -> Next {
    registered_return_address(req)
        .or_else(|| initiating_client(req).and_then(|c| safe_http_url(c.client_uri.as_deref())))
        .or_else(|| policy.home_url.clone())
        .map_or(Next::Own(SIGNED_OUT_OF_APP), Next::External)
}

/// Where "cancel" sends the user after a user-initiated logout: `HOME_URL`, else
/// our own page. Never anything from `request_url`: nobody registered it.
pub fn cancel_location(policy: &LogoutPolicy) -> Next {
    policy
        .home_url
        .clone()
        .map_or(Next::Own(STAYED), Next::External)
}

/// Where to start over after expiry: the original `request_url` when it carries no
/// ID token (user-initiated logouts, the only ones Hydra v2.3 sets an expiry on),
/// else Hydra's bare logout endpoint. Both re-create a request at Hydra.
fn restart_url(hydra: &HydraAdmin, req: Option<&LogoutRequest>) -> Url {
    let original = req
        .and_then(|r| r.request_url.as_deref())
        .and_then(|raw| hydra.resolve_public(raw).ok())
        .filter(|u| !u.query_pairs().any(|(k, _)| k == "id_token_hint"));
    original.unwrap_or_else(|| bare_end_session_url(hydra))
}

/// Hydra's end-session endpoint without parameters,
/// `{HYDRA_PUBLIC_URL}/oauth2/sessions/logout` (path prefix kept): a user-initiated
/// logout, which Hydra sends to our prompt, so nothing happens without a confirmation.
pub fn bare_end_session_url(hydra: &HydraAdmin) -> Url {
    let mut bare = hydra.public_url().clone();
    let path = format!(
        "{}/oauth2/sessions/logout",
        bare.path().trim_end_matches('/')
    );
    bare.set_path(&path);
    bare.set_query(None);
    bare
}

/// One `audit` line and one `logout_ui_decisions_total` count per decision.
/// `outcome`: `accepted` (signed out everywhere), `app_only` (signed out of the
/// initiating app only), `cancelled` (user-initiated logout cancelled), `skipped`
/// (accepted without asking, by policy), `inconsistent` (refused: `client_id`
/// mismatch).
fn audit(metrics: &Metrics, req: &LogoutRequest, outcome: &'static str) {
    metrics.decision(outcome);
    // Plain `&str` values, never `%`: the default format writes them quoted and
    // escaped (a newline in a subject cannot start a forged line), JSON escapes
    // them anyway. `sid` and `request_id` let an operator correlate the decision.
    tracing::info!(
        target: "audit",
        subject = req.subject.as_str(),
        sid = req.sid.as_deref().unwrap_or(""),
        client_id = req.client.as_ref().map(|c| c.client_id.as_str()).unwrap_or(""),
        rp_initiated = req.rp_initiated,
        outcome,
        request_id = crate::server::plumbing::telemetry::current_request_id().as_deref().unwrap_or(""),
        "logout decision"
    );
}

/// Rejects a self-contradicting request at Hydra, so that neither button can be
/// pressed on it later, and returns the error page's error. Hydra's session is
/// kept: nothing the user did not ask for is signed out.
async fn refuse_inconsistent(
    flow: &Flow,
    challenge: &LogoutChallenge,
    req: &LogoutRequest,
) -> AppError {
    match flow.hydra.reject_logout_request(challenge).await {
        Ok(RejectLogout::Rejected | RejectLogout::Gone(Gone::NotFound)) => {
            audit(&flow.metrics, req, "inconsistent");
            AppError::Inconsistent
        }
        Ok(RejectLogout::Gone(Gone::Expired)) => AppError::Expired,
        Err(e) => fault("reject", e),
    }
}

/// Who asks for the prompt page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// A browser navigating to it: a client that skips the prompt is accepted.
    Navigation,
    /// `HEAD`, a prefetch or prerender: nobody chose anything, so nothing is
    /// done at Hydra; the page is rendered as if the prompt were shown.
    LookOnly,
}

/// `GET /logout?logout_challenge=…`.
///
/// `binding` is the browser's CSRF cookie value the ticket gets sealed to.
/// `accept_language` is the browser's header, for choosing the page language.
pub async fn prompt<S>(
    state: &S,
    raw_challenge: &str,
    binding: &Binding,
    accept_language: Option<&str>,
) -> Result<PromptStep, AppError>
where
    Arc<Flow>: FromRef<S>,
{
    prompt_for(
        state,
        raw_challenge,
        binding,
        accept_language,
        Intent::Navigation,
    )
    .await
}

/// [`prompt`] for a given [`Intent`]: a look-only request never accepts.
pub async fn prompt_for<S>(
    state: &S,
    raw_challenge: &str,
    binding: &Binding,
    accept_language: Option<&str>,
    intent: Intent,
) -> Result<PromptStep, AppError>
where
    Arc<Flow>: FromRef<S>,
{
    let flow = &*Arc::<Flow>::from_ref(state);
    let challenge = LogoutChallenge::parse(raw_challenge).ok_or(AppError::BadRequest)?;
    let req = match flow
        .hydra
        .get_logout_request(&challenge)
        .await
        .map_err(|e| fault("get", e))?
    {
        GetLogout::Pending(req) => req,
        GetLogout::Completed { redirect_to } => return Ok(PromptStep::Redirect(redirect_to)),
        GetLogout::Gone(Gone::Expired) => {
            return Ok(PromptStep::Expired(restart_url(&flow.hydra, None)))
        }
        GetLogout::Gone(gone) => return Err(gone.into()),
    };
    if is_expired(&req) {
        return Ok(PromptStep::Expired(restart_url(&flow.hydra, Some(&req))));
    }
    if is_inconsistent(&req) {
        // Refusing rejects at Hydra: only for a real navigation.
        return Err(match intent {
            Intent::Navigation => refuse_inconsistent(flow, &challenge, &req).await,
            Intent::LookOnly => AppError::Inconsistent,
        });
    }
    if intent == Intent::Navigation && should_skip(&flow.policy, &req) {
        // Hydra answers get with the pending request until the browser follows
        // the verifier, and accepts again: a reload or a second tab must not
        // accept (and audit) a second time. Like a decision, one at a time, and
        // an accept here is remembered.
        let _turn = flow.decisions.turn(&challenge).await;
        if let Some(redirect_to) = flow.decisions.accepted(&challenge) {
            return Ok(PromptStep::Redirect(redirect_to));
        }
        return match flow
            .hydra
            .accept_logout_request(&challenge)
            .await
            .map_err(|e| fault("accept", e))?
        {
            AcceptLogout::Accepted { redirect_to } => {
                audit(&flow.metrics, &req, "skipped");
                flow.decisions.remember_accepted(&challenge, &redirect_to);
                Ok(PromptStep::Redirect(redirect_to))
            }
            AcceptLogout::Gone(gone) => Err(gone.into()),
        };
    }
    let ticket = flow.tickets.seal(&challenge, binding).ok_or_else(|| {
        tracing::error!("could not seal a ticket (no randomness?)");
        AppError::Unavailable
    })?;
    let lang = crate::i18n::negotiate(
        request_param(&req, "ui_locales").as_deref(),
        accept_language,
        flow.default_lang,
    );
    // Bounded, and never an error: without a name the page shows the subject.
    let person = match &flow.identity {
        Some(identity) => identity.lookup(&req.subject).await,
        None => None,
    };
    Ok(PromptStep::Ask(LogoutPrompt {
        ticket,
        lang: lang.tag().to_owned(),
        subject: req.subject.clone(),
        person,
        expires_in_minutes: minutes_left(&req, OffsetDateTime::now_utc()),
        app: initiating_client(&req).map(app_info),
        app_only_revokes: flow.policy.app_only_revokes_consent,
    }))
}

/// `POST` of the prompt's form. Returns where the browser goes next.
///
/// `binding` is the CSRF cookie the browser sent with the form, if any.
pub async fn decide<S>(
    state: &S,
    ticket: &str,
    binding: Option<&Binding>,
    decision: Decision,
) -> Result<Next, DecideFailure>
where
    Arc<Flow>: FromRef<S>,
{
    let bindings = binding.map(std::slice::from_ref).unwrap_or_default();
    decide_with(state, ticket, bindings, decision).await
}

/// [`decide`] with every CSRF cookie value the browser sent (the ticket opens
/// if it was sealed for any of them). A ticket that is authentic but not this
/// browser's, or too old, still names its challenge, so the failure leads back
/// to the prompt rather than to a dead end.
pub async fn decide_with<S>(
    state: &S,
    ticket: &str,
    bindings: &[Binding],
    decision: Decision,
) -> Result<Next, DecideFailure>
where
    Arc<Flow>: FromRef<S>,
{
    let flow = &*Arc::<Flow>::from_ref(state);
    let challenge = flow
        .tickets
        .open_any(ticket, bindings)
        .map_err(|e| match e {
            TicketError::Invalid => DecideFailure {
                error: AppError::Forbidden,
                challenge: None,
            },
            TicketError::WrongBrowser(challenge) => {
                DecideFailure::new(AppError::Forbidden, &challenge)
            }
            TicketError::Expired(challenge) => DecideFailure::new(AppError::Expired, &challenge),
        })?;
    let fail = |error| DecideFailure::new(error, &challenge);

    // One decision per challenge at a time in this process, and an accept here is
    // final: a second, different choice must neither revive nor undo it.
    let _turn = flow.decisions.turn(&challenge).await;
    if let Some(redirect_to) = flow.decisions.accepted(&challenge) {
        return Ok(Next::External(redirect_to));
    }

    // Re-read before acting: a request Hydra reports as rejected or unknown must
    // never be accepted by us (Hydra would revive it), and "stay signed in" needs
    // the relying party's return address.
    let req = match flow
        .hydra
        .get_logout_request(&challenge)
        .await
        .map_err(|e| fail(fault("get", e)))?
    {
        GetLogout::Pending(req) => req,
        // Already signed out (e.g. a back-button resubmit): continue where Hydra says.
        GetLogout::Completed { redirect_to } => return Ok(Next::External(redirect_to)),
        GetLogout::Gone(gone) => return Err(fail(gone.into())),
    };
    if is_expired(&req) {
        return Err(fail(AppError::Expired));
    }

    if is_inconsistent(&req) {
        return Err(fail(refuse_inconsistent(flow, &challenge, &req).await));
    }

    match (decision, initiating_client(&req)) {
        (Decision::Accept, _) => match flow
            .hydra
            .accept_logout_request(&challenge)
            .await
            .map_err(|e| fail(fault("accept", e)))?
        {
            AcceptLogout::Accepted { redirect_to } => {
                audit(&flow.metrics, &req, "accepted");
                flow.decisions.remember_accepted(&challenge, &redirect_to);
                Ok(Next::External(redirect_to))
            }
            AcceptLogout::Gone(gone) => Err(fail(gone.into())),
        },
        // "Only {App}": the app has dropped its own session already; end its
        // tokens, keep the single sign-on session. Revocation comes first and is
        // idempotent, and the request stays pending until the reject: after a
        // failure of either step the same choice can be sent again and redoes
        // exactly what is missing. Never reported as done when it was not.
        (Decision::Reject, Some(client)) => {
            if flow.policy.app_only_revokes_consent {
                flow.hydra
                    .revoke_consent_sessions(&req.subject, &client.client_id)
                    .await
                    .map_err(|e| fail(fault("revoke_consent", e)))?;
            }
            reject(flow, &challenge, &req, "app_only")
                .await
                .map_err(fail)?;
            Ok(app_only_location(&flow.policy, &req))
        }
        // "Cancel" of a logout the user started: nothing changes.
        (Decision::Reject, None) => {
            reject(flow, &challenge, &req, "cancelled")
                .await
                .map_err(fail)?;
            Ok(cancel_location(&flow.policy))
        }
    }
}

/// `rejectOAuth2LogoutRequest`, audited as `outcome` when done.
async fn reject(
    flow: &Flow,
    challenge: &LogoutChallenge,
    req: &LogoutRequest,
    outcome: &'static str,
) -> Result<(), AppError> {
    match flow
        .hydra
        .reject_logout_request(challenge)
        .await
        .map_err(|e| fault("reject", e))?
    {
        RejectLogout::Rejected => {
            audit(&flow.metrics, req, outcome);
            Ok(())
        }
        RejectLogout::Gone(gone) => Err(gone.into()),
    }
}

#[cfg(test)]
mod tests;
