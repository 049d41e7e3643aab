//! Runtime configuration, read once at startup from the environment.
//!
//! Every field's doc names its variable. [`Config::from_env`] reports *all*
//! problems at once, so an operator fixes a deployment in one round.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

/// Where Hydra's admin API is and how to authenticate to it.
#[derive(Debug, Clone)]
pub struct Config {
    /// Base URL of Hydra's admin API: `HYDRA_ADMIN_URL` (self-hosted, e.g.
    /// `http://127.0.0.1:4445`) or `ORY_SDK_URL` (Ory Network project URL, e.g.
    /// `https://<slug>.projects.oryapis.com`).
    pub admin_url: Url,
    /// Hydra's public URL, used to resolve the relative URLs Hydra hands out and to
    /// check that we only ever redirect to Hydra itself: `HYDRA_PUBLIC_URL`. With
    /// `ORY_SDK_URL` it defaults to the project URL.
    pub public_url: Url,
    /// `ORY_API_KEY` (or `ORY_PAT`), sent as `Authorization: Bearer`. Never printed.
    pub api_key: Option<SecretString>,
    /// Where "stay signed in" goes when neither the relying party nor the client
    /// names a place: `HOME_URL` (http/https).
    pub home_url: Option<Url>,
    /// Key material for sealing challenges into form tickets: `LOGOUT_UI_SECRET`
    /// (at least 32 characters). Replicas must share it. When unset, a random
    /// per-process secret is used and a warning logged.
    pub ticket_secret: Option<SecretString>,
    /// Client ids whose RP-initiated logouts are accepted without asking:
    /// `SKIP_LOGOUT_CONSENT_CLIENTS` (comma-separated). Never applies to
    /// user-initiated logouts.
    pub skip_consent_clients: Vec<String>,
    /// `APP_ONLY_REVOKES_CONSENT` (`true`/`false`, default `true`): whether
    /// "only {App}" revokes that app's consent sessions for the subject, and with
    /// them its access and refresh tokens (Hydra's `revokeOAuth2ConsentSessions`).
    /// Off: only the logout request is rejected, the app's tokens stay valid.
    pub app_only_revokes_consent: bool,
    /// Whether the CSRF cookie is `Secure` (and `__Host-` prefixed): `COOKIE_SECURE`
    /// (`true`/`false`), default true when `HYDRA_PUBLIC_URL` is https.
    pub cookie_secure: bool,
    /// `Strict-Transport-Security: max-age=…; includeSubDomains` on every
    /// response: `HSTS_MAX_AGE` (seconds). Unset: no header (usually the TLS
    /// proxy's job).
    pub hsts_max_age: Option<u64>,
    /// Language when neither the relying party (`ui_locales`) nor the browser
    /// (`Accept-Language`) names a supported one: `DEFAULT_LOCALE` (en, de, fr,
    /// es, ja; default en).
    pub default_lang: crate::i18n::Lang,
    /// Operator branding, all optional: `BRAND_NAME`, `BRAND_LOGO_URL` (https URL
    /// or a path on this server), `BRAND_PRIMARY_COLOR` (`#rrggbb`), `SUPPORT_URL`.
    pub brand: Brand,
    /// Serve `/metrics` on this separate address instead of the main port:
    /// `METRICS_ADDR` (e.g. `0.0.0.0:9090`), so it need not pass the public ingress.
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// Total time budget for one call to Hydra: `HYDRA_TIMEOUT_MS` (default 5000).
    pub hydra_timeout: Duration,
    /// Time budget for opening a connection to Hydra: `HYDRA_CONNECT_TIMEOUT_MS`
    /// (default 2000).
    pub hydra_connect_timeout: Duration,
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
        let name = env.get("BRAND_NAME").and_then(|n| {
            if n.contains(['<', '>']) {
                problems.push("BRAND_NAME must not contain < or >".into());
                return None;
            }
            Some(n.trim().chars().take(60).collect())
        });
        let logo_url = env.get("BRAND_LOGO_URL").and_then(|raw| {
            let raw = raw.trim().to_owned();
            let ok = (raw.starts_with('/') && !raw.starts_with("//"))
                || Url::parse(&raw).is_ok_and(|u| u.scheme() == "https" && u.host().is_some());
            if !ok {
                problems.push(
                    "BRAND_LOGO_URL must be an https URL or a path on this server (the page's CSP allows no other images)"
                        .into(),
                );
            }
            ok.then_some(raw)
        });
        let primary_color = env.get("BRAND_PRIMARY_COLOR").and_then(|raw| {
            let c = raw.trim().to_ascii_lowercase();
            let ok = c.len() == 7
                && c.starts_with('#')
                && c.chars().skip(1).all(|ch| ch.is_ascii_hexdigit());
            if !ok {
                problems.push("BRAND_PRIMARY_COLOR must be a colour like #4338ca".into());
            }
            ok.then_some(c)
        });
        let support_url = env
            .get("SUPPORT_URL")
            .and_then(|raw| parse_http_url("SUPPORT_URL", &raw, problems))
            .map(String::from);
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

fn parse_http_url(name: &str, value: &str, problems: &mut Vec<String>) -> Option<Url> {
    match Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Some(u),
        Ok(_) => {
            problems.push(format!("{name} must be an absolute http(s) URL"));
            None
        }
        Err(e) => {
            problems.push(format!("{name} is not a valid URL ({e})"));
            None
        }
    }
}

fn parse_millis(env: &impl Env, name: &str, default: u64, problems: &mut Vec<String>) -> Duration {
    match env.get(name) {
        None => Duration::from_millis(default),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(ms) if (1..=120_000).contains(&ms) => Duration::from_millis(ms),
            _ => {
                problems.push(format!(
                    "{name} must be a number of milliseconds between 1 and 120000"
                ));
                Duration::from_millis(default)
            }
        },
    }
}

impl Config {
    /// Reads and validates the configuration.
    pub fn from_env(env: &impl Env) -> Result<Config, ConfigErrors> {
        let mut problems = Vec::new();

        let hydra_admin = env.get("HYDRA_ADMIN_URL");
        let ory_sdk = env.get("ORY_SDK_URL");
        let admin_url = match (&hydra_admin, &ory_sdk) {
            (Some(a), None) => parse_http_url("HYDRA_ADMIN_URL", a, &mut problems),
            (None, Some(o)) => parse_http_url("ORY_SDK_URL", o, &mut problems),
            (Some(_), Some(_)) => {
                problems.push(
                    "set either HYDRA_ADMIN_URL (self-hosted Hydra) or ORY_SDK_URL (Ory Network), not both"
                        .into(),
                );
                None
            }
            (None, None) => {
                problems.push(
                    "HYDRA_ADMIN_URL (self-hosted Hydra) or ORY_SDK_URL (Ory Network) is required"
                        .into(),
                );
                None
            }
        };

        let public_url = match env.get("HYDRA_PUBLIC_URL") {
            Some(p) => parse_http_url("HYDRA_PUBLIC_URL", &p, &mut problems),
            None if ory_sdk.is_some() => admin_url.clone(),
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
        if ory_sdk.is_some() && api_key.is_none() {
            problems.push("ORY_API_KEY (or ORY_PAT) is required with ORY_SDK_URL".into());
        }

        let home_url = env
            .get("HOME_URL")
            .and_then(|h| parse_http_url("HOME_URL", &h, &mut problems));

        let ticket_secret = match env.get("LOGOUT_UI_SECRET") {
            Some(s) if s.chars().count() >= 32 => Some(SecretString::from(s)),
            Some(_) => {
                problems.push("LOGOUT_UI_SECRET must be at least 32 characters long".into());
                None
            }
            None => None,
        };

        let skip_consent_clients = env
            .get("SKIP_LOGOUT_CONSENT_CLIENTS")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();

        let app_only_revokes_consent = match env
            .get("APP_ONLY_REVOKES_CONSENT")
            .as_deref()
            .map(str::trim)
        {
            None | Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(_) => {
                problems.push("APP_ONLY_REVOKES_CONSENT must be true or false".into());
                true
            }
        };

        let cookie_secure = match env.get("COOKIE_SECURE").as_deref().map(str::trim) {
            Some("true" | "1") => Some(true),
            Some("false" | "0") => Some(false),
            Some(_) => {
                problems.push("COOKIE_SECURE must be true or false".into());
                None
            }
            None => None,
        };

        let hsts_max_age = match env.get("HSTS_MAX_AGE") {
            None => None,
            Some(v) => match v.trim().parse::<u64>() {
                Ok(secs) => Some(secs),
                Err(_) => {
                    problems.push("HSTS_MAX_AGE must be a number of seconds".into());
                    None
                }
            },
        };

        let default_lang = match env.get("DEFAULT_LOCALE") {
            None => crate::i18n::Lang::default(),
            Some(tag) => crate::i18n::Lang::from_tag(&tag).unwrap_or_else(|| {
                problems.push(format!(
                    "DEFAULT_LOCALE must be one of {}",
                    crate::i18n::SUPPORTED.join(", ")
                ));
                crate::i18n::Lang::default()
            }),
        };

        let brand = Brand::from_env(env, &mut problems);

        let metrics_addr = env
            .get("METRICS_ADDR")
            .and_then(|a| match a.trim().parse() {
                Ok(addr) => Some(addr),
                Err(_) => {
                    problems.push("METRICS_ADDR must be an address like 0.0.0.0:9090".into());
                    None
                }
            });

        let hydra_timeout = parse_millis(env, "HYDRA_TIMEOUT_MS", 5_000, &mut problems);
        let hydra_connect_timeout =
            parse_millis(env, "HYDRA_CONNECT_TIMEOUT_MS", 2_000, &mut problems);

        match (admin_url, public_url) {
            (Some(admin_url), Some(public_url)) if problems.is_empty() => Ok(Config {
                cookie_secure: cookie_secure.unwrap_or(public_url.scheme() == "https"),
                admin_url,
                public_url,
                api_key,
                home_url,
                ticket_secret,
                skip_consent_clients,
                app_only_revokes_consent,
                hsts_max_age,
                default_lang,
                brand,
                metrics_addr,
                hydra_timeout,
                hydra_connect_timeout,
            }),
            _ => Err(ConfigErrors(problems)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn self_hosted_minimal() {
        let c = Config::from_env(&[
            ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
            ("HYDRA_PUBLIC_URL", "http://127.0.0.1:4444"),
        ])
        .unwrap();
        assert_eq!(c.admin_url.as_str(), "http://127.0.0.1:4445/");
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:4444/");
        assert!(c.api_key.is_none());
        assert_eq!(c.hydra_timeout, Duration::from_secs(5));
    }

    #[test]
    fn ory_network_defaults_public_url_and_needs_key() {
        let c = Config::from_env(&[
            ("ORY_SDK_URL", "https://slug.projects.oryapis.com"),
            ("ORY_PAT", "pat-value"),
        ])
        .unwrap();
        assert_eq!(c.public_url, c.admin_url);
        assert_eq!(c.api_key.unwrap().expose_secret(), "pat-value");

        let err =
            Config::from_env(&[("ORY_SDK_URL", "https://slug.projects.oryapis.com")]).unwrap_err();
        assert!(err.to_string().contains("ORY_API_KEY"), "{err}");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let err = Config::from_env(&[
            ("HOME_URL", "javascript:alert(1)"),
            ("LOGOUT_UI_SECRET", "short"),
            ("HYDRA_TIMEOUT_MS", "soon"),
        ])
        .unwrap_err();
        let text = err.to_string();
        for name in [
            "HYDRA_ADMIN_URL",
            "HYDRA_PUBLIC_URL",
            "HOME_URL",
            "LOGOUT_UI_SECRET",
            "HYDRA_TIMEOUT_MS",
        ] {
            assert!(text.contains(name), "{name} missing from: {text}");
        }
    }

    #[test]
    fn branding_is_validated_and_the_text_colour_contrasts() {
        let base = [
            ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
            ("HYDRA_PUBLIC_URL", "http://127.0.0.1:4444"),
        ];
        let mut env: Vec<(&str, &str)> = base.to_vec();
        env.extend([
            ("BRAND_NAME", "Acme ID"),
            ("BRAND_LOGO_URL", "/brand/logo.svg"),
            ("BRAND_PRIMARY_COLOR", "#FFD700"),
            ("SUPPORT_URL", "https://help.acme.test/"),
        ]);
        let env: [(&str, &str); 6] = env.try_into().unwrap();
        let c = Config::from_env(&env).unwrap();
        assert_eq!(c.brand.primary_color.as_deref(), Some("#ffd700"));
        let css = c.brand.stylesheet().unwrap();
        assert!(
            css.contains("--hlu-primary:#ffd700;--hlu-primary-fg:#000000"),
            "{css}"
        );
        let dark = Brand {
            primary_color: Some("#1e3a8a".into()),
            ..Brand::default()
        };
        // Navy: white text; links on white yes, on the dark card no.
        let css = dark.stylesheet().unwrap();
        assert!(
            css.starts_with(
                ":root{--hlu-primary:#1e3a8a;--hlu-primary-fg:#ffffff;--hlu-accent:#1e3a8a}"
            ),
            "{css}"
        );
        assert!(css.ends_with("--hlu-primary-fg:#ffffff}}\n"), "{css}");

        let err = Config::from_env(&[
            ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
            ("HYDRA_PUBLIC_URL", "http://127.0.0.1:4444"),
            ("BRAND_LOGO_URL", "http://cdn.test/logo.png"),
            ("BRAND_PRIMARY_COLOR", "red;}body{display:none"),
            ("SUPPORT_URL", "javascript:alert(1)"),
            ("BRAND_NAME", "</title><script>"),
        ])
        .unwrap_err()
        .to_string();
        for name in [
            "BRAND_LOGO_URL",
            "BRAND_PRIMARY_COLOR",
            "SUPPORT_URL",
            "BRAND_NAME",
        ] {
            assert!(err.contains(name), "{err}");
        }
    }

    #[test]
    fn both_admin_sources_is_an_error() {
        let err = Config::from_env(&[
            ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
            ("ORY_SDK_URL", "https://slug.projects.oryapis.com"),
            ("ORY_API_KEY", "k"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("not both"));
    }

    #[test]
    fn debug_output_hides_the_key() {
        let c = Config::from_env(&[
            ("ORY_SDK_URL", "https://slug.projects.oryapis.com"),
            ("ORY_API_KEY", "ory_apikey_canary_value"),
        ])
        .unwrap();
        assert!(!format!("{c:?}").contains("canary"));
    }
}
