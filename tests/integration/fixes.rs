//! Defects found by outside reviews, each proven fixed: the server binary's
//! `--check-config` (no port is bound) and the logout flow against the real
//! Hydra.

use std::process::{Command, Output};

use http::StatusCode;
use hydra_logout_ui::server::router;

use crate::support::{
    audit_lines, closed_port_url, get, location, prompt_uri, send, state_from, state_with,
    CapturedLogs, Hydra, Rp, SECRET,
};

/// The server binary with `--check-config` and exactly `env` (run from the
/// crate root, where `Leptos.toml` is).
fn check_config(env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hydra-logout-ui"))
        .arg("--check-config")
        .env_clear()
        .envs(env.iter().copied())
        .env("RUST_LOG", "trace")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn printed(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const HYDRA_ENV: [(&str, &str); 2] = [
    ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
    ("HYDRA_PUBLIC_URL", "http://127.0.0.1:4444"),
];

/// `METRICS_ADDR` on the site's own socket (the same address, or the same port
/// on every interface) is a configuration problem naming both variables, as
/// `--check-config` and start-up report them (status 2, nothing bound).
#[test]
fn check_config_refuses_metrics_on_the_sites_address() {
    for (site, metrics) in [
        ("127.0.0.1:3000", "127.0.0.1:3000"),
        ("127.0.0.1:3000", "0.0.0.0:3000"),
        ("0.0.0.0:8080", "127.0.0.1:8080"),
    ] {
        let mut env = HYDRA_ENV.to_vec();
        env.extend([("LEPTOS_SITE_ADDR", site), ("METRICS_ADDR", metrics)]);
        let out = check_config(&env);
        let text = printed(&out);
        assert_eq!(out.status.code(), Some(2), "{site} / {metrics}: {text}");
        assert!(
            text.contains("invalid configuration")
                && text.contains("METRICS_ADDR")
                && text.contains("LEPTOS_SITE_ADDR"),
            "{text}"
        );
    }
    // Reported with every other problem, in one round.
    let out = check_config(&[
        ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
        ("LEPTOS_SITE_ADDR", "127.0.0.1:3000"),
        ("METRICS_ADDR", "127.0.0.1:3000"),
    ]);
    let text = printed(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("HYDRA_PUBLIC_URL") && text.contains("LEPTOS_SITE_ADDR"),
        "{text}"
    );
    // Its own port is fine.
    let mut env = HYDRA_ENV.to_vec();
    env.extend([
        ("LEPTOS_SITE_ADDR", "0.0.0.0:3000"),
        ("METRICS_ADDR", "127.0.0.1:9464"),
    ]);
    let out = check_config(&env);
    assert!(out.status.success(), "{}", printed(&out));
}

/// Credentials in an admin URL (`http://user:password@host/`) go as HTTP Basic
/// authentication on every call: over plain http to another host they are
/// refused like `ORY_API_KEY`, and the password is never printed.
#[test]
fn check_config_refuses_admin_url_credentials_over_plain_http() {
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
            "KRATOS_ADMIN_URL",
            vec![
                HYDRA_ENV[0],
                HYDRA_ENV[1],
                (
                    "KRATOS_ADMIN_URL",
                    "http://admin:canary-pw@kratos-admin:4434/",
                ),
            ],
        ),
    ] {
        let out = check_config(&env);
        let text = printed(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {text}");
        assert!(
            text.contains(&format!("{name} carries credentials")),
            "{text}"
        );
        assert!(
            !text.contains("canary-pw"),
            "the password was printed: {text}"
        );
    }
    // Loopback (or the explicit opt-out) is accepted, and still prints no password.
    let out = check_config(&[
        ("HYDRA_ADMIN_URL", "http://admin:canary-pw@127.0.0.1:4445/"),
        ("HYDRA_PUBLIC_URL", "http://127.0.0.1:4444/"),
        (
            "KRATOS_ADMIN_URL",
            "http://admin:canary-pw@kratos-admin:4434/",
        ),
        ("ALLOW_API_KEY_OVER_HTTP", "true"),
    ]);
    let text = printed(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        !text.contains("canary-pw"),
        "the password was printed: {text}"
    );
}

/// Credentials in `HYDRA_ADMIN_URL` reach no log line (at TRACE) and no page,
/// whether Hydra answers or cannot be reached (the 503 page).
#[tokio::test]
async fn admin_url_credentials_reach_no_log_line_or_page() {
    let (logs, _guard) = CapturedLogs::start();
    let rp = Rp::login("it-userinfo", "Userinfo App").await;
    let challenge = rp.start_logout("st-userinfo").await;
    let admin = Hydra::Main.admin().parse::<url::Url>().unwrap();
    let closed = closed_port_url().parse::<url::Url>().unwrap();
    let with_credentials = |url: &url::Url| {
        format!(
            "http://admin:canary-pw@{}:{}/",
            url.host_str().unwrap(),
            url.port().unwrap()
        )
    };
    let unreachable = with_credentials(&closed);
    let mut pages = String::new();
    for admin_url in [with_credentials(&admin), unreachable.clone()] {
        let public = Hydra::Main.public();
        let app = router(state_from(&[
            ("HYDRA_ADMIN_URL", admin_url.as_str()),
            ("HYDRA_PUBLIC_URL", public.as_str()),
            ("LOGOUT_UI_SECRET", SECRET),
        ]));
        let (status, _, html) = send(app, get(&prompt_uri(&challenge), &[])).await;
        let expected = if admin_url == unreachable {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::OK
        };
        assert_eq!(status, expected, "{html:.300}");
        pages.push_str(&html);
    }
    assert!(pages.contains("alice"), "the prompt was not shown");
    let logs = logs.text();
    assert!(logs.contains("Hydra admin call failed"), "{logs}");
    assert!(!pages.contains("canary-pw"), "the password reached a page");
    assert!(
        !logs.contains("canary-pw"),
        "the password reached the logs:\n{logs}"
    );
}

/// A client whose logouts skip the prompt: the link opened twice (a reload), or
/// in two tabs at once, accepts and writes the `skipped` audit line once. Hydra
/// answers the request as pending until the browser follows the verifier, and
/// accepts it again; this process remembers its accept. After the sign-out
/// completed, opening the link again writes nothing either.
#[tokio::test]
async fn a_skipped_prompt_is_accepted_and_audited_once() {
    let (logs, _guard) = CapturedLogs::start();
    let reload = Rp::login("it-skip-reload", "Skip App").await;
    let tabs = Rp::login("it-skip-tabs", "Skip App").await;
    let skip = format!("{},{}", reload.client_id, tabs.client_id);
    let app = router(state_with(
        Hydra::Main,
        &[("SKIP_LOGOUT_CONSENT_CLIENTS", skip.as_str())],
    ));
    // A browser navigation to the link: status and `Location`.
    let open = |challenge: &str| {
        let req = get(&prompt_uri(challenge), &[]);
        let app = app.clone();
        async move {
            let (status, headers, _) = send(app, req).await;
            (status, location(&headers))
        }
    };
    let verifier = format!("{}/oauth2/sessions/logout?", Hydra::Main.public());

    // Opened, then reloaded before the browser followed the verifier.
    let challenge = reload.start_logout("st-skip-reload").await;
    let (status, first) = open(&challenge).await;
    assert!(status.is_redirection(), "{status}");
    assert!(first.starts_with(&verifier), "{first}");
    let (status, again) = open(&challenge).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(again, first, "the reload went elsewhere");

    // Two tabs at once.
    let challenge_tabs = tabs.start_logout("st-skip-tabs").await;
    let ((s1, l1), (s2, l2)) = tokio::join!(open(&challenge_tabs), open(&challenge_tabs));
    assert!(s1.is_redirection() && s2.is_redirection(), "{s1} {s2}");
    assert!(l1.starts_with(&verifier) && l2 == l1, "{l1} / {l2}");

    // The sign-out completes; the link opened once more continues where Hydra says.
    let done = reload.browser.get(&first).send().await.unwrap();
    assert!(done.status().is_redirection(), "{}", done.status());
    assert!(!reload.login_is_skipped().await, "Hydra's session survived");
    let (status, _) = open(&challenge).await;
    assert!(status.is_redirection(), "{status}");

    let logs = logs.text();
    for rp in [&reload, &tabs] {
        let client = format!("client_id=\"{}\"", rp.client_id);
        let audit: Vec<&str> = audit_lines(&logs)
            .into_iter()
            .filter(|l| l.contains(&client))
            .collect();
        assert_eq!(audit.len(), 1, "{}:\n{logs}", rp.client_id);
        assert!(audit[0].contains("outcome=\"skipped\""), "{}", audit[0]);
    }
}
