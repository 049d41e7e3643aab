//! The app under test: its state built from configuration ([`state_for`] from
//! `Config::for_tests`, [`config`] from environment variables), requests sent
//! through its router, and what tests read in its pages and logs.

use axum::body::Body;
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use hydra_logout_ui::{
    logout::ssr::flow::{self, PromptStep},
    server::{build_state, config::Config, state::AppState},
};
use leptos::config::LeptosOptions;
use tower::ServiceExt;
use url::Url;

use super::{urlencode, Hydra, Rp};

/// The browser binding (CSRF cookie value) the flow-level tests present.
pub const BINDING: [u8; 16] = [42; 16];

/// The ticket secret of every test state.
pub const SECRET: &str = "integration-test-secret-0123456789abcdef";

/// The configuration from exactly these environment variables: the one place
/// the integration tests build a [`Config`].
pub fn config(env: &[(&str, &str)]) -> Config {
    struct Pairs<'a>(&'a [(&'a str, &'a str)]);
    impl hydra_logout_ui::server::config::Env for Pairs<'_> {
        fn get(&self, key: &str) -> Option<String> {
            self.0
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        }
    }
    Config::from_env(&Pairs(env)).unwrap()
}

/// Leptos options of a server without a built site.
pub fn options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("hydra-logout-ui")
        .build()
}

/// State from exactly these environment variables (tests of configuration).
pub fn state_from(env: &[(&str, &str)]) -> AppState {
    build_state(config(env), options()).unwrap()
}

/// State for `hydra` with the test secret, plus `extra` settings (which never
/// replace those three), served with `options`.
pub fn state_with_options(
    hydra: Hydra,
    extra: &[(&str, &str)],
    options: LeptosOptions,
) -> AppState {
    let admin = hydra.admin();
    let public = hydra.public();
    let mut env = vec![
        ("HYDRA_ADMIN_URL", admin.as_str()),
        ("HYDRA_PUBLIC_URL", public.as_str()),
        ("LOGOUT_UI_SECRET", SECRET),
    ];
    env.extend_from_slice(extra);
    build_state(config(&env), options).unwrap()
}

/// State for `hydra` with the test secret, plus `extra` settings.
pub fn state_with(hydra: Hydra, extra: &[(&str, &str)]) -> AppState {
    state_with_options(hydra, extra, options())
}

/// State for `hydra` with the test secret and a home URL
/// (`https://home.example/`): [`Config::for_tests`], the defaults the unit tests
/// use too.
pub fn state_for(hydra: Hydra) -> AppState {
    let (admin, public) = (hydra.admin(), hydra.public());
    let mut config = Config::for_tests(admin.parse().unwrap(), public.parse().unwrap());
    config.operations.ticket_secret = Some(SECRET.into());
    config.policy.home_url = Some("https://home.example/".parse().unwrap());
    build_state(config, options()).unwrap()
}

/// State for the main Hydra with a home URL: what most tests use.
pub fn state() -> AppState {
    state_for(Hydra::Main)
}

/// Logs in a fresh relying party, starts its logout and renders the prompt:
/// the relying party, the challenge, the state and the form's ticket.
pub async fn prompted(
    name: &str,
    client_name: &str,
    rp_state: &str,
) -> (Rp, String, AppState, String) {
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

/// The address of a decision that leaves this app.
pub fn external(next: flow::Next) -> Url {
    match next {
        flow::Next::External(url) => url,
        other => panic!("expected another site, got {other:?}"),
    }
}

/// The form's ticket of a prompt that asks.
pub fn ticket_of(step: PromptStep) -> String {
    match step {
        PromptStep::Ask(p) => p.ticket,
        other => panic!("expected a prompt, got {other:?}"),
    }
}

/// The decision form's ticket in a rendered prompt.
pub fn ticket_in(html: &str) -> String {
    html.split(r#"name="ticket" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("ticket input")
        .to_owned()
}

/// A loopback URL where nothing listens (a port just freed): Hydra unreachable.
pub fn closed_port_url() -> String {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", closed.local_addr().unwrap())
}

/// The prompt's address for `challenge`.
pub fn prompt_uri(challenge: &str) -> String {
    format!("/logout?logout_challenge={}", urlencode(challenge))
}

/// `GET uri` as a browser asks for a page (`Accept: text/html`), plus `headers`.
pub fn get(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut req = Request::get(uri).header(header::ACCEPT, "text/html");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(Body::empty()).unwrap()
}

/// The decision form's post (`body` URL-encoded, no `Accept`), plus `headers`.
pub fn decide_post(body: String, headers: &[(&str, &str)]) -> Request<Body> {
    let mut req = Request::post("/api/logout/decide")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(Body::from(body)).unwrap()
}

/// The `Location` header, or "" without one.
pub fn location(headers: &http::HeaderMap) -> String {
    headers
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Sends `req` through `app`: status, headers and body.
pub async fn send(app: axum::Router, req: Request<Body>) -> (StatusCode, http::HeaderMap, String) {
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// Renders `/logout` over HTTP; returns the status and the page.
pub async fn prompt_html(app: axum::Router, challenge: &str, lang: &str) -> (StatusCode, String) {
    let (status, _, html) = send(
        app,
        get(&prompt_uri(challenge), &[("accept-language", lang)]),
    )
    .await;
    (status, html)
}

/// The text of the element with `data-testid="{id}"` in server-rendered HTML.
pub fn testid_text(html: &str, id: &str) -> Option<String> {
    let (_, rest) = html.split_once(&format!(r#"data-testid="{id}""#))?;
    let (_, rest) = rest.split_once('>')?;
    rest.split_once('<').map(|(text, _)| text.to_owned())
}

/// Log lines written while the guard lives, at every level.
#[derive(Clone, Default)]
pub struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

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
    /// Captures this thread's log lines at every level while the guard lives.
    pub fn start() -> (CapturedLogs, tracing::subscriber::DefaultGuard) {
        let logs = CapturedLogs::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        (logs.clone(), tracing::subscriber::set_default(subscriber))
    }

    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The `audit` lines (one per decision: "logout decision …") among `logs`.
pub fn audit_lines(logs: &str) -> Vec<&str> {
    logs.lines()
        .filter(|l| l.contains("logout decision"))
        .collect()
}
