//! The app over HTTP (its router, no browser): the plain-HTML flow, statuses,
//! secrets in responses and logs, limits, health and metrics, languages,
//! branding and the public base path.

use axum::body::Body;
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use hydra_logout_ui::{
    logout::{ssr::flow, Decision},
    server::router,
};
use tower::ServiceExt;

use crate::support::*;

/// The same flow over HTTP, as a browser without JavaScript does it.
#[tokio::test]
async fn plain_html_flow_over_http() {
    let rp = Rp::login("it-http", "Http App").await;
    let challenge = rp.start_logout("st-http").await;
    let app = router(state());

    let (status, headers, html) = send(app.clone(), get(&prompt_uri(&challenge), &[])).await;
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

    let ticket = ticket_in(&html);
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
    let (status, _, html) = send(app, get(&back, &[])).await;
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
        let (status, _, html) = send(app.clone(), get(uri, &[])).await;
        assert_eq!(status, want, "{uri}");
        assert!(
            !html.contains("<script>x</script>"),
            "{uri} rendered markup"
        );
    }
    let long = format!("/logout?logout_challenge={}", "a".repeat(64_600));
    let (status, _, _) = send(app, get(&long, &[])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// A full flow with a canary API key and logs captured at TRACE level: no
/// response and no log line carries the key, the challenge, the ticket, the
/// cookie or the ID token; one audit line records the decision.
#[tokio::test]
async fn secrets_stay_out_of_responses_and_logs() {
    const CANARY: &str = "canary-api-key-0123456789-canary";
    let (logs, _guard) = CapturedLogs::start();

    let rp = Rp::login("it-secrets", "Secret App").await;
    let challenge = rp.start_logout("st-secrets").await;
    let admin = Hydra::Main.admin();
    let public = Hydra::Main.public();
    let app = router(state_from(&[
        ("HYDRA_ADMIN_URL", admin.as_str()),
        ("HYDRA_PUBLIC_URL", public.as_str()),
        ("ORY_API_KEY", CANARY),
        ("LOGOUT_UI_SECRET", SECRET),
    ]));

    let res = app
        .clone()
        .oneshot(get(
            &prompt_uri(&challenge),
            &[("x-request-id", "req-canary-1")],
        ))
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
    let ticket = ticket_in(&html);

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
    let audit = audit_lines(&logs);
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
    let dead = closed_port_url();
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
    let dead = closed_port_url();
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
    let app = router(state_from(&[
        ("HYDRA_ADMIN_URL", Hydra::Main.admin().as_str()),
        ("HYDRA_PUBLIC_URL", Hydra::Main.public().as_str()),
        ("BRAND_NAME", "Acme & ID"),
        ("BRAND_LOGO_URL", "https://cdn.acme.test/logo.svg"),
        ("BRAND_PRIMARY_COLOR", "#0B6E4F"),
        ("SUPPORT_URL", "https://help.acme.test/"),
    ]));
    let (status, _, html) = send(app.clone(), get("/logged-out", &[])).await;
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
    let (status, headers, css) = send(app, get("/brand.css", &[])).await;
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
    let (_, _, html) = send(app.clone(), get("/logged-out", &[])).await;
    assert!(!html.contains("/brand.css") && !html.contains(r#"data-testid="brand""#));
    let (status, _, _) = send(app, get("/brand.css", &[])).await;
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
        ("LOGOUT_UI_SECRET", SECRET),
    ]);
    let app = router(state);
    let (status, headers, html) = send(
        app.clone(),
        get(&prompt_uri(&challenge), &[("x-forwarded-prefix", "/evil")]),
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
    let ticket = ticket_in(&html);
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
