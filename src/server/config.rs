//! Runtime configuration, read once at startup from the environment.
//!
//! Every field's doc names its variable. [`Config::from_env`] reports *all*
//! problems at once, so an operator fixes a deployment in one round.

use std::{net::SocketAddr, time::Duration};

use secrecy::SecretString;
use url::Url;

/// The whole configuration, by concern. Built by [`Config::from_env`] (the
/// binary) or [`Config::for_tests`] (tests, with the same defaults).
#[derive(Debug, Clone)]
pub struct Config {
    /// Where Hydra's admin and public APIs are and how to reach them.
    pub hydra: HydraConnection,
    /// Where (and how) to read the signed-in person's identity, to show their
    /// name instead of Hydra's `subject`. `None`: the subject is shown.
    pub identity: Option<IdentityConfig>,
    /// What the logout does and where "stay signed in" goes.
    pub policy: LogoutPolicy,
    /// How browsers reach this app and what the pages look like.
    pub presentation: Presentation,
    /// Running the process: listeners, connection bounds, keys shared by replicas.
    pub operations: Operations,
}

/// Where Hydra's admin API is and how to authenticate to it.
#[derive(Clone)]
pub struct HydraConnection {
    /// Base URL of Hydra's admin API: `HYDRA_ADMIN_URL` (self-hosted, e.g.
    /// `http://127.0.0.1:4445`), or the Ory Network project URL from `ORY_SDK_URL`
    /// (e.g. `https://<slug>.projects.oryapis.com`) or `ORY_PROJECT_SLUG` (see
    /// [`project_url_from_slug`]).
    pub admin_url: Url,
    /// Hydra's public URL, used to resolve the relative URLs Hydra hands out and to
    /// check that we only ever redirect to Hydra itself: `HYDRA_PUBLIC_URL`. With
    /// `ORY_SDK_URL` it defaults to the project URL.
    pub public_url: Url,
    /// `ORY_API_KEY` (or `ORY_PAT`), sent as `Authorization: Bearer`. Never printed.
    pub api_key: Option<SecretString>,
    /// Total time budget for one call to Hydra: `HYDRA_TIMEOUT_MS` (default 5000).
    pub timeout: Duration,
    /// Time budget for opening a connection to Hydra: `HYDRA_CONNECT_TIMEOUT_MS`
    /// (default 2000).
    pub connect_timeout: Duration,
}

/// Never prints the API key or a password inside `admin_url`.
impl std::fmt::Debug for HydraConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HydraConnection")
            .field("admin_url", &without_password(&self.admin_url))
            .field("public_url", &without_password(&self.public_url))
            .field("api_key", &self.api_key)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

/// `url` for printing: a password in it replaced by `***`.
fn without_password(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("***"));
    }
    shown.to_string()
}

/// What a decision does beyond Hydra's own behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutPolicy {
    /// Where "stay signed in" goes when neither the relying party nor the client
    /// names a place: `HOME_URL` (http/https).
    pub home_url: Option<Url>,
    /// Client ids whose RP-initiated logouts are accepted without asking:
    /// `SKIP_LOGOUT_CONSENT_CLIENTS` (comma-separated). Never applies to
    /// user-initiated logouts.
    pub skip_consent_clients: Vec<String>,
    /// `APP_ONLY_REVOKES_CONSENT` (`true`/`false`, default `true`): whether
    /// "only {App}" revokes that app's consent sessions for the subject, and with
    /// them its access and refresh tokens (Hydra's `revokeOAuth2ConsentSessions`).
    /// Off: only the logout request is rejected, the app's tokens stay valid.
    pub app_only_revokes_consent: bool,
}

impl Default for LogoutPolicy {
    fn default() -> Self {
        LogoutPolicy {
            home_url: None,
            skip_consent_clients: Vec::new(),
            app_only_revokes_consent: true,
        }
    }
}

/// How browsers reach the app and what its pages look like.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presentation {
    /// Where this app is reached by browsers (`PUBLIC_URL`) and what follows
    /// from it: the base path of every URL we generate and the CSRF cookie.
    pub site: Site,
    /// Operator branding, all optional: `BRAND_NAME`, `BRAND_LOGO_URL` (https URL
    /// or a path on this server), `BRAND_PRIMARY_COLOR` (`#rrggbb`), `SUPPORT_URL`.
    pub brand: Brand,
    /// Language when neither the relying party (`ui_locales`) nor the browser
    /// (`Accept-Language`) names a supported one: `DEFAULT_LOCALE` (en, de, fr,
    /// es, ja; default en).
    pub default_lang: crate::i18n::Lang,
}

/// Running the process.
#[derive(Debug, Clone)]
pub struct Operations {
    /// Key material for sealing challenges into form tickets: `LOGOUT_UI_SECRET`
    /// (at least 32 characters). Replicas must share it. When unset, a random
    /// per-process secret is used and a warning logged.
    pub ticket_secret: Option<SecretString>,
    /// `Strict-Transport-Security: max-age=…; includeSubDomains` on every
    /// response: `HSTS_MAX_AGE` (seconds). Unset: no header (usually the TLS
    /// proxy's job).
    pub hsts_max_age: Option<u64>,
    /// The separate listener for `/metrics`: `METRICS_ADDR` (default
    /// [`DEFAULT_METRICS_ADDR`], loopback only; `0.0.0.0:9464` for an in-cluster
    /// scraper; `off` for none). Never the main port, so metrics cannot leak
    /// through the public ingress (Ory's services keep them on the admin side too).
    pub metrics_addr: Option<SocketAddr>,
    /// Bounds on client connections (`HTTP_*`).
    pub listen: Listen,
}

impl Default for Operations {
    fn default() -> Self {
        Operations {
            ticket_secret: None,
            hsts_max_age: None,
            metrics_addr: DEFAULT_METRICS_ADDR.parse().ok(),
            listen: Listen::default(),
        }
    }
}

/// The identity lookup (`GET {admin}/admin/identities/{subject}`, Ory Kratos'
/// `getIdentity`).
#[derive(Clone, PartialEq, Eq)]
pub struct IdentityConfig {
    /// Kratos' admin API: `KRATOS_ADMIN_URL` (self-hosted, e.g.
    /// `http://127.0.0.1:4434`); on Ory Network (`ORY_SDK_URL` or
    /// `ORY_PROJECT_SLUG`) the project URL, which serves the identity API too.
    pub admin_url: Url,
    /// Whether `ORY_API_KEY` goes with the lookup: only when the identity API is
    /// on the same origin as Hydra's admin API (Ory Network), never to another host.
    pub send_api_key: bool,
    /// Total time budget of one lookup: `IDENTITY_LOOKUP_TIMEOUT_MS` (default
    /// 300). On timeout the page shows the subject.
    pub timeout: Duration,
    /// Trait paths tried in order for the display name: `IDENTITY_NAME_TRAITS`
    /// (comma-separated, dots for nesting; default `name,username,email`). A
    /// value is used when it is a non-empty string, or an object with string
    /// `first` and/or `last`.
    pub name_traits: Vec<String>,
    /// Trait path of the e-mail address shown as a second line when it differs
    /// from the name: `IDENTITY_EMAIL_TRAIT` (default `email`; `-`: none).
    pub email_trait: Option<String>,
}

/// Never prints a password inside `admin_url`.
impl std::fmt::Debug for IdentityConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityConfig")
            .field("admin_url", &without_password(&self.admin_url))
            .field("send_api_key", &self.send_api_key)
            .field("timeout", &self.timeout)
            .field("name_traits", &self.name_traits)
            .field("email_trait", &self.email_trait)
            .finish()
    }
}

/// The Ory Network project URL for `ORY_PROJECT_SLUG`: a bare slug
/// (`[a-z0-9-]`, e.g. `brave-pike-abc123`) means
/// `https://<slug>.projects.oryapis.com`; a host name (contains a dot, e.g.
/// `auth.example.com`, a custom domain) is used as is, over https.
///
/// # Errors
/// A sentence naming `ORY_PROJECT_SLUG` when the value is a URL, has a path,
/// port or characters a host name cannot have.
pub fn project_url_from_slug(raw: &str) -> Result<Url, String> {
    let value = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if value.contains("://") {
        return Err(
            "ORY_PROJECT_SLUG is a project slug or host name, not a URL (use ORY_SDK_URL for a URL)"
                .into(),
        );
    }
    if value.is_empty() || value.len() > 253 || !value.split('.').all(label_ok) {
        return Err(
            "ORY_PROJECT_SLUG must be a project slug (e.g. brave-pike-abc123) or a host name (e.g. auth.example.com)"
                .into(),
        );
    }
    let host = if value.contains('.') {
        value
    } else {
        format!("{value}.projects.oryapis.com")
    };
    Url::parse(&format!("https://{host}/")).map_err(|e| format!("ORY_PROJECT_SLUG: {e}"))
}

/// Whether `url` points at this machine (`127.0.0.0/8`, `::1`, `localhost`), where
/// plain http does not expose the API key to a network.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        None => false,
    }
}

/// A problem when `url`, the value of `name`, carries credentials
/// (`http://user:password@host/`) that would travel over plain http to a host
/// other than this machine: reqwest sends them as HTTP Basic authentication on
/// every call, readable by anyone on the network, just like `ORY_API_KEY`. The
/// same opt-out applies (`ALLOW_API_KEY_OVER_HTTP=true`, `allowed`). The
/// sentence names the host only, never the credentials.
fn credentials_over_http(name: &str, url: &Url, allowed: bool) -> Option<String> {
    let has_credentials = !url.username().is_empty() || url.password().is_some();
    (has_credentials && url.scheme() == "http" && !is_loopback(url) && !allowed).then(|| {
        format!(
            "{name} carries credentials (user:password@) that would be sent over plain http to {}: use https, or set ALLOW_API_KEY_OVER_HTTP=true if that network is private",
            url.host_str().unwrap_or("?")
        )
    })
}

/// Default of `METRICS_ADDR`: loopback, so a fresh deployment exposes nothing.
pub const DEFAULT_METRICS_ADDR: &str = "127.0.0.1:9464";

/// This app as browsers see it.
///
/// Behind a reverse proxy that mounts the app under a prefix and strips it
/// (`https://auth.example.com/ui/logout` → `http://app:8080/logout`), the router
/// keeps serving at the root while every URL written into a page or a `Location`
/// header, and the CSRF cookie's `Path`, carry [`Site::base_path`]. The prefix
/// comes only from configuration, never from a request header such as
/// `X-Forwarded-Prefix`, which any client can send.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// `PUBLIC_URL`, e.g. `https://auth.example.com/ui/`; `None` when unset.
    pub public_url: Option<Url>,
    /// The path of `PUBLIC_URL` without its trailing `/`: `""` at the root,
    /// else like `/ui`. Only `A–Z a–z 0–9 - . _ ~ /` (checked), so it is safe in
    /// HTML attributes, `Location` and `Set-Cookie`.
    pub base_path: String,
    /// Whether the CSRF cookie is `Secure` (see [`Config::from_env`] for how it is chosen).
    pub cookie_secure: bool,
}

impl Site {
    /// `path` (which starts with `/`) as browsers must request it: prefixed with
    /// the base path. `"/stayed"` → `"/ui/stayed"`; unchanged at the root.
    pub fn path(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    /// The CSRF cookie's name: `__Host-` needs `Secure` and `Path=/`, so under a
    /// base path the cookie is `__Secure-` prefixed and scoped to that path.
    pub fn cookie_name(&self) -> &'static str {
        match (self.cookie_secure, self.base_path.is_empty()) {
            (true, true) => "__Host-logout_csrf",
            (true, false) => "__Secure-logout_csrf",
            (false, _) => "logout_csrf",
        }
    }

    /// The CSRF cookie's `Path`: the base path, `/` at the root.
    pub fn cookie_path(&self) -> &str {
        if self.base_path.is_empty() {
            "/"
        } else {
            &self.base_path
        }
    }
}

/// Bounds on what one client can hold of the server, each from its variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    /// Time to receive a request's complete header block, also the idle time
    /// allowed between requests on a kept-alive connection:
    /// `HTTP_HEADER_READ_TIMEOUT_MS` (default 10000). A slow-loris client that
    /// trickles header bytes is disconnected when it runs out.
    pub header_read_timeout: Duration,
    /// Time for a whole request once its header arrived (reading the body,
    /// calling Hydra, answering): `HTTP_REQUEST_TIMEOUT_MS` (default 30000;
    /// keep it above `HYDRA_TIMEOUT_MS` × 3 retries + one accept). Exceeded: `408`.
    pub request_timeout: Duration,
    /// Most client connections open at once: `HTTP_MAX_CONNECTIONS` (default
    /// 1024). Further connections wait in the kernel's accept queue until one
    /// closes, so a flood cannot exhaust file descriptors or memory.
    pub max_connections: usize,
}

impl Default for Listen {
    fn default() -> Self {
        Listen {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

/// Checks `PUBLIC_URL` and returns it with its base path.
fn public_url(raw: &str) -> Result<(Url, String), String> {
    let url = http_url("PUBLIC_URL")(raw)?;
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err("PUBLIC_URL must not carry a query, a fragment or credentials".into());
    }
    let base = url.path().trim_end_matches('/').to_owned();
    let safe = base
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '/'));
    if !safe || base.contains("//") || base.split('/').any(|seg| seg == "." || seg == "..") {
        return Err(
            "PUBLIC_URL's path may contain only letters, digits, - . _ ~ and single slashes".into(),
        );
    }
    Ok((url, base))
}

/// How the pages present the operator's product.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Brand {
    pub name: Option<String>,
    pub logo_url: Option<String>,
    /// `#rrggbb`, lower-case.
    pub primary_color: Option<String>,
    pub support_url: Option<String>,
}

impl Brand {
    fn from_env(env: &impl Env, problems: &mut Vec<String>) -> Brand {
        // leptos_meta writes <title> text unescaped (RCDATA): refuse markup characters
        // rather than rely on the renderer.
        let name = var(env, "BRAND_NAME", problems, |n| {
            if n.contains(['<', '>']) {
                return Err("BRAND_NAME must not contain < or >".into());
            }
            Ok(n.trim().chars().take(60).collect())
        });
        let logo_url = var(env, "BRAND_LOGO_URL", problems, |raw| {
            let raw = raw.trim().to_owned();
            let ok = (raw.starts_with('/') && !raw.starts_with("//"))
                || Url::parse(&raw).is_ok_and(|u| {
                    u.scheme() == "https"
                        && u.host().is_some()
                        && u.username().is_empty()
                        && u.password().is_none()
                });
            if ok {
                Ok(raw)
            } else {
                Err("BRAND_LOGO_URL must be an https URL or a path on this server (the page's CSP allows no other images)".into())
            }
        });
        let primary_color = var(env, "BRAND_PRIMARY_COLOR", problems, |raw| {
            let c = raw.trim().to_ascii_lowercase();
            let ok = c.len() == 7
                && c.starts_with('#')
                && c.chars().skip(1).all(|ch| ch.is_ascii_hexdigit());
            if ok {
                Ok(c)
            } else {
                Err("BRAND_PRIMARY_COLOR must be a colour like #4338ca".into())
            }
        });
        let support_url =
            var(env, "SUPPORT_URL", problems, browser_url("SUPPORT_URL")).map(String::from);
        Brand {
            name,
            logo_url,
            primary_color,
            support_url,
        }
    }

    /// The stylesheet that applies the colour (served at `/brand.css`): CSS
    /// custom properties, because the CSP forbids inline styles. Buttons take the
    /// colour with black or white text, whichever contrasts more; links and focus
    /// rings take it only in the colour schemes where it reaches 4.5:1 against
    /// the card (WCAG 1.4.3), and keep the default accent otherwise.
    pub fn stylesheet(&self) -> Option<String> {
        let color = self.primary_color.as_deref()?;
        let luminance = relative_luminance(color)?;
        let contrast = |other: f64| {
            let (hi, lo) = if luminance > other {
                (luminance, other)
            } else {
                (other, luminance)
            };
            (hi + 0.05) / (lo + 0.05)
        };
        let fg = if contrast(1.0) >= contrast(0.0) {
            "#ffffff"
        } else {
            "#000000"
        };
        let accent = |surface: &str| {
            let ok = relative_luminance(surface).is_some_and(|s| contrast(s) >= 4.5);
            if ok {
                format!(";--hlu-accent:{color}")
            } else {
                String::new()
            }
        };
        // The card surfaces of style/tailwind.css.
        let (light, dark) = (accent("#ffffff"), accent("#111827"));
        Some(format!(
            ":root{{--hlu-primary:{color};--hlu-primary-fg:{fg}{light}}}\n\
             @media (prefers-color-scheme:dark){{:root{{--hlu-primary:{color};--hlu-primary-fg:{fg}{dark}}}}}\n"
        ))
    }
}

/// WCAG relative luminance of `#rrggbb`.
fn relative_luminance(color: &str) -> Option<f64> {
    let channel = |i: usize| {
        let v = u8::from_str_radix(color.get(i..i + 2)?, 16).ok()?;
        let c = f64::from(v) / 255.0;
        Some(if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * channel(1)? + 0.7152 * channel(3)? + 0.0722 * channel(5)?)
}

/// A source of environment variables; a trait so tests need not touch the
/// process environment.
pub trait Env {
    fn get(&self, key: &str) -> Option<String>;
}

/// The real process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.trim().is_empty())
    }
}

impl<const N: usize> Env for [(&str, &str); N] {
    fn get(&self, key: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| (*v).to_owned())
            .filter(|v| !v.trim().is_empty())
    }
}

/// All configuration problems found, one sentence each.
#[derive(Debug)]
pub struct ConfigErrors(pub Vec<String>);

impl std::fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "invalid configuration:")?;
        for p in &self.0 {
            writeln!(f, "  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Reads the variable `name` and converts it with `parse`: the one way every
/// variable is read. Unset (or blank) is `None`; a value `parse` refuses adds
/// `parse`'s sentence (which names the variable) to `problems` and is `None`
/// too, so reading goes on and every problem is reported at once.
fn var<T>(
    env: &impl Env,
    name: &str,
    problems: &mut Vec<String>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    let raw = env.get(name)?;
    parse(&raw).map_err(|problem| problems.push(problem)).ok()
}

/// An absolute http(s) URL with a host.
fn http_url(name: &str) -> impl Fn(&str) -> Result<Url, String> + '_ {
    move |value| match Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(u),
        Ok(_) => Err(format!("{name} must be an absolute http(s) URL")),
        Err(e) => Err(format!("{name} is not a valid URL ({e})")),
    }
}

/// An absolute http(s) URL with a host and without credentials (`user:password@`):
/// one that browsers are shown or sent to (links, redirects), where credentials
/// would be disclosed to every visitor.
fn browser_url(name: &str) -> impl Fn(&str) -> Result<Url, String> + '_ {
    move |value| {
        let url = http_url(name)(value)?;
        if url.username().is_empty() && url.password().is_none() {
            Ok(url)
        } else {
            Err(format!(
                "{name} must not carry credentials (user:password@): browsers are shown or sent to it"
            ))
        }
    }
}

/// `true`/`1` or `false`/`0`.
fn boolean(name: &str) -> impl Fn(&str) -> Result<bool, String> + '_ {
    move |value| match value.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("{name} must be true or false")),
    }
}

/// A whole number in `range`, in `unit`s.
fn bounded<'a>(
    name: &'a str,
    range: std::ops::RangeInclusive<u64>,
    unit: &'a str,
) -> impl Fn(&str) -> Result<u64, String> + 'a {
    move |value| match value.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "{name} must be a number of {unit} between {} and {}",
            range.start(),
            range.end()
        )),
    }
}

/// A time budget in milliseconds (1 to 120000), `default` when unset or invalid.
fn millis(env: &impl Env, name: &str, default: u64, problems: &mut Vec<String>) -> Duration {
    let ms = var(
        env,
        name,
        problems,
        bounded(name, 1..=120_000, "milliseconds"),
    );
    Duration::from_millis(ms.unwrap_or(default))
}

/// The identity lookup's settings: on with `KRATOS_ADMIN_URL`, or with Ory
/// Network (whose project URL serves the identity API); off otherwise.
fn identity_from_env(
    env: &impl Env,
    hydra: &HydraParts,
    problems: &mut Vec<String>,
) -> Option<IdentityConfig> {
    let (hydra_admin, ory_network) = (hydra.admin_url.as_ref(), hydra.ory_network);
    let admin_url = match env.get("KRATOS_ADMIN_URL") {
        Some(_) => var(env, "KRATOS_ADMIN_URL", problems, |raw| {
            let url = http_url("KRATOS_ADMIN_URL")(raw)?;
            match credentials_over_http("KRATOS_ADMIN_URL", &url, hydra.allow_key_over_http) {
                Some(problem) => Err(problem),
                None => Ok(url),
            }
        }),
        None if ory_network => hydra_admin.cloned(),
        None => None,
    };
    let timeout = millis(env, "IDENTITY_LOOKUP_TIMEOUT_MS", 300, problems);
    let path_ok = |p: &str| {
        !p.is_empty()
            && p.len() <= 100
            && p.split('.').all(|seg| {
                !seg.is_empty()
                    && seg
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
    };
    let name_traits: Vec<String> = match env.get("IDENTITY_NAME_TRAITS") {
        None => ["name", "username", "email"].map(String::from).to_vec(),
        Some(raw) => raw
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    if name_traits.is_empty() || !name_traits.iter().all(|p| path_ok(p)) {
        problems.push(
            "IDENTITY_NAME_TRAITS must be a comma-separated list of trait paths like name,profile.display_name"
                .into(),
        );
    }
    let email_trait = match env.get("IDENTITY_EMAIL_TRAIT") {
        None => Some("email".to_owned()),
        Some(p) if p.trim() == "-" => None,
        Some(p) if path_ok(p.trim()) => Some(p.trim().to_owned()),
        Some(_) => {
            problems.push(
                "IDENTITY_EMAIL_TRAIT must be a trait path like email or contact.email (or - for none)"
                    .into(),
            );
            None
        }
    };
    let admin_url = admin_url?;
    Some(IdentityConfig {
        send_api_key: hydra_admin.is_some_and(|h| h.origin() == admin_url.origin()),
        admin_url,
        timeout,
        name_traits,
        email_trait,
    })
}

/// [`HydraConnection`] as far as it could be read, and whether Ory Network
/// is configured (which changes other defaults).
struct HydraParts {
    admin_url: Option<Url>,
    public_url: Option<Url>,
    api_key: Option<SecretString>,
    ory_network: bool,
    /// `ALLOW_API_KEY_OVER_HTTP`: also allows credentials in admin URLs over http.
    allow_key_over_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
}

/// Default of `HYDRA_TIMEOUT_MS`.
const HYDRA_TIMEOUT_MS: u64 = 5_000;
/// Default of `HYDRA_CONNECT_TIMEOUT_MS`.
const HYDRA_CONNECT_TIMEOUT_MS: u64 = 2_000;

impl HydraParts {
    fn from_env(env: &impl Env, problems: &mut Vec<String>) -> HydraParts {
        let hydra_admin = env.get("HYDRA_ADMIN_URL");
        let ory_sdk = env.get("ORY_SDK_URL");
        let ory_slug = env.get("ORY_PROJECT_SLUG");
        let sdk_url = var(env, "ORY_SDK_URL", problems, http_url("ORY_SDK_URL"));
        let slug_url = var(env, "ORY_PROJECT_SLUG", problems, project_url_from_slug);
        // Ory Network: ORY_SDK_URL and ORY_PROJECT_SLUG may both be given when they
        // name the same project.
        let ory_network = ory_sdk.is_some() || ory_slug.is_some();
        let project_url = match (&sdk_url, &slug_url) {
            (Some(sdk), Some(slug)) if sdk.origin() != slug.origin() => {
                problems.push(format!(
                    "ORY_SDK_URL and ORY_PROJECT_SLUG name different projects ({} vs {}); set one of them",
                    sdk.origin().ascii_serialization(),
                    slug.origin().ascii_serialization()
                ));
                None
            }
            (Some(url), _) | (None, Some(url)) => Some(url.clone()),
            (None, None) => None,
        };
        let admin_url = match (&hydra_admin, ory_network) {
            (Some(_), false) => var(
                env,
                "HYDRA_ADMIN_URL",
                problems,
                http_url("HYDRA_ADMIN_URL"),
            ),
            (None, true) => project_url,
            (Some(_), true) => {
                let ory = match (&ory_sdk, &ory_slug) {
                    (Some(_), Some(_)) => "ORY_SDK_URL and ORY_PROJECT_SLUG",
                    (Some(_), None) => "ORY_SDK_URL",
                    _ => "ORY_PROJECT_SLUG",
                };
                problems.push(format!(
                    "set either HYDRA_ADMIN_URL (self-hosted Hydra) or {ory} (Ory Network), not both"
                ));
                None
            }
            (None, false) => {
                problems.push(
                    "HYDRA_ADMIN_URL (self-hosted Hydra) or ORY_SDK_URL / ORY_PROJECT_SLUG (Ory Network) is required"
                        .into(),
                );
                None
            }
        };

        let public_url = match env.get("HYDRA_PUBLIC_URL") {
            Some(_) => var(
                env,
                "HYDRA_PUBLIC_URL",
                problems,
                browser_url("HYDRA_PUBLIC_URL"),
            ),
            // Ory Network's admin and public endpoints are one URL; credentials
            // given for the admin calls never reach the browser.
            None if ory_network => admin_url.clone().map(|mut url| {
                let _ = url.set_username("");
                let _ = url.set_password(None);
                url
            }),
            None => {
                problems.push(
                    "HYDRA_PUBLIC_URL is required with HYDRA_ADMIN_URL (Hydra's public endpoint, e.g. https://auth.example.com)"
                        .into(),
                );
                None
            }
        };

        let api_key = match (env.get("ORY_API_KEY"), env.get("ORY_PAT")) {
            (Some(k), _) | (None, Some(k)) => Some(SecretString::from(k.trim().to_owned())),
            (None, None) => None,
        };
        if ory_network && api_key.is_none() {
            problems.push(
                "ORY_API_KEY (or ORY_PAT) is required with ORY_SDK_URL / ORY_PROJECT_SLUG".into(),
            );
        }
        let allow_key_over_http = var(
            env,
            "ALLOW_API_KEY_OVER_HTTP",
            problems,
            boolean("ALLOW_API_KEY_OVER_HTTP"),
        )
        .unwrap_or(false);
        if let (Some(_), Some(url)) = (&api_key, &admin_url) {
            if url.scheme() == "http" && !is_loopback(url) && !allow_key_over_http {
                problems.push(format!(
                    "ORY_API_KEY (or ORY_PAT) would be sent over plain http to {}: use https, or set ALLOW_API_KEY_OVER_HTTP=true if that network is private",
                    url.host_str().unwrap_or("?")
                ));
            }
        }
        let admin_name = if hydra_admin.is_some() {
            "HYDRA_ADMIN_URL"
        } else {
            "ORY_SDK_URL"
        };
        problems.extend(
            admin_url
                .as_ref()
                .and_then(|url| credentials_over_http(admin_name, url, allow_key_over_http)),
        );
        HydraParts {
            admin_url,
            public_url,
            api_key,
            ory_network,
            allow_key_over_http,
            timeout: millis(env, "HYDRA_TIMEOUT_MS", HYDRA_TIMEOUT_MS, problems),
            connect_timeout: millis(
                env,
                "HYDRA_CONNECT_TIMEOUT_MS",
                HYDRA_CONNECT_TIMEOUT_MS,
                problems,
            ),
        }
    }
}

impl LogoutPolicy {
    fn from_env(env: &impl Env, problems: &mut Vec<String>) -> LogoutPolicy {
        let defaults = LogoutPolicy::default();
        LogoutPolicy {
            home_url: var(env, "HOME_URL", problems, browser_url("HOME_URL")),
            skip_consent_clients: env
                .get("SKIP_LOGOUT_CONSENT_CLIENTS")
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or(defaults.skip_consent_clients),
            app_only_revokes_consent: var(
                env,
                "APP_ONLY_REVOKES_CONSENT",
                problems,
                boolean("APP_ONLY_REVOKES_CONSENT"),
            )
            .unwrap_or(defaults.app_only_revokes_consent),
        }
    }
}

impl Operations {
    fn from_env(env: &impl Env, problems: &mut Vec<String>) -> Operations {
        let listen_defaults = Listen::default();
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Operations {
            ticket_secret: var(env, "LOGOUT_UI_SECRET", problems, |s| {
                if s.chars().count() >= 32 {
                    Ok(SecretString::from(s.to_owned()))
                } else {
                    Err("LOGOUT_UI_SECRET must be at least 32 characters long".into())
                }
            }),
            hsts_max_age: var(env, "HSTS_MAX_AGE", problems, |v| {
                v.trim()
                    .parse::<u64>()
                    .map_err(|_| "HSTS_MAX_AGE must be a number of seconds".into())
            }),
            metrics_addr: metrics_addr(env, problems),
            listen: Listen {
                header_read_timeout: millis(
                    env,
                    "HTTP_HEADER_READ_TIMEOUT_MS",
                    ms(listen_defaults.header_read_timeout),
                    problems,
                ),
                request_timeout: millis(
                    env,
                    "HTTP_REQUEST_TIMEOUT_MS",
                    ms(listen_defaults.request_timeout),
                    problems,
                ),
                max_connections: var(
                    env,
                    "HTTP_MAX_CONNECTIONS",
                    problems,
                    bounded("HTTP_MAX_CONNECTIONS", 1..=1_000_000, "connections"),
                )
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(listen_defaults.max_connections),
            },
        }
    }
}

/// `METRICS_ADDR`: `None` for `off` (or a value refused into `problems`), the
/// default when unset.
fn metrics_addr(env: &impl Env, problems: &mut Vec<String>) -> Option<SocketAddr> {
    match var(env, "METRICS_ADDR", problems, |a| match a.trim() {
        "off" => Ok(None),
        a => a
            .parse()
            .map(Some)
            .map_err(|_| "METRICS_ADDR must be an address like 0.0.0.0:9464, or off".into()),
    }) {
        Some(addr) => addr,
        None if env.get("METRICS_ADDR").is_some() => None,
        None => Operations::default().metrics_addr,
    }
}

/// Whether listeners on `a` and `b` would claim the same socket: the same port
/// (not 0, which picks a free one) and the same IP, or either one the
/// unspecified address (`0.0.0.0` or `[::]`, every interface: it includes the
/// other's).
fn listeners_overlap(a: SocketAddr, b: SocketAddr) -> bool {
    let (x, y) = (a.ip().to_canonical(), b.ip().to_canonical());
    a.port() == b.port() && a.port() != 0 && (x == y || x.is_unspecified() || y.is_unspecified())
}

/// Problems between the site's listen address (`site_addr`: `LEPTOS_SITE_ADDR`,
/// else `site-addr` in the Leptos site settings file) and `METRICS_ADDR` (as
/// [`Config::from_env`] reads it, default included): `/metrics` must never be
/// served on the public socket. Separate from [`Config::from_env`] because the
/// site address comes from Leptos' settings; read from `env` again so that it
/// is reported together with every other problem. A `METRICS_ADDR` that does
/// not parse is [`Config::from_env`]'s to report, not repeated here.
pub fn listener_problems(env: &impl Env, site_addr: SocketAddr) -> Vec<String> {
    let Some(metrics) = metrics_addr(env, &mut Vec::new()) else {
        return Vec::new();
    };
    if !listeners_overlap(metrics, site_addr) {
        return Vec::new();
    }
    let metrics_value = if env.get("METRICS_ADDR").is_some() {
        format!("{metrics}")
    } else {
        format!("unset: the default {metrics}")
    };
    vec![format!(
        "METRICS_ADDR ({metrics_value}) overlaps the site's listen address LEPTOS_SITE_ADDR (or site-addr in {}: {site_addr}): /metrics would share the public port; give METRICS_ADDR another port, or set it to off",
        env.get("LEPTOS_CONFIG").unwrap_or_else(|| "Leptos.toml".into())
    )]
}

/// The site (`PUBLIC_URL`, `COOKIE_SECURE`) and whether its cookie is `Secure`
/// (`None` when that cannot be told, or was contradicted).
fn site_from_env(
    env: &impl Env,
    hydra_public: Option<&Url>,
    problems: &mut Vec<String>,
) -> (Site, Option<bool>) {
    let cookie_secure = var(env, "COOKIE_SECURE", problems, boolean("COOKIE_SECURE"));
    let site = var(env, "PUBLIC_URL", problems, |raw| public_url(raw.trim()));
    // Whether browsers reach us over https: PUBLIC_URL says so; without it,
    // COOKIE_SECURE; without both, Hydra's public URL's scheme (the
    // historical default: this app usually shares Hydra's host and proxy).
    let https_public = site.as_ref().map(|(u, _)| u.scheme() == "https");
    let cookie_secure = match (cookie_secure, https_public) {
        (Some(true), Some(false)) => {
            problems.push(
                "COOKIE_SECURE=true contradicts an http PUBLIC_URL: browsers would drop the cookie"
                    .into(),
            );
            None
        }
        (Some(explicit), _) => Some(explicit),
        (None, Some(https)) => Some(https),
        (None, None) => hydra_public.map(|u| u.scheme() == "https"),
    };
    let (public_url, base_path) = site.unzip();
    let site = Site {
        public_url,
        base_path: base_path.unwrap_or_default(),
        cookie_secure: cookie_secure.unwrap_or(false),
    };
    (site, cookie_secure)
}

impl Config {
    /// Reads and validates the configuration.
    ///
    /// # Errors
    /// Every problem found, one sentence each naming its variable.
    pub fn from_env(env: &impl Env) -> Result<Config, ConfigErrors> {
        let mut problems = Vec::new();
        let hydra = HydraParts::from_env(env, &mut problems);
        let policy = LogoutPolicy::from_env(env, &mut problems);
        let operations = Operations::from_env(env, &mut problems);
        let (site, cookie_secure) = site_from_env(env, hydra.public_url.as_ref(), &mut problems);
        if operations.hsts_max_age.is_some() && cookie_secure == Some(false) {
            problems.push(
                "HSTS_MAX_AGE needs an https PUBLIC_URL (or COOKIE_SECURE=true): browsers ignore HSTS over http"
                    .into(),
            );
        }
        let presentation = Presentation {
            site,
            brand: Brand::from_env(env, &mut problems),
            default_lang: var(env, "DEFAULT_LOCALE", &mut problems, |tag| {
                crate::i18n::Lang::from_tag(tag).ok_or_else(|| {
                    format!(
                        "DEFAULT_LOCALE must be one of {}",
                        crate::i18n::SUPPORTED.join(", ")
                    )
                })
            })
            .unwrap_or_default(),
        };
        let identity = identity_from_env(env, &hydra, &mut problems);

        match (hydra.admin_url, hydra.public_url) {
            (Some(admin_url), Some(public_url)) if problems.is_empty() => Ok(Config {
                hydra: HydraConnection {
                    admin_url,
                    public_url,
                    api_key: hydra.api_key,
                    timeout: hydra.timeout,
                    connect_timeout: hydra.connect_timeout,
                },
                identity,
                policy,
                presentation,
                operations,
            }),
            _ => Err(ConfigErrors(problems)),
        }
    }

    /// A valid configuration for tests: Hydra at `admin_url` and `public_url`,
    /// everything else at the defaults [`Config::from_env`] gives when only
    /// `HYDRA_ADMIN_URL` and `HYDRA_PUBLIC_URL` are set (checked by a unit test).
    /// Tests change the fields they need.
    pub fn for_tests(admin_url: Url, public_url: Url) -> Config {
        let cookie_secure = public_url.scheme() == "https";
        Config {
            hydra: HydraConnection {
                admin_url,
                public_url,
                api_key: None,
                timeout: Duration::from_millis(HYDRA_TIMEOUT_MS),
                connect_timeout: Duration::from_millis(HYDRA_CONNECT_TIMEOUT_MS),
            },
            identity: None,
            policy: LogoutPolicy::default(),
            presentation: Presentation {
                site: Site {
                    cookie_secure,
                    ..Site::default()
                },
                ..Presentation::default()
            },
            operations: Operations::default(),
        }
    }
}

impl Config {
    /// Configured URLs that would send a browser back into the logout flow:
    /// this app's own `/logout` or decision endpoint, or Hydra's
    /// `/oauth2/sessions/logout` (which redirects to `urls.logout`, i.e. here).
    /// One sentence per URL, for a warning at start-up; the server still starts.
    ///
    /// Without `PUBLIC_URL` our origin is unknown, so any URL whose path is our
    /// `/logout` counts.
    pub fn loop_warnings(&self) -> Vec<String> {
        let mut candidates: Vec<(&str, Url)> = Vec::new();
        if let Some(home) = &self.policy.home_url {
            candidates.push(("HOME_URL", home.clone()));
        }
        if let Some(support) = self
            .presentation
            .brand
            .support_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
        {
            candidates.push(("SUPPORT_URL", support));
        }
        candidates
            .into_iter()
            .filter_map(|(name, url)| {
                let target = self.loop_target(&url)?;
                Some(format!(
                    "{name} ({url}) leads back into the logout flow ({target}): a user sent there would be asked to sign out again. Point it at a page outside the logout flow."
                ))
            })
            .collect()
    }

    fn loop_target(&self, url: &Url) -> Option<&'static str> {
        let path = url.path().trim_end_matches('/');
        let hydra_logout = format!(
            "{}/oauth2/sessions/logout",
            self.hydra.public_url.path().trim_end_matches('/')
        );
        if url.origin() == self.hydra.public_url.origin() && path == hydra_logout {
            return Some("Hydra's /oauth2/sessions/logout sends browsers to urls.logout");
        }
        let site = &self.presentation.site;
        let ours = match &site.public_url {
            Some(site) => url.origin() == site.origin(),
            None => true,
        };
        let own_paths = [site.path("/logout"), site.path("/api/logout/decide")];
        (ours && own_paths.iter().any(|p| p == path)).then_some("this app's own logout page")
    }
}

#[cfg(test)]
mod tests;
