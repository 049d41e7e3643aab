//! Integration tests against a real Ory Hydra (`scripts/hydra.sh start`), the
//! one integration-test binary of this crate.
//!
//! Each test creates its own OAuth2 client and logs in through Hydra's real
//! authorization-code flow (login and consent accepted through the admin API),
//! then starts an RP-initiated logout to obtain a real logout challenge.

#![cfg(feature = "ssr")]
// Test code: a failed step should stop the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Duration;

use axum::body::Body;
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use hydra_logout_ui::{
    error::AppError,
    logout::{
        challenge::LogoutChallenge,
        ssr::flow::{self, PromptStep},
        Decision,
    },
    ory::hydra::GetLogout,
    server::{build_state, config::Config, router, state::AppState},
};
use leptos::config::LeptosOptions;
use serde_json::{json, Value};
use tower::ServiceExt;
use url::Url;

/// Issue 16: what "sign out everywhere", "only {App}" and "cancel" do.
#[path = "integration/decision.rs"]
mod decision;

/// Hostile and unusual requests (issue 11), one test per kind.
#[path = "integration/hostile.rs"]
mod hostile;

/// The browser binding (CSRF cookie value) the flow-level tests present.
const BINDING: [u8; 16] = [42; 16];

/// Which Hydra a test talks to: the main one, or the one with short-lived
/// requests (`TTL_LOGIN_CONSENT_REQUEST=2s`) for expiry tests.
#[derive(Clone, Copy)]
enum Hydra {
    Main,
    ShortTtl,
    /// Configured with `urls.identity_provider.url` = Kratos' admin API, so that
    /// completing a logout also ends the Kratos session.
    WithKratos,
}

impl Hydra {
    fn admin(self) -> String {
        match self {
            Hydra::Main => std::env::var("HYDRA_ADMIN_URL"),
            Hydra::ShortTtl => std::env::var("HYDRA_EXPIRY_ADMIN_URL"),
            Hydra::WithKratos => std::env::var("HYDRA_KRATOS_ADMIN_URL"),
        }
        .unwrap_or_else(|_| match self {
            Hydra::Main => "http://127.0.0.1:4445".into(),
            Hydra::ShortTtl => "http://127.0.0.1:4455".into(),
            Hydra::WithKratos => "http://127.0.0.1:4495".into(),
        })
    }
    fn public(self) -> String {
        match self {
            Hydra::Main => std::env::var("HYDRA_PUBLIC_URL"),
            Hydra::ShortTtl => std::env::var("HYDRA_EXPIRY_PUBLIC_URL"),
            Hydra::WithKratos => std::env::var("HYDRA_KRATOS_PUBLIC_URL"),
        }
        .unwrap_or_else(|_| match self {
            Hydra::Main => "http://127.0.0.1:4444".into(),
            Hydra::ShortTtl => "http://127.0.0.1:4454".into(),
            Hydra::WithKratos => "http://127.0.0.1:4494".into(),
        })
    }
}

fn public_url() -> String {
    Hydra::Main.public()
}

fn state() -> AppState {
    state_for(Hydra::Main)
}

/// State from exactly these environment variables (tests of configuration).
fn state_from(env: &[(&str, &str)]) -> AppState {
    struct Pairs<'a>(&'a [(&'a str, &'a str)]);
    impl hydra_logout_ui::server::config::Env for Pairs<'_> {
        fn get(&self, key: &str) -> Option<String> {
            self.0
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        }
    }
    let config = Config::from_env(&Pairs(env)).unwrap();
    let options = LeptosOptions::builder()
        .output_name("hydra-logout-ui")
        .build();
    build_state(config, options).unwrap()
}

/// Logs in a fresh relying party, starts its logout and renders the prompt:
/// the relying party, the challenge, the state and the form's ticket.
async fn prompted(name: &str, client_name: &str, rp_state: &str) -> (Rp, String, AppState, String) {
    let rp = Rp::login(name, client_name).await;
    let challenge = rp.start_logout(rp_state).await;
    let state = state();
    let ticket = ticket_of(
        flow::prompt(&state, &challenge, &BINDING, None)
            .await
            .unwrap(),
    );
    (rp, challenge, state, ticket)
}

fn state_for(hydra: Hydra) -> AppState {
    let admin = hydra.admin();
    let public = hydra.public();
    let mut config = Config::for_tests(admin.parse().unwrap(), public.parse().unwrap());
    config.policy.home_url = Some("https://home.example/".parse().unwrap());
    config.operations.ticket_secret = Some("integration-test-secret-0123456789abcdef".into());
    let options = LeptosOptions::builder()
        .output_name("hydra-logout-ui")
        .build();
    build_state(config, options).unwrap()
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{nanos}")
}

/// A relying party registered in Hydra, logged in through a cookie-keeping client.
struct Rp {
    hydra: Hydra,
    client_id: String,
    post_logout: String,
    browser: reqwest::Client,
    id_token: String,
    /// Only when the client asked for `offline_access`.
    refresh_token: Option<String>,
    admin: reqwest::Client,
}

/// A cookie-keeping client that does not follow redirects: one browser.
fn new_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn ensure_hydra(admin: &reqwest::Client, hydra: Hydra) {
    let ready = admin
        .get(format!("{}/health/ready", hydra.admin()))
        .send()
        .await;
    assert!(
        ready.is_ok_and(|r| r.status().is_success()),
        "Hydra's admin API at {} is not ready: start it with scripts/test.sh (or scripts/hydra.sh start)",
        hydra.admin()
    );
}

impl Rp {
    async fn login(name: &str, client_name: &str) -> Rp {
        Rp::login_at(Hydra::Main, name, client_name).await
    }

    async fn login_at(hydra: Hydra, name: &str, client_name: &str) -> Rp {
        Rp::login_as(hydra, &unique(name), client_name, json!({}), None).await
    }

    /// Logs in with `accept` as the body of Hydra's `acceptOAuth2LoginRequest`
    /// (another subject, `identity_provider_session_id`, …).
    async fn login_accepting(hydra: Hydra, name: &str, client_name: &str, accept: Value) -> Rp {
        Rp::login_with(hydra, &unique(name), client_name, json!({}), None, accept).await
    }

    /// Registers the client `client_id` (this file's defaults, with the fields of
    /// `extra` replacing them) and signs in through Hydra's authorization-code
    /// flow, in `browser` (a cookie-keeping client; `None`: a new one). Asks for
    /// the client's `scope`; a refresh token comes back with `offline_access`.
    async fn login_as(
        hydra: Hydra,
        client_id: &str,
        client_name: &str,
        extra: Value,
        browser: Option<reqwest::Client>,
    ) -> Rp {
        let accept = json!({"subject": "alice", "remember": true, "remember_for": 0});
        Rp::login_with(hydra, client_id, client_name, extra, browser, accept).await
    }

    /// [`Rp::login_as`] with `accept` as the login accept body.
    async fn login_with(
        hydra: Hydra,
        client_id: &str,
        client_name: &str,
        extra: Value,
        browser: Option<reqwest::Client>,
        accept: Value,
    ) -> Rp {
        let admin = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        ensure_hydra(&admin, hydra).await;
        let client_id = client_id.to_owned();
        let redirect = format!("http://127.0.0.1:5599/{client_id}/callback");
        let mut client = json!({
            "client_id": client_id,
            "client_secret": "integration-test-secret",
            "client_name": client_name,
            "client_uri": "https://app.example/",
            "redirect_uris": [redirect],
            "post_logout_redirect_uris": [format!("http://127.0.0.1:5599/{client_id}/logged-out")],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "scope": "openid",
            "token_endpoint_auth_method": "client_secret_post",
        });
        if let (Some(client), Value::Object(extra)) = (client.as_object_mut(), extra) {
            client.extend(extra);
        }
        let post_logout = client["post_logout_redirect_uris"][0]
            .as_str()
            .unwrap()
            .to_owned();
        let scope = client["scope"].as_str().unwrap().to_owned();
        let created = admin
            .post(format!("{}/admin/clients", hydra.admin()))
            .json(&client)
            .send()
            .await
            .unwrap();
        assert_eq!(
            created.status(),
            StatusCode::CREATED,
            "{:?}",
            created.text().await
        );

        let browser = browser.unwrap_or_else(new_browser);
        let mut next = Url::parse(&format!("{}/oauth2/auth", hydra.public())).unwrap();
        next.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &client_id)
            .append_pair("redirect_uri", &redirect)
            .append_pair("scope", &scope)
            .append_pair("state", "state-0123456789")
            .append_pair("nonce", "nonce-0123456789");
        let mut code = None;
        for _ in 0..10 {
            let res = browser.get(next.clone()).send().await.unwrap();
            let location = res
                .headers()
                .get(header::LOCATION)
                .unwrap_or_else(|| panic!("no redirect from {next}: {}", res.status()))
                .to_str()
                .unwrap()
                .to_owned();
            let loc = next.join(&location).unwrap();
            let param = |k: &str| {
                loc.query_pairs()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.into_owned())
            };
            if let Some(c) = param("login_challenge") {
                let r: Value = admin
                    .put(format!(
                        "{}/admin/oauth2/auth/requests/login/accept?login_challenge={}",
                        hydra.admin(),
                        urlencode(&c)
                    ))
                    .json(&accept)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                next = Url::parse(r["redirect_to"].as_str().unwrap()).unwrap();
            } else if let Some(c) = param("consent_challenge") {
                let r: Value = admin
                    .put(format!(
                        "{}/admin/oauth2/auth/requests/consent/accept?consent_challenge={}",
                        hydra.admin(),
                        urlencode(&c)
                    ))
                    .json(&json!({
                        "grant_scope": scope.split(' ').collect::<Vec<_>>(),
                        "remember": true,
                    }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                next = Url::parse(r["redirect_to"].as_str().unwrap()).unwrap();
            } else if loc.as_str().starts_with(&redirect) {
                code = param("code");
                break;
            } else {
                next = loc;
            }
        }
        let code = code.expect("the authorization flow did not return a code");
        let tokens: Value = browser
            .post(format!("{}/oauth2/token", hydra.public()))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", redirect.as_str()),
                ("client_id", client_id.as_str()),
                ("client_secret", "integration-test-secret"),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id_token = tokens["id_token"].as_str().expect("id_token").to_owned();
        let refresh_token = tokens["refresh_token"].as_str().map(str::to_owned);
        Rp {
            hydra,
            client_id,
            post_logout,
            browser,
            id_token,
            refresh_token,
            admin,
        }
    }

    /// Starts an RP-initiated logout; returns the challenge Hydra sends to the UI.
    async fn start_logout(&self, state: &str) -> String {
        self.start_logout_with(state, &[]).await
    }

    /// The same, with extra parameters (e.g. `ui_locales`).
    async fn start_logout_with(&self, state: &str, extra: &[(&str, &str)]) -> String {
        let mut url =
            Url::parse(&format!("{}/oauth2/sessions/logout", self.hydra.public())).unwrap();
        url.query_pairs_mut()
            .append_pair("id_token_hint", &self.id_token)
            .append_pair("post_logout_redirect_uri", &self.post_logout)
            .append_pair("state", state)
            .extend_pairs(extra);
        let res = self.browser.get(url).send().await.unwrap();
        let location = Url::parse(
            res.headers()
                .get(header::LOCATION)
                .expect("Hydra should redirect to the logout UI")
                .to_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(location.path(), "/logout", "{location}");
        location
            .query_pairs()
            .find(|(k, _)| k == "logout_challenge")
            .map(|(_, v)| v.into_owned())
            .expect("logout_challenge")
    }

    /// Starts a user-initiated logout (no ID token), relying on Hydra's cookie.
    async fn start_user_logout(&self) -> String {
        let url = format!("{}/oauth2/sessions/logout", self.hydra.public());
        let res = self.browser.get(url).send().await.unwrap();
        let location = Url::parse(res.headers()[header::LOCATION].to_str().unwrap()).unwrap();
        assert_eq!(location.path(), "/logout", "{location}");
        location
            .query_pairs()
            .find(|(k, _)| k == "logout_challenge")
            .map(|(_, v)| v.into_owned())
            .expect("logout_challenge")
    }

    /// Whether Hydra still has the user's session: a new authorization request
    /// skips login exactly when it does.
    async fn login_is_skipped(&self) -> bool {
        let redirect = format!("http://127.0.0.1:5599/{}/callback", self.client_id);
        let mut url = Url::parse(&format!("{}/oauth2/auth", self.hydra.public())).unwrap();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &redirect)
            .append_pair("scope", "openid")
            .append_pair("state", "state-9876543210")
            .append_pair("nonce", "nonce-9876543210");
        let res = self.browser.get(url).send().await.unwrap();
        let loc = Url::parse(res.headers()[header::LOCATION].to_str().unwrap()).unwrap();
        let challenge = loc
            .query_pairs()
            .find(|(k, _)| k == "login_challenge")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        let login: Value = self
            .admin
            .get(format!(
                "{}/admin/oauth2/auth/requests/login?login_challenge={}",
                self.hydra.admin(),
                urlencode(&challenge)
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        login["skip"].as_bool().unwrap()
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The address of a decision that leaves this app.
fn external(next: flow::Next) -> Url {
    match next {
        flow::Next::External(url) => url,
        other => panic!("expected another site, got {other:?}"),
    }
}

fn ticket_of(step: PromptStep) -> String {
    match step {
        PromptStep::Ask(p) => p.ticket,
        other => panic!("expected a prompt, got {other:?}"),
    }
}

#[tokio::test]
async fn prompt_shows_the_app_and_hides_the_challenge() {
    let rp = Rp::login("it-prompt", "Integration <App>").await;
    let challenge = rp.start_logout("st-prompt").await;
    let state = state();

    match state
        .hydra
        .get_logout_request(&LogoutChallenge::parse(&challenge).unwrap())
        .await
        .unwrap()
    {
        GetLogout::Pending(req) => {
            assert!(req.rp_initiated);
            assert_eq!(req.subject, "alice");
            assert_eq!(req.client.unwrap().client_id, rp.client_id);
        }
        other => panic!("expected pending, got {other:?}"),
    }

    match flow::prompt(&state, &challenge, &BINDING, None)
        .await
        .unwrap()
    {
        PromptStep::Ask(p) => {
            assert_eq!(p.subject, "alice");
            let app = p.app.unwrap();
            assert_eq!(app.name, "Integration <App>");
            assert_eq!(app.client_uri.as_deref(), Some("https://app.example/"));
            assert!(!p.ticket.contains(&challenge));
        }
        other => panic!("expected a prompt, got {other:?}"),
    }
}

#[tokio::test]
async fn sign_out_completes_and_a_second_submit_is_harmless() {
    let (rp, challenge, state, ticket) = prompted("it-accept", "Accept App", "st-accept").await;

    let to = external(
        flow::decide(&state, &ticket, Some(&BINDING), Decision::Accept)
            .await
            .unwrap(),
    );
    assert_eq!(to.origin(), Url::parse(&public_url()).unwrap().origin());
    assert!(
        to.query().unwrap_or("").contains("logout_verifier="),
        "{to}"
    );

    // The browser follows Hydra's redirect; Hydra finishes and sends it to the RP.
    let res = rp.browser.get(to).send().await.unwrap();
    let end = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(end, format!("{}?state=st-accept", rp.post_logout));
    assert!(
        !rp.login_is_skipped().await,
        "Hydra's session should be gone"
    );

    // Hydra now answers 410; a resubmit (back button) continues to the same place.
    let again = external(
        flow::decide(&state, &ticket, Some(&BINDING), Decision::Accept)
            .await
            .unwrap(),
    );
    assert!(
        again.as_str().contains("/oauth2/sessions/logout"),
        "{again}"
    );
    match flow::prompt(&state, &challenge, &BINDING, None)
        .await
        .unwrap()
    {
        PromptStep::Redirect(u) => assert_eq!(u.origin(), again.origin()),
        other => panic!("a completed logout must not prompt again: {other:?}"),
    }
}

#[tokio::test]
async fn app_only_is_final() {
    let (rp, challenge, state, ticket) = prompted("it-reject", "Reject App", "st-reject").await;

    let to = external(
        flow::decide(&state, &ticket, Some(&BINDING), Decision::Reject)
            .await
            .unwrap(),
    );
    assert_eq!(to.as_str(), format!("{}?state=st-reject", rp.post_logout));
    assert!(
        rp.login_is_skipped().await,
        "Hydra's session should survive"
    );

    // Hydra would revive a rejected request on accept; we must not.
    let err = flow::decide(&state, &ticket, Some(&BINDING), Decision::Accept)
        .await
        .unwrap_err();
    assert_eq!(err.error, AppError::NotFound);
    assert!(
        rp.login_is_skipped().await,
        "still signed in after the late accept"
    );
    assert_eq!(
        flow::prompt(&state, &challenge, &BINDING, None)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
}

#[tokio::test]
async fn unknown_and_malformed_challenges() {
    let state = state();
    assert_eq!(
        flow::prompt(
            &state,
            "00000000-0000-0000-0000-000000000000",
            &BINDING,
            None
        )
        .await
        .unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(
        flow::prompt(&state, "", &BINDING, None).await.unwrap_err(),
        AppError::BadRequest
    );
    let forged = flow::decide(&state, "not-a-ticket", Some(&BINDING), Decision::Accept)
        .await
        .unwrap_err();
    assert_eq!(forged.error, AppError::Forbidden);
}

async fn send(app: axum::Router, req: Request<Body>) -> (StatusCode, http::HeaderMap, String) {
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// The same flow over HTTP, as a browser without JavaScript does it.
#[tokio::test]
async fn plain_html_flow_over_http() {
    let rp = Rp::login("it-http", "Http App").await;
    let challenge = rp.start_logout("st-http").await;
    let app = router(state());

    let (status, headers, html) = send(
        app.clone(),
        Request::get(format!(
            "/logout?logout_challenge={}",
            urlencode(&challenge)
        ))
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sign out of Http App?"), "{html}");
    assert!(html.contains(r#"id="accept""#) && html.contains(r#"id="reject""#));
    assert!(
        !html.contains(&challenge),
        "the challenge leaked into the page"
    );
    assert!(
        !html.contains(&rp.id_token),
        "the ID token leaked into the page"
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert!(headers.contains_key("x-request-id"));
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a script nonce in the CSP");
    assert!(nonce.len() >= 16);
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        html.contains("<script"),
        "the page should carry hydration scripts"
    );
    for script in html.split("<script").skip(1) {
        assert!(
            script.starts_with(&format!(" nonce=\"{nonce}\""))
                || script.contains(&format!("nonce=\"{nonce}\"")),
            "a script without the response's nonce: <script{:.80}",
            script
        );
    }

    let ticket = html
        .split(r#"name="ticket" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("ticket input")
        .to_owned();
    let set_cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set_cookie.starts_with("logout_csrf="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let post = |body: String, extra: &[(&str, &str)]| {
        let mut req = Request::post("/api/logout/decide")
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        req.body(Body::from(body)).unwrap()
    };

    // Forgeries first: each is refused and the request stays pending. Without
    // this browser's cookie the ticket leads back to its prompt (a fresh cookie
    // and ticket there); cross-site requests end on the forbidden page.
    let forbidden = "/error?error=forbidden";
    let back = format!(
        "/logout?logout_challenge={}&failed=1",
        urlencode(&challenge)
    );
    for (why, extra) in [
        ("no CSRF cookie", vec![]),
        (
            "another browser's cookie",
            vec![("cookie", "logout_csrf=AAAAAAAAAAAAAAAAAAAAAA")],
        ),
        (
            "cross-site fetch metadata",
            vec![
                ("cookie", cookie.as_str()),
                ("sec-fetch-site", "cross-site"),
            ],
        ),
        (
            "foreign Origin",
            vec![
                ("cookie", cookie.as_str()),
                ("origin", "https://evil.test"),
                ("host", "127.0.0.1:3000"),
            ],
        ),
    ] {
        let (status, headers, _) = send(
            app.clone(),
            post(format!("ticket={ticket}&decision=accept"), &extra),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{why}");
        let want = if why.contains("cookie") {
            back.as_str()
        } else {
            forbidden
        };
        assert_eq!(headers[header::LOCATION], want, "{why}");
    }
    assert!(
        rp.login_is_skipped().await,
        "a forged decision signed the user out"
    );

    let (status, headers, _) = send(
        app.clone(),
        post(
            format!("ticket={ticket}&decision=reject"),
            &[
                ("cookie", cookie.as_str()),
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000"),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        format!("{}?state=st-http", rp.post_logout).as_str()
    );

    // The same ticket again, now asking to sign out: refused, and the no-JS browser
    // is sent back to the prompt, which explains the link is no longer valid.
    let (status, headers, _) = send(
        app.clone(),
        post(
            format!("ticket={ticket}&decision=accept"),
            &[("cookie", cookie.as_str())],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let back = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(back.starts_with("/logout?logout_challenge="), "{back}");
    let (status, _, html) = send(
        app,
        Request::get(back)
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains(r#"data-error="not_found""#));
    assert!(html.contains("https://home.example/"), "home link missing");
}

#[tokio::test]
async fn error_statuses_over_http() {
    let app = router(state());
    for (uri, want) in [
        ("/logout", StatusCode::BAD_REQUEST),
        ("/logout?logout_challenge=", StatusCode::BAD_REQUEST),
        (
            "/logout?logout_challenge=unknown-challenge",
            StatusCode::NOT_FOUND,
        ),
        ("/no-such-page", StatusCode::NOT_FOUND),
        (
            "/error?error=invalid_request&error_description=%3Cscript%3Ex%3C%2Fscript%3E",
            StatusCode::BAD_REQUEST,
        ),
        ("/logged-out", StatusCode::OK),
    ] {
        let (status, _, html) = send(
            app.clone(),
            Request::get(uri)
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, want, "{uri}");
        assert!(
            !html.contains("<script>x</script>"),
            "{uri} rendered markup"
        );
    }
    let long = format!("/logout?logout_challenge={}", "a".repeat(64_600));
    let (status, _, _) = send(
        app,
        Request::get(long)
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Needs the second Hydra (`TTL_LOGIN_CONSENT_REQUEST=2s`), started by scripts/test.sh.
#[tokio::test]
async fn expired_requests_offer_a_restart_and_refuse_decisions() {
    let rp = Rp::login_at(Hydra::ShortTtl, "it-expiry", "Expiry App").await;
    let challenge = rp.start_user_logout().await;
    let state = state_for(Hydra::ShortTtl);
    let ticket = ticket_of(
        flow::prompt(&state, &challenge, &BINDING, None)
            .await
            .unwrap(),
    );

    tokio::time::sleep(Duration::from_millis(2500)).await;

    match flow::prompt(&state, &challenge, &BINDING, None)
        .await
        .unwrap()
    {
        PromptStep::Expired(restart) => assert_eq!(
            restart.as_str(),
            format!("{}/oauth2/sessions/logout", Hydra::ShortTtl.public())
        ),
        other => panic!("expected expiry, got {other:?}"),
    }
    let err = flow::decide(&state, &ticket, Some(&BINDING), Decision::Accept)
        .await
        .unwrap_err();
    assert_eq!(err.error, AppError::Expired);
    assert!(
        rp.login_is_skipped().await,
        "an expired request must not sign out"
    );

    // Over HTTP: 410 with a restart link, no ID token or challenge in the page.
    let app = router(state);
    let (status, _, html) = send(
        app,
        Request::get(format!(
            "/logout?logout_challenge={}",
            urlencode(&challenge)
        ))
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains(r#"data-error="expired""#));
    assert!(html.contains(&format!(
        r#"href="{}/oauth2/sessions/logout""#,
        Hydra::ShortTtl.public()
    )));
    assert!(!html.contains(&challenge));
}

/// Log lines written while the guard lives, at every level.
#[derive(Clone, Default)]
struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CapturedLogs {
    type Writer = CapturedLogs;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl CapturedLogs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// A full flow with a canary API key and logs captured at TRACE level: no
/// response and no log line carries the key, the challenge, the ticket, the
/// cookie or the ID token; one audit line records the decision.
#[tokio::test]
async fn secrets_stay_out_of_responses_and_logs() {
    const CANARY: &str = "canary-api-key-0123456789-canary";
    let logs = CapturedLogs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let rp = Rp::login("it-secrets", "Secret App").await;
    let challenge = rp.start_logout("st-secrets").await;
    let mut config = Config::for_tests(
        Hydra::Main.admin().parse().unwrap(),
        Hydra::Main.public().parse().unwrap(),
    );
    config.hydra.api_key = Some(CANARY.into());
    config.operations.ticket_secret = Some("integration-test-secret-0123456789abcdef".into());
    let options = LeptosOptions::builder()
        .output_name("hydra-logout-ui")
        .build();
    let app = router(build_state(config, options).unwrap());

    let res = app
        .clone()
        .oneshot(
            Request::get(format!(
                "/logout?logout_challenge={}",
                urlencode(&challenge)
            ))
            .header(header::ACCEPT, "text/html")
            .header("x-request-id", "req-canary-1")
            .body(Body::empty())
            .unwrap(),
        )
        .await
        .unwrap();
    let mut seen = format!("{:?}", res.headers());
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html =
        String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    seen.push_str(&html);
    let ticket = html
        .split(r#"name="ticket" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();

    // Extra fields naming a return address are ignored: never a URL from the form.
    let res = app
        .oneshot(
            Request::post("/api/logout/decide")
                .header(header::ACCEPT, "text/html")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, &cookie)
                .header("x-request-id", "req-canary-2")
                .body(Body::from(format!(
                    "ticket={ticket}&decision=accept&redirect_to=https%3A%2F%2Fevil.test%2F&post_logout_redirect_uri=https%3A%2F%2Fevil.test%2F"
                )))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{}/oauth2/sessions/logout?", Hydra::Main.public())),
        "{location}"
    );
    seen.push_str(&format!("{:?}", res.headers()));
    seen.push_str(&String::from_utf8_lossy(
        &res.into_body().collect().await.unwrap().to_bytes(),
    ));

    assert!(!seen.contains(CANARY), "the API key reached a response");
    assert!(
        !seen.contains(&rp.id_token),
        "the ID token reached a response"
    );

    let cookie_value = cookie.split_once('=').unwrap().1;
    let logs = logs.text();
    assert!(
        logs.contains("response"),
        "no request logs captured:\n{logs}"
    );
    for (what, secret) in [
        ("API key", CANARY),
        ("challenge", challenge.as_str()),
        ("ticket", ticket.as_str()),
        ("CSRF cookie", cookie_value),
        ("ID token", rp.id_token.as_str()),
    ] {
        assert!(
            !logs.contains(secret),
            "the {what} reached the logs:\n{logs}"
        );
    }
    let audit: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("logout decision"))
        .collect();
    assert_eq!(audit.len(), 1, "{logs}");
    for field in [
        "subject=\"alice\"",
        &format!("client_id=\"{}\"", rp.client_id),
        "outcome=\"accepted\"",
        "req-canary-2",
    ] {
        assert!(
            audit[0].contains(field),
            "audit line lacks {field}: {}",
            audit[0]
        );
    }
}

#[tokio::test]
async fn oversized_requests_are_refused_early() {
    let app = router(state());
    let long_query = format!("/logout?logout_challenge={}", "a".repeat(65_100));
    let (status, _, _) = send(
        app.clone(),
        Request::get(long_query).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::URI_TOO_LONG);

    let mut req = Request::get("/logged-out");
    for i in 0..40 {
        req = req.header(format!("x-filler-{i}"), "v".repeat(1000));
    }
    let (status, _, _) = send(app.clone(), req.body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);

    let (status, _, _) = send(
        app,
        Request::post("/api/logout/decide")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, "200000")
            .body(Body::from(format!("ticket={}", "x".repeat(199_993))))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// Arbitrary query strings and form bodies never crash the server or produce a
/// raw 500: malformed input gets 4xx, and a syntactically valid challenge with
/// Hydra unreachable gets 503. Hydra is a closed port here on purpose.
#[test]
fn fuzzed_queries_and_forms_get_clear_statuses() {
    use proptest::prelude::*;

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Leptos' executor attaches to the runtime current when the router is built.
    let _entered = rt.enter();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = router(state_from(&[
        ("HYDRA_ADMIN_URL", dead.as_str()),
        ("HYDRA_PUBLIC_URL", dead.as_str()),
        ("HYDRA_CONNECT_TIMEOUT_MS", "200"),
    ]));

    let query = prop_oneof![
        "[a-zA-Z0-9%&=+_.~-]{0,200}",
        "\\PC{0,80}".prop_map(|s| urlencode(&s)),
        "(%[0-9A-Fa-f]{0,2}|[^ #]){0,60}",
    ];
    let body = prop_oneof![
        "[a-z_]{0,8}=[^&]{0,40}(&[a-z_]{0,8}=[^&]{0,40}){0,4}",
        "\\PC{0,200}",
        Just("ticket=&decision=".to_owned()),
        Just("ticket=x&decision=maybe".to_owned()),
        Just("decision=accept".to_owned()),
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 150,
        ..ProptestConfig::default()
    });
    runner
        .run(&(query, body), |(query, body)| {
            let (get_status, post_status) = rt.block_on(async {
                let uri = format!("/logout?logout_challenge={query}");
                let get = match Request::get(uri).body(Body::empty()) {
                    Ok(req) => app.clone().oneshot(req).await.unwrap().status(),
                    // Not even a valid URI: the HTTP layer refuses it before us.
                    Err(_) => StatusCode::BAD_REQUEST,
                };
                let post = app
                    .clone()
                    .oneshot(
                        Request::post("/api/logout/decide")
                            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                            .body(Body::from(body.clone()))
                            .unwrap(),
                    )
                    .await
                    .unwrap()
                    .status();
                (get, post)
            });
            prop_assert!(
                matches!(get_status.as_u16(), 200 | 303 | 400 | 404 | 414 | 503),
                "GET ?logout_challenge={} -> {}",
                query,
                get_status
            );
            prop_assert!(
                get_status != StatusCode::OK,
                "a prompt without Hydra? {}",
                query
            );
            prop_assert!(
                matches!(post_status.as_u16(), 400 | 403),
                "POST {:?} -> {}",
                body,
                post_status
            );
            Ok(())
        })
        .unwrap();
}

#[tokio::test]
async fn health_and_metrics() {
    let rp = Rp::login("it-metrics", "Metrics App").await;
    let challenge = rp.start_logout("st-metrics").await;
    let state = state();
    let app = router(state.clone());
    let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();

    let (status, headers, body) = send(app.clone(), get("/health/alive")).await;
    assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, r#"{"status":"ok"}"#)
    );
    let (status, _, _) = send(app.clone(), get("/health/ready")).await;
    assert_eq!(status, StatusCode::OK);

    let ticket = ticket_of(
        flow::prompt(&state, &challenge, &BINDING, None)
            .await
            .unwrap(),
    );
    flow::decide(&state, &ticket, Some(&BINDING), Decision::Reject)
        .await
        .unwrap();
    let (status, _, _) = send(app.clone(), get("/logged-out")).await;
    assert_eq!(status, StatusCode::OK);

    // Never on the public router; on the metrics listener's.
    let (status, _, _) = send(app, get("/metrics")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, headers, text) = send(
        hydra_logout_ui::server::metrics_router(state.clone()),
        get("/metrics"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    for line in [
        r#"logout_ui_decisions_total{outcome="app_only"} 1"#,
        r#"logout_ui_hydra_request_duration_seconds_count{operation="revoke_consent"} 1"#,
        r#"logout_ui_http_requests_total{route="/logged-out",status="200"} 1"#,
        r#"logout_ui_http_requests_total{route="/health/ready",status="200"} 1"#,
        r#"logout_ui_hydra_request_duration_seconds_count{operation="reject"} 1"#,
        r#"logout_ui_hydra_request_duration_seconds_count{operation="ready"} 1"#,
    ] {
        assert!(text.contains(line), "missing {line} in:\n{text}");
    }
    assert!(!text.contains(&challenge));

    // Hydra unreachable: not ready.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = router(state_from(&[
        ("HYDRA_ADMIN_URL", dead.as_str()),
        ("HYDRA_PUBLIC_URL", dead.as_str()),
        // HSTS needs browsers on https: behind a TLS proxy, says PUBLIC_URL.
        ("PUBLIC_URL", "https://logout.example.com/"),
        ("HSTS_MAX_AGE", "31536000"),
    ]));
    let (status, headers, body) = send(app.clone(), get("/health/ready")).await;
    assert_eq!(
        headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000; includeSubDomains"
    );
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let (status, _, _) = send(app, get("/health/alive")).await;
    assert_eq!(status, StatusCode::OK);
}

/// The page language: `ui_locales` from the relying party first, then the
/// browser's `Accept-Language`, then `DEFAULT_LOCALE`.
#[tokio::test]
async fn the_page_language_follows_ui_locales_then_accept_language_then_default() {
    let app = router(state());
    let page = |uri: String, accept_language: Option<&'static str>| {
        let app = app.clone();
        async move {
            let mut req = Request::get(uri).header(header::ACCEPT, "text/html");
            if let Some(al) = accept_language {
                req = req.header(header::ACCEPT_LANGUAGE, al);
            }
            send(app, req.body(Body::empty()).unwrap()).await.2
        }
    };

    // ui_locales (Japanese) beats the browser's German.
    let rp = Rp::login("it-lang-ui", "Lang App").await;
    let challenge = rp
        .start_logout_with("st-lang", &[("ui_locales", "xx ja de")])
        .await;
    let html = page(
        format!("/logout?logout_challenge={}", urlencode(&challenge)),
        Some("de-DE,de;q=0.9"),
    )
    .await;
    assert!(html.contains(r#"<html lang="ja""#), "{html}");
    assert!(
        html.contains("Lang App からサインアウトしますか？"),
        "{html}"
    );
    assert!(html.contains(">すべてからサインアウト</button>"), "{html}");

    // No ui_locales: the browser's best supported language by quality.
    let rp = Rp::login("it-lang-al", "Lang App").await;
    let challenge = rp.start_logout("st-lang").await;
    let html = page(
        format!("/logout?logout_challenge={}", urlencode(&challenge)),
        Some("pt-BR, fr;q=0.4, es;q=0.6"),
    )
    .await;
    assert!(html.contains(r#"<html lang="es""#), "{html}");
    assert!(html.contains("¿Cerrar sesión en Lang App?"), "{html}");

    // Pages without a logout request, and error pages, follow the browser too.
    let html = page("/logged-out".into(), Some("de")).await;
    assert!(html.contains(r#"<html lang="de""#) && html.contains("Sie haben sich abgemeldet"));
    let html = page("/logout".into(), Some("fr-CA")).await;
    assert!(html.contains("Lien de déconnexion incomplet"), "{html}");

    // Nothing usable from the browser: DEFAULT_LOCALE.
    let french = router(state_from(&[
        ("HYDRA_ADMIN_URL", Hydra::Main.admin().as_str()),
        ("HYDRA_PUBLIC_URL", Hydra::Main.public().as_str()),
        ("DEFAULT_LOCALE", "fr"),
    ]));
    let (_, _, html) = send(
        french,
        Request::get("/stayed")
            .header(header::ACCEPT_LANGUAGE, "pt")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(html.contains(r#"<html lang="fr""#) && html.contains("Vous êtes toujours connecté"));
}

/// Operator branding without a rebuild: name, logo, colour, support link.
#[tokio::test]
async fn branding_comes_from_configuration() {
    let get = |uri: &str| {
        Request::get(uri)
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .unwrap()
    };
    let app = router(state_from(&[
        ("HYDRA_ADMIN_URL", Hydra::Main.admin().as_str()),
        ("HYDRA_PUBLIC_URL", Hydra::Main.public().as_str()),
        ("BRAND_NAME", "Acme & ID"),
        ("BRAND_LOGO_URL", "https://cdn.acme.test/logo.svg"),
        ("BRAND_PRIMARY_COLOR", "#0B6E4F"),
        ("SUPPORT_URL", "https://help.acme.test/"),
    ]));
    let (status, _, html) = send(app.clone(), get("/logged-out")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Acme &amp; ID"), "{html}");
    assert!(html.contains(r#"src="https://cdn.acme.test/logo.svg""#));
    assert!(html.contains(r#"href="https://help.acme.test/""#));
    assert!(html.contains(r#"href="/brand.css""#));
    assert!(
        html.contains("<title>Sign out · Acme & ID</title>")
            || html.contains("<title>Sign out · Acme &amp; ID</title>"),
        "{html}"
    );
    let (status, headers, css) = send(app, get("/brand.css")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(
        css.contains("--hlu-primary:#0b6e4f;--hlu-primary-fg:#ffffff;--hlu-accent:#0b6e4f"),
        "{css}"
    );

    // Unbranded: no brand stylesheet, no header, no support link.
    let app = router(state());
    let (_, _, html) = send(app.clone(), get("/logged-out")).await;
    assert!(!html.contains("/brand.css") && !html.contains(r#"data-testid="brand""#));
    let (status, _, _) = send(app, get("/brand.css")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_are_never_on_the_public_port() {
    // Default configuration: a loopback listener of their own.
    let state = state_from(&[
        ("HYDRA_ADMIN_URL", Hydra::Main.admin().as_str()),
        ("HYDRA_PUBLIC_URL", Hydra::Main.public().as_str()),
    ]);
    assert!(state
        .config
        .operations
        .metrics_addr
        .is_some_and(|a| a.ip().is_loopback()));
    let get = || Request::get("/metrics").body(Body::empty()).unwrap();
    let (status, _, _) = send(router(state.clone()), get()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    state.metrics.decision("accepted");
    let (status, _, text) = send(hydra_logout_ui::server::metrics_router(state), get()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains(r#"logout_ui_decisions_total{outcome="accepted"} 1"#),
        "{text}"
    );
}

/// Behind a proxy that mounts the app under `/auth/` and strips it: every URL
/// the server writes (assets, brand stylesheet, form action, its own redirects)
/// and the cookie's path carry the prefix, from `PUBLIC_URL` alone — a forged
/// `X-Forwarded-Prefix` changes nothing. The browser side is
/// `end2end/deploy/prefix.spec.ts`.
#[tokio::test]
async fn every_generated_url_follows_the_public_base_path() {
    let rp = Rp::login("it-prefix", "Prefix App").await;
    let challenge = rp.start_logout("st-prefix").await;
    let state = state_from(&[
        ("HYDRA_ADMIN_URL", Hydra::Main.admin().as_str()),
        ("HYDRA_PUBLIC_URL", Hydra::Main.public().as_str()),
        ("PUBLIC_URL", "http://127.0.0.1:3052/auth/"),
        ("BRAND_PRIMARY_COLOR", "#1e3a8a"),
        (
            "LOGOUT_UI_SECRET",
            "integration-test-secret-0123456789abcdef",
        ),
    ]);
    let app = router(state);
    let (status, headers, html) = send(
        app.clone(),
        Request::get(format!(
            "/logout?logout_challenge={}",
            urlencode(&challenge)
        ))
        .header(header::ACCEPT, "text/html")
        .header("x-forwarded-prefix", "/evil")
        .body(Body::empty())
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        r#"action="/auth/api/logout/decide""#,
        r#"href="/auth/pkg/hydra-logout-ui.css""#,
        r#"href="/auth/brand.css""#,
        r#"href="/auth/favicon.ico""#,
        r#""/auth", "pkg""#,
    ] {
        assert!(html.contains(expected), "{expected} missing: {html}");
    }
    for root_relative in [r#""/pkg"#, r#""/api/"#, r#""/brand.css"#, "/evil"] {
        assert!(!html.contains(root_relative), "{root_relative} in: {html}");
    }
    let set_cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set_cookie.contains("; Path=/auth;"), "{set_cookie}");

    // A failed no-JS decision (no cookie) goes to our error page under the prefix.
    let ticket = html
        .split(r#"name="ticket" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let (status, headers, _) = send(
        app,
        Request::post("/api/logout/decide")
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "ticket={}&decision=accept",
                urlencode(&ticket)
            )))
            .unwrap(),
    )
    .await;
    // Without the CSRF cookie: back to the prompt (issue 11), under the base path.
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        format!(
            "/auth/logout?logout_challenge={}&failed=1",
            urlencode(&challenge)
        )
        .as_str()
    );
}

// ---------------------------------------------------------------------------
// Ory Kratos (issue 15): the person's name instead of the identity id, and the
// identity session in "sign out everywhere". Needs Kratos (scripts/kratos.sh,
// 4433/4434) and a Hydra pointed at it (4494/4495), started by scripts/test.sh.
// ---------------------------------------------------------------------------

fn kratos_admin() -> String {
    std::env::var("KRATOS_ADMIN_URL").unwrap_or_else(|_| "http://127.0.0.1:4434".into())
}

fn kratos_public() -> String {
    std::env::var("KRATOS_PUBLIC_URL").unwrap_or_else(|_| "http://127.0.0.1:4433".into())
}

fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A Kratos identity created through its admin API (`createIdentity`), with a
/// password so that it can get a real Kratos session.
struct Person {
    id: String,
    email: String,
    password: String,
}

impl Person {
    async fn create(name: &str) -> Person {
        let http = plain_client();
        let ready = http
            .get(format!("{}/health/ready", kratos_admin()))
            .send()
            .await;
        assert!(
            ready.is_ok_and(|r| r.status().is_success()),
            "Kratos' admin API at {} is not ready: start it with scripts/test.sh (or scripts/kratos.sh start)",
            kratos_admin()
        );
        let email = format!("{}@example.test", unique("person"));
        let password = format!("Tq8!{}-long-unguessable", unique("pw"));
        let res = http
            .post(format!("{}/admin/identities", kratos_admin()))
            .json(&json!({
                "schema_id": "default",
                "traits": {"email": email, "name": name},
                "credentials": {"password": {"config": {"password": password}}},
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "{:?}", res.text().await);
        let identity: Value = res.json().await.unwrap();
        Person {
            id: identity["id"].as_str().unwrap().to_owned(),
            email,
            password,
        }
    }

    /// Signs in at Kratos (native password flow); returns the session id.
    async fn kratos_session(&self) -> String {
        let http = plain_client();
        let flow: Value = http
            .get(format!("{}/self-service/login/api", kratos_public()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let flow_id = flow["id"].as_str().expect("login flow id");
        let res = http
            .post(format!(
                "{}/self-service/login?flow={flow_id}",
                kratos_public()
            ))
            .json(&json!({
                "method": "password",
                "identifier": self.email,
                "password": self.password,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
        let login: Value = res.json().await.unwrap();
        login["session"]["id"].as_str().unwrap().to_owned()
    }
}

/// Kratos' `getSession`: whether the session is still active.
async fn kratos_session_active(id: &str) -> bool {
    let session: Value = plain_client()
        .get(format!("{}/admin/sessions/{id}", kratos_admin()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    session["active"]
        .as_bool()
        .unwrap_or_else(|| panic!("no `active` in {session}"))
}

fn state_with(hydra: Hydra, extra: &[(&str, &str)]) -> AppState {
    let admin = hydra.admin();
    let public = hydra.public();
    let mut env = vec![
        ("HYDRA_ADMIN_URL", admin.as_str()),
        ("HYDRA_PUBLIC_URL", public.as_str()),
        (
            "LOGOUT_UI_SECRET",
            "integration-test-secret-0123456789abcdef",
        ),
    ];
    env.extend_from_slice(extra);
    state_from(&env)
}

/// Renders `/logout` over HTTP; returns the status and the page.
async fn prompt_html(app: axum::Router, challenge: &str, lang: &str) -> (StatusCode, String) {
    let (status, _, html) = send(
        app,
        Request::get(format!("/logout?logout_challenge={}", urlencode(challenge)))
            .header(header::ACCEPT, "text/html")
            .header(header::ACCEPT_LANGUAGE, lang)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    (status, html)
}

/// The text of the element with `data-testid="{id}"` in server-rendered HTML.
fn testid_text(html: &str, id: &str) -> Option<String> {
    let (_, rest) = html.split_once(&format!(r#"data-testid="{id}""#))?;
    let (_, rest) = rest.split_once('>')?;
    rest.split_once('<').map(|(text, _)| text.to_owned())
}

/// A login to Hydra whose subject is the Kratos identity's id.
async fn login_as(person: &Person, name: &str) -> Rp {
    let accept = json!({"subject": person.id, "remember": true, "remember_for": 0});
    Rp::login_accepting(Hydra::Main, name, "Kratos App", accept).await
}

#[tokio::test]
async fn the_prompt_names_the_kratos_identity_and_logs_none_of_it() {
    let logs = CapturedLogs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let person = Person::create("Ada Lovelace").await;
    let rp = login_as(&person, "it-kratos-name").await;
    let kratos = kratos_admin();
    let state = state_with(Hydra::Main, &[("KRATOS_ADMIN_URL", kratos.as_str())]);

    let challenge = rp.start_logout("st-kratos").await;
    let ticket = match flow::prompt(&state, &challenge, &BINDING, None)
        .await
        .unwrap()
    {
        PromptStep::Ask(p) => {
            assert_eq!(p.subject, person.id);
            let shown = p.person.expect("the identity's name");
            assert_eq!(shown.name, "Ada Lovelace");
            assert_eq!(shown.email.as_deref(), Some(person.email.as_str()));
            p.ticket
        }
        other => panic!("expected a prompt, got {other:?}"),
    };

    let (status, html) = prompt_html(router(state.clone()), &challenge, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("You are signed in as <strong"), "{html}");
    assert_eq!(
        testid_text(&html, "display-name").as_deref(),
        Some("Ada Lovelace")
    );
    assert_eq!(
        testid_text(&html, "email").as_deref(),
        Some(person.email.as_str())
    );
    assert!(!html.contains(&person.id), "the identity id is still shown");

    // Decide, so that the audit line is written: it keeps the subject only.
    flow::decide(&state, &ticket, Some(&BINDING), Decision::Reject)
        .await
        .unwrap();
    let logs = logs.text();
    assert!(logs.contains("logout decision"), "{logs}");
    // Values are quoted and escaped in the default log format (issue 11).
    assert!(
        logs.contains(&format!("subject=\"{}\"", person.id)),
        "{logs}"
    );
    for data in ["Ada Lovelace", person.email.as_str()] {
        assert!(
            !logs.contains(data),
            "identity data {data} reached the logs:\n{logs}"
        );
    }
    assert!(state
        .metrics
        .render()
        .contains(r#"logout_ui_identity_lookups_total{outcome="found"} 2"#));
}

/// A loopback stub that accepts connections and answers nothing for 5 s: a
/// Kratos slower than the lookup's bound.
async fn slow_kratos() -> String {
    let app = axum::Router::new().fallback(|| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        "{}"
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:4493")
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    "http://127.0.0.1:4493".into()
}

#[tokio::test]
async fn without_kratos_in_time_the_prompt_shows_the_subject_promptly() {
    let person = Person::create("Grace Hopper").await;
    // 404: an identity id Kratos does not know.
    let ghost = Person {
        id: "0b5f6a8e-3c1d-4e2f-9a7b-1c2d3e4f5a6b".into(),
        email: String::new(),
        password: String::new(),
    };
    let slow = slow_kratos().await;
    let kratos = kratos_admin();
    for (case, kratos_url, who) in [
        ("unknown identity (404)", kratos.as_str(), &ghost),
        ("Kratos slower than the bound", slow.as_str(), &person),
        // Nothing listens on 4492: a stopped Kratos.
        ("Kratos stopped", "http://127.0.0.1:4492", &person),
    ] {
        let rp = login_as(who, "it-kratos-fault").await;
        let challenge = rp.start_logout("st-fault").await;
        let state = state_with(Hydra::Main, &[("KRATOS_ADMIN_URL", kratos_url)]);
        let started = std::time::Instant::now();
        let (status, html) = prompt_html(router(state.clone()), &challenge, "de").await;
        let took = started.elapsed();
        assert_eq!(status, StatusCode::OK, "{case}");
        assert_eq!(
            testid_text(&html, "subject").as_deref(),
            Some(who.id.as_str()),
            "{case}"
        );
        assert!(!html.contains("display-name"), "{case}");
        // The bound is 300 ms; Hydra's own calls take a few ms. Generous margin
        // for a loaded machine, far below the slow stub's 5 s.
        assert!(took < Duration::from_secs(3), "{case}: took {took:?}");
        let metrics = state.metrics.render();
        assert!(
            metrics.contains("logout_ui_identity_lookups_total{outcome=")
                && !metrics.contains(r#"outcome="found""#),
            "{case}: {metrics}"
        );
    }
}

/// An Ory-Network-like project URL on loopback: demands `Authorization: Bearer
/// <key>` on `/admin/*`, then forwards identity calls to Kratos and everything
/// else under `/admin/` to Hydra (as the Ory Network project URL serves both).
async fn gate(port: u16, key: &'static str) -> String {
    use axum::{extract::Request as AxumRequest, response::IntoResponse};
    let upstream = plain_client();
    let app = axum::Router::new().fallback(move |req: AxumRequest| {
        let upstream = upstream.clone();
        async move {
            let path_and_query = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default();
            if !req.uri().path().starts_with("/admin/") {
                return StatusCode::NOT_FOUND.into_response();
            }
            let authorized = req
                .headers()
                .get(header::AUTHORIZATION)
                .is_some_and(|v| v.as_bytes() == format!("Bearer {key}").as_bytes());
            if !authorized {
                return (
                    StatusCode::UNAUTHORIZED,
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"error":{"code":401,"status":"Unauthorized","message":"The request could not be authorized"}}"#,
                )
                    .into_response();
            }
            let base = if req.uri().path().starts_with("/admin/identities") {
                kratos_admin()
            } else {
                Hydra::Main.admin()
            };
            let method = req.method().clone();
            let body = req.into_body().collect().await.unwrap().to_bytes();
            let res = upstream
                .request(method, format!("{base}{path_and_query}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let bytes = res.bytes().await.unwrap();
            (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                bytes,
            )
                .into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn ory_network_configuration_through_a_key_checking_gate() {
    const KEY: &str = "ory_apikey_gate-canary-0123456789";
    let project = gate(4490, KEY).await;
    let person = Person::create("Katherine Johnson").await;
    let rp = login_as(&person, "it-kratos-gate").await;
    let public = Hydra::Main.public();
    let secret = "integration-test-secret-0123456789abcdef";

    // The project URL and key, nothing else about Kratos: the identity API is
    // found on the project URL and gets the key.
    let challenge = rp.start_logout("st-gate").await;
    let state = state_from(&[
        ("ORY_SDK_URL", project.as_str()),
        ("ORY_API_KEY", KEY),
        ("HYDRA_PUBLIC_URL", public.as_str()),
        ("LOGOUT_UI_SECRET", secret),
    ]);
    let (status, html) = prompt_html(router(state), &challenge, "fr").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        testid_text(&html, "display-name").as_deref(),
        Some("Katherine Johnson"),
        "{html}"
    );

    // A wrong key: the 503 page, and a log line naming ORY_API_KEY, never a key.
    let logs = CapturedLogs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    const WRONG: &str = "ory_apikey_wrong-canary-9876543210";
    let state = state_from(&[
        ("ORY_SDK_URL", project.as_str()),
        ("ORY_API_KEY", WRONG),
        ("HYDRA_PUBLIC_URL", public.as_str()),
        ("LOGOUT_UI_SECRET", secret),
    ]);
    let (status, html) = prompt_html(router(state), &challenge, "en").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(html.contains("Temporarily unavailable"), "{html}");
    let logs = logs.text();
    assert!(
        logs.lines()
            .any(|l| l.contains("ERROR") && l.contains("ORY_API_KEY")),
        "{logs}"
    );
    for key in [KEY, WRONG] {
        assert!(!logs.contains(key) && !html.contains(key), "a key leaked");
    }
}

/// Logs in at the Hydra that knows Kratos (`urls.identity_provider.url`), with
/// the Kratos session id passed at login accept as `identity_provider_session_id`,
/// and renders the prompt: the relying party, the Kratos session id and the ticket.
async fn kratos_backed_login(name: &str) -> (Rp, String, AppState, String) {
    let person = Person::create("Dorothy Vaughan").await;
    let kratos_session = person.kratos_session().await;
    assert!(kratos_session_active(&kratos_session).await);
    let accept = json!({
        "subject": person.id,
        "remember": true,
        "remember_for": 0,
        "identity_provider_session_id": kratos_session,
    });
    let rp = Rp::login_accepting(Hydra::WithKratos, name, "Kratos App", accept).await;
    let challenge = rp.start_logout("st-idp").await;
    let state = state_for(Hydra::WithKratos);
    let ticket = ticket_of(
        flow::prompt(&state, &challenge, &BINDING, None)
            .await
            .unwrap(),
    );
    (rp, kratos_session, state, ticket)
}

#[tokio::test]
async fn sign_out_everywhere_ends_the_kratos_session() {
    let (rp, kratos_session, state, ticket) = kratos_backed_login("it-idp-everywhere").await;
    let next = flow::decide(&state, &ticket, Some(&BINDING), Decision::Accept)
        .await
        .unwrap();
    let flow::Next::External(redirect_to) = next else {
        panic!("sign out everywhere must continue at Hydra, got {next:?}");
    };
    // The browser follows Hydra's verifier: Hydra completes the logout and
    // disables the Kratos session (strategy_default.go, DisableSession).
    let res = rp.browser.get(redirect_to).send().await.unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert!(!rp.login_is_skipped().await, "Hydra's session survived");
    assert!(
        !kratos_session_active(&kratos_session).await,
        "the Kratos session survived \"sign out everywhere\""
    );
}

/// "Sign out of {App} only" (revoke the app's consent sessions, then reject)
/// leaves the identity session alone: the other apps stay signed in.
#[tokio::test]
async fn only_this_app_keeps_the_kratos_session() {
    let (rp, kratos_session, state, ticket) = kratos_backed_login("it-idp-only-app").await;
    flow::decide(&state, &ticket, Some(&BINDING), Decision::Reject)
        .await
        .unwrap();
    assert!(rp.login_is_skipped().await, "Hydra's session ended");
    assert!(
        kratos_session_active(&kratos_session).await,
        "the Kratos session ended although the user signed out of one app only"
    );
}

/// Hydra v2.3 sets `expires_at` on user-initiated logout requests
/// (`ttl.login_consent_request`, 30 min by default) and not on RP-initiated ones.
#[tokio::test]
async fn user_initiated_prompts_say_when_the_link_expires() {
    let rp = Rp::login("it-deadline", "Deadline App").await;
    let state = state();
    let rp_initiated = rp.start_logout("st-deadline").await;
    match flow::prompt(&state, &rp_initiated, &BINDING, None)
        .await
        .unwrap()
    {
        PromptStep::Ask(p) => assert_eq!(p.expires_in_minutes, None),
        other => panic!("expected a prompt, got {other:?}"),
    }
    let user_initiated = rp.start_user_logout().await;
    match flow::prompt(&state, &user_initiated, &BINDING, None)
        .await
        .unwrap()
    {
        PromptStep::Ask(p) => assert!(
            matches!(p.expires_in_minutes, Some(29 | 30)),
            "{:?}",
            p.expires_in_minutes
        ),
        other => panic!("expected a prompt, got {other:?}"),
    }
    let (status, html) = prompt_html(router(state), &user_initiated, "de").await;
    assert_eq!(status, StatusCode::OK);
    let deadline = testid_text(&html, "expires-in");
    assert!(
        matches!(
            deadline.as_deref(),
            Some("Dieser Link läuft in 30 Minuten ab." | "Dieser Link läuft in 29 Minuten ab.")
        ),
        "{deadline:?}"
    );
}
