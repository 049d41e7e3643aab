//! The Hydras the tests talk to, and the login dance: a relying party
//! registered through Hydra's admin API and signed in through Hydra's real
//! authorization-code flow (login and consent accepted through the admin API),
//! which gives an ID token and, on logout, a real logout challenge.

use std::time::Duration;

use http::{header, StatusCode};
use serde_json::{json, Value};
use url::Url;

/// Which Hydra a test talks to: the main one, or the one with short-lived
/// requests (`TTL_LOGIN_CONSENT_REQUEST=2s`) for expiry tests.
#[derive(Clone, Copy)]
pub enum Hydra {
    Main,
    ShortTtl,
    /// Configured with `urls.identity_provider.url` = Kratos' admin API, so that
    /// completing a logout also ends the Kratos session.
    WithKratos,
}

impl Hydra {
    /// The admin API's base URL (from the environment, else the test default).
    pub fn admin(self) -> String {
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
    /// The public API's base URL (from the environment, else the test default).
    pub fn public(self) -> String {
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

/// The main Hydra's public URL.
pub fn public_url() -> String {
    Hydra::Main.public()
}

/// `prefix` plus the time in nanoseconds: a fresh client id or name.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{nanos}")
}

/// A relying party registered in Hydra, logged in through a cookie-keeping client.
pub struct Rp {
    pub hydra: Hydra,
    pub client_id: String,
    pub post_logout: String,
    pub browser: reqwest::Client,
    pub id_token: String,
    /// Only when the client asked for `offline_access`.
    pub refresh_token: Option<String>,
    pub admin: reqwest::Client,
}

/// A cookie-keeping client that does not follow redirects: one browser.
pub fn new_browser() -> reqwest::Client {
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
    /// A new relying party signed in as alice at the main Hydra.
    pub async fn login(name: &str, client_name: &str) -> Rp {
        Rp::login_at(Hydra::Main, name, client_name).await
    }

    /// A new relying party signed in as alice at `hydra`.
    pub async fn login_at(hydra: Hydra, name: &str, client_name: &str) -> Rp {
        Rp::login_as(hydra, &unique(name), client_name, json!({}), None).await
    }

    /// Logs in with `accept` as the body of Hydra's `acceptOAuth2LoginRequest`
    /// (another subject, `identity_provider_session_id`, …).
    pub async fn login_accepting(hydra: Hydra, name: &str, client_name: &str, accept: Value) -> Rp {
        Rp::login_with(hydra, &unique(name), client_name, json!({}), None, accept).await
    }

    /// Registers the client `client_id` (this file's defaults, with the fields of
    /// `extra` replacing them) and signs in through Hydra's authorization-code
    /// flow, in `browser` (a cookie-keeping client; `None`: a new one). Asks for
    /// the client's `scope`; a refresh token comes back with `offline_access`.
    pub async fn login_as(
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
    pub async fn login_with(
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
            let param = |k: &str| query_param(&loc, k);
            if let Some(c) = param("login_challenge") {
                let r: Value = admin
                    .put(format!(
                        "{}/admin/oauth2/auth/requests/login/accept?login_challenge={}",
                        hydra.admin(),
                        urlencode(&c)
                    ))
                    .json(&accept)
                    .json_answer()
                    .await;
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
                    .json_answer()
                    .await;
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
            .json_answer()
            .await;
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
    pub async fn start_logout(&self, state: &str) -> String {
        self.start_logout_with(state, &[]).await
    }

    /// The same, with extra parameters (e.g. `ui_locales`).
    pub async fn start_logout_with(&self, state: &str, extra: &[(&str, &str)]) -> String {
        let mut url =
            Url::parse(&format!("{}/oauth2/sessions/logout", self.hydra.public())).unwrap();
        url.query_pairs_mut()
            .append_pair("id_token_hint", &self.id_token)
            .append_pair("post_logout_redirect_uri", &self.post_logout)
            .append_pair("state", state)
            .extend_pairs(extra);
        logout_challenge(&self.browser.get(url).send().await.unwrap())
    }

    /// Starts a user-initiated logout (no ID token), relying on Hydra's cookie.
    pub async fn start_user_logout(&self) -> String {
        let url = format!("{}/oauth2/sessions/logout", self.hydra.public());
        logout_challenge(&self.browser.get(url).send().await.unwrap())
    }

    /// Whether Hydra still has the user's session: a new authorization request
    /// skips login exactly when it does.
    pub async fn login_is_skipped(&self) -> bool {
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
        let challenge = query_param(&loc, "login_challenge").unwrap();
        let login: Value = self
            .admin
            .get(format!(
                "{}/admin/oauth2/auth/requests/login?login_challenge={}",
                self.hydra.admin(),
                urlencode(&challenge)
            ))
            .json_answer()
            .await;
        login["skip"].as_bool().unwrap()
    }
}

/// `s` form-URL-encoded (as in a query value).
pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The value of `key` in `url`'s query.
pub fn query_param(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The logout challenge in Hydra's answer `res`, which must redirect to the
/// logout UI (`/logout`).
pub fn logout_challenge(res: &reqwest::Response) -> String {
    let location = res
        .headers()
        .get(header::LOCATION)
        .unwrap_or_else(|| panic!("Hydra answered {} without a redirect", res.status()));
    let location = Url::parse(location.to_str().unwrap()).unwrap();
    assert_eq!(location.path(), "/logout", "{location}");
    query_param(&location, "logout_challenge").expect("logout_challenge")
}

/// Sends a request and reads its JSON answer, failing the test on any error.
pub trait JsonAnswer {
    async fn json_answer(self) -> Value;
}

impl JsonAnswer for reqwest::RequestBuilder {
    async fn json_answer(self) -> Value {
        self.send().await.unwrap().json().await.unwrap()
    }
}
