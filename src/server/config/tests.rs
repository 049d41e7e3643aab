use super::*;
use secrecy::ExposeSecret;

#[test]
fn self_hosted_minimal() {
    let c = Config::from_env(&[
        ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
        ("HYDRA_PUBLIC_URL", "http://127.0.0.1:4444"),
    ])
    .unwrap();
    assert_eq!(c.hydra.admin_url.as_str(), "http://127.0.0.1:4445/");
    assert_eq!(c.hydra.public_url.as_str(), "http://127.0.0.1:4444/");
    assert!(c.hydra.api_key.is_none());
    assert_eq!(c.hydra.timeout, Duration::from_secs(5));
}

#[test]
fn ory_network_defaults_public_url_and_needs_key() {
    let c = Config::from_env(&[
        ("ORY_SDK_URL", "https://slug.projects.oryapis.com"),
        ("ORY_PAT", "pat-value"),
    ])
    .unwrap();
    assert_eq!(c.hydra.public_url, c.hydra.admin_url);
    assert_eq!(c.hydra.api_key.unwrap().expose_secret(), "pat-value");

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
    assert_eq!(
        c.presentation.brand.primary_color.as_deref(),
        Some("#ffd700")
    );
    let css = c.presentation.brand.stylesheet().unwrap();
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
    // Nor a password inside an admin URL (loopback, so it is allowed).
    let c = Config::from_env(&[
        ("HYDRA_ADMIN_URL", "http://admin:canary-pw@127.0.0.1:4445"),
        ("HYDRA_PUBLIC_URL", "http://127.0.0.1:4444"),
        ("KRATOS_ADMIN_URL", "http://admin:canary-pw@127.0.0.1:4434"),
    ])
    .unwrap();
    let debug = format!("{c:?}");
    assert!(
        !debug.contains("canary") && debug.contains("127.0.0.1:4434"),
        "{debug}"
    );
}

const HYDRA: [(&str, &str); 2] = [
    ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
    ("HYDRA_PUBLIC_URL", "https://auth.example.com/"),
];

fn with<const N: usize>(
    extra: [(&'static str, &'static str); N],
) -> Vec<(&'static str, &'static str)> {
    HYDRA.iter().copied().chain(extra).collect()
}

struct VecEnv(Vec<(&'static str, &'static str)>);
impl Env for VecEnv {
    fn get(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| (*v).to_owned())
    }
}

fn load(env: Vec<(&'static str, &'static str)>) -> Result<Config, String> {
    Config::from_env(&VecEnv(env)).map_err(|e| e.to_string())
}

#[test]
fn public_url_sets_the_base_path_and_the_cookie() {
    let c = load(with([(
        "PUBLIC_URL",
        "https://auth.example.com/ui/logout-app/",
    )]))
    .unwrap();
    assert_eq!(c.presentation.site.base_path, "/ui/logout-app");
    assert_eq!(c.presentation.site.path("/stayed"), "/ui/logout-app/stayed");
    assert!(c.presentation.site.cookie_secure);
    // __Host- demands Path=/, so a prefixed app uses __Secure- and its own path.
    assert_eq!(c.presentation.site.cookie_name(), "__Secure-logout_csrf");
    assert_eq!(c.presentation.site.cookie_path(), "/ui/logout-app");

    let root = load(with([("PUBLIC_URL", "https://logout.example.com")])).unwrap();
    assert_eq!(root.presentation.site.base_path, "");
    assert_eq!(root.presentation.site.path("/stayed"), "/stayed");
    assert_eq!(root.presentation.site.cookie_name(), "__Host-logout_csrf");
    assert_eq!(root.presentation.site.cookie_path(), "/");

    // Behind a TLS proxy the app itself speaks http; PUBLIC_URL decides, not
    // the scheme of the request or of Hydra.
    let plain = load(vec![
        ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
        ("HYDRA_PUBLIC_URL", "http://127.0.0.1:4444"),
        ("PUBLIC_URL", "https://127.0.0.1:8443/"),
    ])
    .unwrap();
    assert!(plain.presentation.site.cookie_secure);
    let http = load(with([("PUBLIC_URL", "http://127.0.0.1:3052/auth")])).unwrap();
    assert!(!http.presentation.site.cookie_secure);
    assert_eq!(http.presentation.site.cookie_name(), "logout_csrf");
    assert_eq!(http.presentation.site.cookie_path(), "/auth");
}

#[test]
fn without_public_url_the_app_is_at_the_root() {
    let c = load(with([])).unwrap();
    assert_eq!(c.presentation.site.base_path, "");
    // Historical default: Hydra's scheme.
    assert!(c.presentation.site.cookie_secure);
    let c = load(with([("COOKIE_SECURE", "false")])).unwrap();
    assert!(!c.presentation.site.cookie_secure);
}

#[test]
fn public_url_problems_are_reported() {
    for bad in [
        "https://auth.example.com/ui?x=1",
        "https://auth.example.com/ui#top",
        "https://auth.example.com/u%22i/",
        "https://auth.example.com/u i/",
        "ftp://auth.example.com/",
        "/ui",
    ] {
        let err = load(with([("PUBLIC_URL", bad)])).unwrap_err();
        assert!(err.contains("PUBLIC_URL"), "{bad}: {err}");
    }
    let err = load(with([
        ("PUBLIC_URL", "http://a.test/"),
        ("COOKIE_SECURE", "true"),
    ]))
    .unwrap_err();
    assert!(err.contains("contradicts"), "{err}");
    let err = load(with([
        ("PUBLIC_URL", "http://a.test/"),
        ("HSTS_MAX_AGE", "600"),
    ]))
    .unwrap_err();
    assert!(err.contains("HSTS_MAX_AGE"), "{err}");
    assert!(load(with([
        ("PUBLIC_URL", "https://a.test/"),
        ("HSTS_MAX_AGE", "600")
    ]))
    .is_ok());
}

#[test]
fn metrics_default_to_a_loopback_listener_and_can_be_turned_off() {
    let c = load(with([])).unwrap();
    assert_eq!(c.operations.metrics_addr, DEFAULT_METRICS_ADDR.parse().ok());
    assert!(c
        .operations
        .metrics_addr
        .is_some_and(|a| a.ip().is_loopback()));
    assert_eq!(
        load(with([("METRICS_ADDR", "off")]))
            .unwrap()
            .operations
            .metrics_addr,
        None
    );
    assert_eq!(
        load(with([("METRICS_ADDR", "0.0.0.0:9090")]))
            .unwrap()
            .operations
            .metrics_addr,
        "0.0.0.0:9090".parse().ok()
    );
    assert!(load(with([("METRICS_ADDR", "main")])).is_err());
}

#[test]
fn connection_bounds_have_defaults_and_overrides() {
    assert_eq!(load(with([])).unwrap().operations.listen, Listen::default());
    let c = load(with([
        ("HTTP_HEADER_READ_TIMEOUT_MS", "2500"),
        ("HTTP_REQUEST_TIMEOUT_MS", "9000"),
        ("HTTP_MAX_CONNECTIONS", "64"),
    ]))
    .unwrap();
    assert_eq!(
        c.operations.listen.header_read_timeout,
        Duration::from_millis(2500)
    );
    assert_eq!(c.operations.listen.request_timeout, Duration::from_secs(9));
    assert_eq!(c.operations.listen.max_connections, 64);
    let err = load(with([
        ("HTTP_HEADER_READ_TIMEOUT_MS", "0"),
        ("HTTP_MAX_CONNECTIONS", "lots"),
    ]))
    .unwrap_err();
    assert!(
        err.contains("HTTP_HEADER_READ_TIMEOUT_MS") && err.contains("HTTP_MAX_CONNECTIONS"),
        "{err}"
    );
}

#[test]
fn urls_that_lead_back_into_the_logout_flow_are_warned_about() {
    let warned = |extra: Vec<(&'static str, &'static str)>| {
        let mut env = HYDRA.to_vec();
        env.extend(extra);
        load(env).unwrap().loop_warnings()
    };
    // Our own prompt, at the root or under the base path.
    let w = warned(vec![("HOME_URL", "https://auth.example.com/logout")]);
    assert!(w.len() == 1 && w[0].starts_with("HOME_URL"), "{w:?}");
    let w = warned(vec![
        ("PUBLIC_URL", "https://auth.example.com/ui/"),
        ("HOME_URL", "https://auth.example.com/ui/logout/"),
        (
            "SUPPORT_URL",
            "https://auth.example.com/ui/api/logout/decide",
        ),
    ]);
    assert_eq!(w.len(), 2, "{w:?}");
    // Hydra's logout endpoint sends the browser to urls.logout, i.e. here.
    let w = warned(vec![(
        "HOME_URL",
        "https://auth.example.com/oauth2/sessions/logout",
    )]);
    assert!(w.len() == 1 && w[0].contains("urls.logout"), "{w:?}");
    // Harmless neighbours.
    for ok in [
        "https://auth.example.com/",
        "https://auth.example.com/logged-out",
        "https://shop.example.com/oauth2/sessions/logout",
    ] {
        assert!(warned(vec![("HOME_URL", ok)]).is_empty(), "{ok}");
    }
    // With PUBLIC_URL known, /logout on another host is someone else's page.
    assert!(warned(vec![
        ("PUBLIC_URL", "https://auth.example.com/"),
        ("HOME_URL", "https://shop.example.com/logout"),
    ])
    .is_empty());
}

#[test]
fn project_slug_means_an_ory_network_project_url() {
    assert_eq!(
        project_url_from_slug("brave-pike-abc123").unwrap().as_str(),
        "https://brave-pike-abc123.projects.oryapis.com/"
    );
    assert_eq!(
        project_url_from_slug(" Auth.Example.COM ")
            .unwrap()
            .as_str(),
        "https://auth.example.com/"
    );
    for bad in [
        "https://x.projects.oryapis.com",
        "slug/with/path",
        "host:8080",
        "-slug",
        "a..b",
        "sp ace",
        "",
    ] {
        assert!(project_url_from_slug(bad).is_err(), "{bad}");
    }
    let c = Config::from_env(&[("ORY_PROJECT_SLUG", "brave-pike"), ("ORY_API_KEY", "k")]).unwrap();
    assert_eq!(
        c.hydra.admin_url.as_str(),
        "https://brave-pike.projects.oryapis.com/"
    );
    assert_eq!(c.hydra.public_url, c.hydra.admin_url);
    // Ory Network serves the identity API on the same URL, with the same key.
    let identity = c.identity.unwrap();
    assert_eq!(identity.admin_url, c.hydra.admin_url);
    assert!(identity.send_api_key);
    assert_eq!(identity.timeout, Duration::from_millis(300));
    assert_eq!(identity.name_traits, ["name", "username", "email"]);
}

#[test]
fn project_slug_conflicts_are_reported_with_every_other_problem() {
    // The same project twice is fine.
    let c = Config::from_env(&[
        ("ORY_PROJECT_SLUG", "brave-pike"),
        ("ORY_SDK_URL", "https://brave-pike.projects.oryapis.com"),
        ("ORY_API_KEY", "k"),
    ])
    .unwrap();
    assert_eq!(
        c.hydra.admin_url.host_str(),
        Some("brave-pike.projects.oryapis.com")
    );

    let err = Config::from_env(&[
        ("ORY_PROJECT_SLUG", "brave-pike"),
        ("ORY_SDK_URL", "https://other.projects.oryapis.com"),
        ("HOME_URL", "javascript:alert(1)"),
    ])
    .unwrap_err()
    .to_string();
    for expected in ["different projects", "ORY_API_KEY", "HOME_URL"] {
        assert!(err.contains(expected), "{expected} missing from: {err}");
    }

    let err = Config::from_env(&[
        ("ORY_PROJECT_SLUG", "brave-pike"),
        ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
        ("ORY_API_KEY", "k"),
        ("LOGOUT_UI_SECRET", "short"),
    ])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains(
            "HYDRA_ADMIN_URL (self-hosted Hydra) or ORY_PROJECT_SLUG (Ory Network), not both"
        ),
        "{err}"
    );
    assert!(err.contains("LOGOUT_UI_SECRET"), "{err}");

    let err = Config::from_env(&[("ORY_PROJECT_SLUG", "https://x.projects.oryapis.com")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a URL"), "{err}");
    assert!(err.contains("ORY_API_KEY"), "{err}");
}

#[test]
fn the_api_key_never_goes_over_plain_http_to_another_host() {
    let err = Config::from_env(&[
        ("HYDRA_ADMIN_URL", "http://hydra-admin:4445"),
        ("HYDRA_PUBLIC_URL", "https://auth.example.com"),
        ("ORY_API_KEY", "ory_apikey_canary_value"),
    ])
    .unwrap_err()
    .to_string();
    assert!(err.contains("plain http to hydra-admin"), "{err}");
    assert!(err.contains("ALLOW_API_KEY_OVER_HTTP"), "{err}");
    assert!(!err.contains("canary"), "{err}");
    let err = Config::from_env(&[
        ("ORY_SDK_URL", "http://10.0.0.5:8080"),
        ("ORY_API_KEY", "k"),
    ])
    .unwrap_err();
    assert!(err.to_string().contains("plain http to 10.0.0.5"), "{err}");

    // The explicit opt-out, loopback addresses, https, and no key at all.
    for env in [
        [
            ("HYDRA_ADMIN_URL", "http://hydra-admin:4445"),
            ("ALLOW_API_KEY_OVER_HTTP", "true"),
        ],
        [
            ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
            ("COOKIE_SECURE", "false"),
        ],
        [
            ("HYDRA_ADMIN_URL", "http://[::1]:4445"),
            ("COOKIE_SECURE", "false"),
        ],
        [
            ("HYDRA_ADMIN_URL", "https://hydra-admin:4445"),
            ("COOKIE_SECURE", "false"),
        ],
    ] {
        let with_key = [
            env[0],
            env[1],
            ("HYDRA_PUBLIC_URL", "https://auth.example.com"),
            ("ORY_API_KEY", "k"),
        ];
        assert!(Config::from_env(&with_key).is_ok(), "{env:?}");
    }
    assert!(Config::from_env(&[
        ("HYDRA_ADMIN_URL", "http://hydra-admin:4445"),
        ("HYDRA_PUBLIC_URL", "https://auth.example.com"),
    ])
    .is_ok());
}

#[test]
fn identity_lookup_is_off_unless_kratos_or_ory_network() {
    let base = [
        ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
        ("HYDRA_PUBLIC_URL", "http://127.0.0.1:4444"),
    ];
    assert!(Config::from_env(&base).unwrap().identity.is_none());
    let c = Config::from_env(&[
        base[0],
        base[1],
        ("KRATOS_ADMIN_URL", "http://127.0.0.1:4434"),
        ("IDENTITY_NAME_TRAITS", "profile.display_name, username"),
        ("IDENTITY_EMAIL_TRAIT", "-"),
        ("IDENTITY_LOOKUP_TIMEOUT_MS", "150"),
    ])
    .unwrap();
    let identity = c.identity.unwrap();
    assert_eq!(identity.admin_url.as_str(), "http://127.0.0.1:4434/");
    // A self-hosted Kratos is another service: Hydra's key is not for it.
    assert!(!identity.send_api_key);
    assert_eq!(identity.name_traits, ["profile.display_name", "username"]);
    assert_eq!(identity.email_trait, None);
    assert_eq!(identity.timeout, Duration::from_millis(150));

    let err = Config::from_env(&[
        base[0],
        base[1],
        ("KRATOS_ADMIN_URL", "kratos"),
        ("IDENTITY_NAME_TRAITS", "name,,../x"),
        ("IDENTITY_EMAIL_TRAIT", "e mail"),
        ("IDENTITY_LOOKUP_TIMEOUT_MS", "0"),
    ])
    .unwrap_err()
    .to_string();
    for name in [
        "KRATOS_ADMIN_URL",
        "IDENTITY_NAME_TRAITS",
        "IDENTITY_EMAIL_TRAIT",
        "IDENTITY_LOOKUP_TIMEOUT_MS",
    ] {
        assert!(err.contains(name), "{name} missing from: {err}");
    }
}

/// `Config::for_tests` starts from the defaults the binary gets, so a test's
/// configuration differs from production only where the test says so.
#[test]
fn for_tests_has_the_defaults_of_from_env() {
    for public in ["http://127.0.0.1:4444/", "https://auth.example.com/"] {
        let read = Config::from_env(&[
            ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
            ("HYDRA_PUBLIC_URL", public),
        ])
        .unwrap();
        let built = Config::for_tests(
            Url::parse("http://127.0.0.1:4445").unwrap(),
            Url::parse(public).unwrap(),
        );
        assert_eq!(format!("{built:?}"), format!("{read:?}"));
    }
}

/// Outside review: `METRICS_ADDR` on the site's own socket was accepted, so
/// `/metrics` could share the public port. Any overlap is refused, naming both
/// variables; distinct sockets on one port stay allowed.
#[test]
fn metrics_never_share_the_sites_listen_address() {
    let site = |a: &str| a.parse::<SocketAddr>().unwrap();
    for (metrics, site_addr) in [
        ("127.0.0.1:3000", "127.0.0.1:3000"),
        ("0.0.0.0:3000", "127.0.0.1:3000"),
        ("127.0.0.1:3000", "0.0.0.0:3000"),
        ("[::]:8080", "10.0.0.5:8080"),
        ("[::ffff:127.0.0.1]:3000", "127.0.0.1:3000"),
        ("[::1]:3000", "[::]:3000"),
    ] {
        let env = with([("METRICS_ADDR", metrics)]);
        let problems = listener_problems(&VecEnv(env), site(site_addr));
        assert_eq!(problems.len(), 1, "{metrics} vs {site_addr}");
        for name in ["METRICS_ADDR", "LEPTOS_SITE_ADDR", "Leptos.toml", site_addr] {
            assert!(problems[0].contains(name), "{name}: {}", problems[0]);
        }
    }
    // The default METRICS_ADDR counts too, and says it is the default.
    let problems = listener_problems(&VecEnv(with([])), site(DEFAULT_METRICS_ADDR));
    assert!(
        problems.len() == 1 && problems[0].contains("unset: the default"),
        "{problems:?}"
    );
    for (metrics, site_addr) in [
        ("127.0.0.1:9464", "0.0.0.0:3000"),
        ("0.0.0.0:9464", "127.0.0.1:3000"),
        ("127.0.0.1:3000", "10.0.0.5:3000"),
        ("[::1]:3000", "127.0.0.1:3000"),
        ("127.0.0.1:0", "127.0.0.1:0"),
        ("off", "127.0.0.1:9464"),
        // Not an address: Config::from_env reports it, once.
        ("main", "127.0.0.1:3000"),
    ] {
        let env = with([("METRICS_ADDR", metrics)]);
        assert_eq!(
            listener_problems(&VecEnv(env), site(site_addr)),
            Vec::<String>::new(),
            "{metrics} vs {site_addr}"
        );
    }
}

/// Outside review: `http://user:password@host/` in an admin URL sends the
/// credentials as HTTP Basic authentication on every call; over plain http to
/// another host they are refused like the API key, and never repeated.
#[test]
fn admin_url_credentials_never_go_over_plain_http_to_another_host() {
    for (name, env) in [
        (
            "HYDRA_ADMIN_URL",
            vec![
                (
                    "HYDRA_ADMIN_URL",
                    "http://admin:canary-pw@hydra-admin:4445/",
                ),
                ("HYDRA_PUBLIC_URL", "https://auth.example.com/"),
            ],
        ),
        (
            "HYDRA_ADMIN_URL",
            vec![
                ("HYDRA_ADMIN_URL", "http://canary-user@10.0.0.5:4445/"),
                ("HYDRA_PUBLIC_URL", "https://auth.example.com/"),
            ],
        ),
        (
            "KRATOS_ADMIN_URL",
            with([(
                "KRATOS_ADMIN_URL",
                "http://admin:canary-pw@kratos-admin:4434/",
            )]),
        ),
        (
            "ORY_SDK_URL",
            vec![
                ("ORY_SDK_URL", "http://admin:canary-pw@10.0.0.5:8080/"),
                ("ORY_API_KEY", "k"),
                ("ALLOW_API_KEY_OVER_HTTP", "false"),
            ],
        ),
    ] {
        let err = load(env.clone()).unwrap_err();
        assert!(
            err.contains(&format!("{name} carries credentials")),
            "{err}"
        );
        assert!(err.contains("ALLOW_API_KEY_OVER_HTTP"), "{err}");
        assert!(!err.contains("canary"), "credentials in the message: {err}");
    }
    // The opt-out, loopback and https keep working.
    for env in [
        vec![
            ("HYDRA_ADMIN_URL", "http://admin:pw@hydra-admin:4445/"),
            ("HYDRA_PUBLIC_URL", "https://auth.example.com/"),
            ("KRATOS_ADMIN_URL", "http://admin:pw@kratos-admin:4434/"),
            ("ALLOW_API_KEY_OVER_HTTP", "true"),
        ],
        with([("KRATOS_ADMIN_URL", "http://admin:pw@127.0.0.1:4434/")]),
        vec![
            ("HYDRA_ADMIN_URL", "https://admin:pw@hydra-admin:4445/"),
            ("HYDRA_PUBLIC_URL", "https://auth.example.com/"),
            ("KRATOS_ADMIN_URL", "https://admin:pw@kratos-admin:4434/"),
        ],
    ] {
        assert!(load(env.clone()).is_ok(), "{env:?}");
    }
}

#[test]
fn urls_browsers_see_never_carry_credentials() {
    // Shown as links or used as redirects: credentials there reach every visitor
    // (Hydra's public URL is in the "start signing out again" and restart links).
    for (name, value) in [
        (
            "HYDRA_PUBLIC_URL",
            "https://pub:canary-pw@auth.example.com/",
        ),
        ("HYDRA_PUBLIC_URL", "http://canary-user@127.0.0.1:4444/"),
        ("HOME_URL", "https://u:canary-pw@home.example/"),
        ("SUPPORT_URL", "https://u:canary-pw@help.example/"),
    ] {
        let mut env = with([]);
        env.retain(|(k, _)| *k != name);
        env.push((name, value));
        let err = load(env).unwrap_err();
        assert!(
            err.contains(&format!("{name} must not carry credentials")),
            "{err}"
        );
        assert!(!err.contains("canary"), "credentials in the message: {err}");
    }
    let err = load(with([(
        "BRAND_LOGO_URL",
        "https://u:canary-pw@cdn.example/logo.svg",
    )]))
    .unwrap_err();
    assert!(err.contains("BRAND_LOGO_URL"), "{err}");
    // On Ory Network the public URL is the SDK URL, without its credentials.
    let c = load(vec![
        ("ORY_SDK_URL", "https://admin:pw@proj.projects.oryapis.com/"),
        ("ORY_API_KEY", "k"),
    ])
    .unwrap();
    assert_eq!(
        c.hydra.public_url.as_str(),
        "https://proj.projects.oryapis.com/"
    );
    assert_eq!(c.hydra.admin_url.username(), "admin");
}
