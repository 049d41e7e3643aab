//! Hostile and unusual requests (issue 11): one test per *kind*, each against
//! the real Hydra and each failing on the code before its fix. SECURITY.md
//! names them (rows 17–24).

use std::{
    io::{Read, Write},
    net::SocketAddr,
    time::Duration,
};

use axum::body::Body;
use http::{header, Request, StatusCode};
use hydra_logout_ui::{
    logout::challenge::LogoutChallenge,
    ory::hydra::GetLogout,
    server::{router, state::AppState},
};
use leptos::config::LeptosOptions;
use serde_json::{json, Value};
use url::Url;

use crate::support::*;

/// The header the hydrated decision form sends (`logout::form::FETCH_HEADER`).
const FETCH: (&str, &str) = ("x-logout-ui-fetch", "1");

/// The main Hydra's state with a home URL, plus `extra` configuration.
fn state_with(extra: &[(&str, &str)], options: LeptosOptions) -> AppState {
    let mut env = vec![("HOME_URL", "https://home.example/")];
    env.extend_from_slice(extra);
    state_with_options(Hydra::Main, &env, options)
}

/// The prompt over HTTP: its CSRF cookie (`name=value`) and the form's ticket.
async fn prompt_page(
    app: &axum::Router,
    challenge: &str,
    cookie: Option<&str>,
) -> (String, String) {
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
    let (status, headers, html) = send(app.clone(), get(&prompt_uri(challenge), &headers)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let cookie = match (headers.get(header::SET_COOKIE), cookie) {
        (Some(set), _) => set.to_str().unwrap().split(';').next().unwrap().to_owned(),
        (None, Some(sent)) => sent.to_owned(),
        (None, None) => panic!("the prompt set no CSRF cookie"),
    };
    (cookie, ticket_in(&html))
}

/// How often the app called Hydra's accept (from its metrics router).
async fn accepts(app: &axum::Router) -> u64 {
    let (_, _, text) = send(app.clone(), get("/metrics", &[])).await;
    text.lines()
        .find_map(|l| {
            l.strip_prefix(r#"logout_ui_hydra_request_duration_seconds_count{operation="accept"} "#)
        })
        .map_or(0, |n| n.trim().parse().unwrap())
}

/// Kind 1. A raw HTTP/1.1 GET of `target`, sent exactly as written (no client
/// normalises `/./` away): status, lower-cased headers, body.
fn raw_get(addr: SocketAddr, target: &str) -> (u16, Vec<(String, String)>, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

fn nonce_of(headers: &[(String, String)]) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k == "content-security-policy")
        .and_then(|(_, v)| v.split("'nonce-").nth(1))
        .and_then(|rest| rest.split('\'').next())
        .map(str::to_owned)
}

fn has(headers: &[(String, String)], name: &str) -> bool {
    headers.iter().any(|(k, _)| k == name)
}

/// Kind 1: prompt pages and non-canonical asset paths, hammered together on a
/// real socket and a multi-threaded runtime. Nothing set for one response (the
/// CSRF cookie, the nonce CSP, a redirect) may appear on another, and the
/// Leptos fallback serves no file.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn assets_and_pages_never_share_response_headers() {
    let rp = Rp::login("it-leak", "Leak App").await;
    let challenge = rp.start_logout("st-leak").await;

    let site = std::env::temp_dir().join(unique("hlui-site"));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(
        site.join("pkg/hydra-logout-ui.js"),
        "export const asset = 1;\n",
    )
    .unwrap();
    std::fs::write(site.join("favicon.ico"), "icon-bytes").unwrap();
    let options = LeptosOptions::builder()
        .output_name("hydra-logout-ui")
        .site_root(site.to_str().unwrap())
        .site_pkg_dir("pkg")
        .build();
    let app = router(state_with(&[], options));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    // The canonical path is served by the file service, untouched by any page.
    let (status, headers, body) =
        tokio::task::spawn_blocking(move || raw_get(addr, "/pkg/hydra-logout-ui.js"))
            .await
            .unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("export const asset"));
    assert!(!has(&headers, "set-cookie"));

    let odd = [
        "/%70kg/hydra-logout-ui.js",
        "/./pkg/hydra-logout-ui.js",
        "/%66avicon.ico",
        "/pkg/../pkg/hydra-logout-ui.js",
    ];
    let page = prompt_uri(&challenge);
    let mut leaks = Vec::new();
    let mut served = Vec::new();
    for round in 0..6 {
        let mut tasks = Vec::new();
        for i in 0..32 {
            let target = if i % 2 == 0 {
                page.clone()
            } else {
                odd[(i / 2) % odd.len()].to_owned()
            };
            tasks.push(tokio::task::spawn_blocking(move || {
                let answer = raw_get(addr, &target);
                (target, answer)
            }));
        }
        let mut pages = Vec::new();
        let mut others = Vec::new();
        for t in tasks {
            let (target, answer) = t.await.unwrap();
            if target.starts_with("/logout") {
                pages.push(answer);
            } else {
                others.push((target, answer));
            }
        }
        let page_nonces: Vec<String> = pages.iter().filter_map(|(_, h, _)| nonce_of(h)).collect();
        for (status, headers, body) in &pages {
            assert_eq!(*status, 200, "{body:.300}");
            let cookies = headers.iter().filter(|(k, _)| k == "set-cookie").count();
            match nonce_of(headers) {
                Some(n) if cookies == 1 && body.contains(&format!("nonce=\"{n}\"")) => {}
                _ => leaks.push(format!("round {round}: a prompt lost its cookie or CSP")),
            }
        }
        for (target, (status, headers, body)) in &others {
            if has(headers, "set-cookie") || has(headers, "location") {
                leaks.push(format!(
                    "round {round}: {target} carried a page's cookie or redirect"
                ));
            }
            if nonce_of(headers).is_some_and(|n| page_nonces.contains(&n)) {
                leaks.push(format!("round {round}: {target} carried a prompt's CSP"));
            }
            if body.contains("export const asset") || body.ends_with("icon-bytes") {
                served.push(format!("round {round}: {target} was served as a file"));
            } else if *status != 404 {
                served.push(format!("round {round}: {target} answered {status}"));
            }
        }
    }
    server.abort();
    let _ = std::fs::remove_dir_all(&site);
    assert!(
        leaks.is_empty() && served.is_empty(),
        "{} leaks, {} files served by the fallback:\n{}\n{}",
        leaks.len(),
        served.len(),
        leaks.join("\n"),
        served.first().map_or("", String::as_str)
    );
}

/// Kind 2: HEAD, prefetches and a direct call of the prompt's data function
/// must not act at Hydra, even for a client whose logouts skip the prompt.
#[tokio::test]
async fn head_prefetch_and_the_prompt_function_do_not_act() {
    let rp = Rp::login("it-passive", "Passive App").await;
    let challenge = rp.start_logout("st-passive").await;
    let state = state_with(
        &[("SKIP_LOGOUT_CONSENT_CLIENTS", rp.client_id.as_str())],
        options(),
    );
    // The app's own count of Hydra calls, from its metrics listener.
    let metrics = hydra_logout_ui::server::metrics_router(state.clone());
    let app = router(state);
    let uri = prompt_uri(&challenge);

    let head = Request::head(&uri)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = send(app.clone(), head).await;
    assert!(
        status == StatusCode::OK || status == StatusCode::NO_CONTENT,
        "HEAD: {status}"
    );
    assert_eq!(location(&headers), "", "HEAD");
    assert_eq!(
        accepts(&metrics).await,
        0,
        "HEAD accepted the logout at Hydra"
    );

    for prefetch in [
        ("sec-purpose", "prefetch"),
        ("sec-purpose", "prefetch;prerender"),
        ("purpose", "prefetch"),
        ("next-router-prefetch", "1"),
        ("x-moz", "prefetch"),
    ] {
        let (status, headers, _) = send(app.clone(), get(&uri, &[prefetch])).await;
        let why = format!("{}: {}", prefetch.0, prefetch.1);
        assert!(
            status == StatusCode::OK || status == StatusCode::NO_CONTENT,
            "{why}: {status}"
        );
        assert_eq!(location(&headers), "", "{why}");
        assert_eq!(
            accepts(&metrics).await,
            0,
            "{why} accepted the logout at Hydra"
        );
    }

    // The page's data loader is not a public endpoint: cross-site, same-origin
    // or from a tool, it hands out no ticket or subject and acts on nothing.
    for extra in [
        vec![
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.test"),
        ],
        vec![("sec-fetch-site", "same-origin")],
        vec![],
    ] {
        let mut req = Request::post("/api/logout/prompt")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        for (k, v) in &extra {
            req = req.header(*k, *v);
        }
        let body = format!("logout_challenge={}", urlencode(&challenge));
        let (status, _, text) = send(app.clone(), req.body(Body::from(body)).unwrap()).await;
        assert!(status.is_client_error(), "{extra:?}: {status} {text:.200}");
        assert!(
            !text.contains("ticket") && !text.contains("alice"),
            "{text:.300}"
        );
        assert_eq!(
            accepts(&metrics).await,
            0,
            "{extra:?}: the prompt endpoint accepted"
        );
    }
    assert!(rp.login_is_skipped().await);

    // A real navigation still skips the prompt: the client is a skip client.
    let (status, headers, _) = send(app.clone(), get(&uri, &[])).await;
    assert!(status.is_redirection(), "{status}");
    assert!(location(&headers).contains("logout_verifier="));
    assert_eq!(accepts(&metrics).await, 1);
}

/// Kind 3: a redirect is a real 3xx for every caller but the app's own
/// hydrated form (which reads `Location` from a 200 answer).
#[tokio::test]
async fn redirects_are_real_3xx_for_clients_other_than_the_hydrated_form() {
    // GET /logout that redirects (consent skipped), as curl or a link checker.
    let rp = Rp::login("it-3xx", "Redirect App").await;
    let challenge = rp.start_logout("st-3xx").await;
    let app = router(state_with(
        &[("SKIP_LOGOUT_CONSENT_CLIENTS", rp.client_id.as_str())],
        options(),
    ));
    let req = Request::get(prompt_uri(&challenge))
        .header(header::ACCEPT, "*/*")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = send(app, req).await;
    assert!(status.is_redirection(), "GET with Accept: */*: {status}");
    assert!(location(&headers).contains("logout_verifier="));
    assert!(
        !headers.contains_key("x-logout-ui-own-redirect"),
        "the internal redirect marker left the server"
    );

    // The decision, posted by a tool (Accept: */*, or none).
    let app = router(state());
    for accept in [Some("*/*"), None, Some("application/json")] {
        let rp = Rp::login("it-3xx-post", "Redirect App").await;
        let challenge = rp.start_logout("st-3xx-post").await;
        let (cookie, ticket) = prompt_page(&app, &challenge, None).await;
        let mut headers = vec![("cookie", cookie.as_str())];
        if let Some(a) = accept {
            headers.push(("accept", a));
        }
        let (status, h, _) = send(
            app.clone(),
            decide_post(format!("ticket={ticket}&decision=reject"), &headers),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "Accept: {accept:?}");
        assert!(!h.contains_key("x-logout-ui-own-redirect"));
        assert_eq!(
            location(&h),
            format!("{}?state=st-3xx-post", rp.post_logout)
        );
    }

    // The hydrated form still gets its 200 with the target in Location.
    let rp = Rp::login("it-3xx-js", "Redirect App").await;
    let challenge = rp.start_logout("st-3xx-js").await;
    let (cookie, ticket) = prompt_page(&app, &challenge, None).await;
    let (status, h, _) = send(
        app,
        decide_post(
            format!("ticket={ticket}&decision=reject"),
            &[
                ("cookie", cookie.as_str()),
                ("accept", "application/json"),
                FETCH,
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(location(&h), format!("{}?state=st-3xx-js", rp.post_logout));
}

/// Kind 4: a subject with a newline cannot write a second audit line, in
/// either log format; a hostile `x-request-id` is replaced, a plain one kept;
/// the audit line names the request id and Hydra's `sid`.
#[tokio::test]
async fn log_lines_cannot_be_forged_and_request_ids_are_plain() {
    use tracing_subscriber::prelude::*;

    let forged = "mallory\n2026-11-30T16:00:00.000000Z  INFO audit: logout decision subject=\"alice\" outcome=\"accepted\"";
    let rp = Rp::login_with(
        Hydra::Main,
        &unique("it-logs"),
        "Log App",
        json!({}),
        None,
        json!({"subject": forged, "remember": true, "remember_for": 0}),
    )
    .await;
    let challenge = rp.start_logout("st-logs").await;
    let state = state();
    let sid = match state
        .hydra
        .get_logout_request(&LogoutChallenge::parse(&challenge).unwrap())
        .await
        .unwrap()
    {
        GetLogout::Pending(req) => req.sid.expect("Hydra's sid"),
        other => panic!("expected pending, got {other:?}"),
    };

    // The two formats `LOG_FORMAT` selects, as `server::plumbing::telemetry::init` builds them.
    let pretty = CapturedLogs::default();
    let json = CapturedLogs::default();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::filter::LevelFilter::INFO)
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(pretty.clone())
                .with_ansi(false),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_writer(json.clone()),
        );
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = router(state);
    let (status, headers, html) = send(
        app.clone(),
        get(&prompt_uri(&challenge), &[("x-request-id", "req-plain-1")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-request-id"], "req-plain-1", "a plain id is kept");
    let cookie = headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let ticket = ticket_in(&html);

    let hostile_id = format!("\"><script>x</script>{}", "y".repeat(30_000));
    let (status, headers, _) = send(
        app.clone(),
        decide_post(
            format!("ticket={ticket}&decision=reject"),
            &[
                ("accept", "text/html"),
                ("cookie", cookie.as_str()),
                ("x-request-id", hostile_id.as_str()),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = headers["x-request-id"].to_str().unwrap().to_owned();
    assert!(id != hostile_id, "a hostile request id was echoed");
    assert!(
        !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b)),
        "{id:.100}"
    );
    for bad in ["with space", "semi;colon", &"z".repeat(65)] {
        let (_, headers, _) = send(app.clone(), get("/logged-out", &[("x-request-id", bad)])).await;
        assert_ne!(headers["x-request-id"], bad);
    }

    let pretty = pretty.text();
    let json = json.text();
    for logs in [&pretty, &json] {
        assert!(
            !logs.contains("<script>"),
            "markup from a request id in the logs"
        );
        assert!(
            !logs.contains(&"y".repeat(100)),
            "a 30 000-byte request id in the logs"
        );
    }
    let audit = audit_lines(&pretty);
    assert_eq!(audit.len(), 1, "a forged audit line:\n{pretty}");
    assert!(audit[0].contains(&format!("sid=\"{sid}\"")), "{}", audit[0]);
    assert!(audit[0].contains(&id), "{}", audit[0]);

    let mut audits = Vec::new();
    for line in json.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if v["target"] == "audit" {
            audits.push(v);
        }
    }
    assert_eq!(audits.len(), 1, "{json}");
    assert_eq!(audits[0]["subject"], forged);
    assert_eq!(audits[0]["sid"], sid.as_str());
    assert_eq!(audits[0]["request_id"], id.as_str());
    assert_eq!(audits[0]["outcome"], "app_only");
}

/// Kind 5: several `logout_csrf` cookies cannot block a decision; a missing or
/// foreign cookie leads back to the prompt for the same challenge; the `Origin`
/// fallback compares scheme, host and port.
#[tokio::test]
async fn csrf_cookie_edge_cases_lead_back_to_the_prompt() {
    let app = router(state());

    // A planted cookie (Path=/api, sent first) and a junk one beside the real one.
    let rp = Rp::login("it-cookies", "Cookie App").await;
    let challenge = rp.start_logout("st-cookies").await;
    let (cookie, ticket) = prompt_page(&app, &challenge, None).await;
    let planted = format!("logout_csrf=x; logout_csrf=AAAAAAAAAAAAAAAAAAAAAA; {cookie}");
    let (status, h, _) = send(
        app.clone(),
        decide_post(
            format!("ticket={ticket}&decision=reject"),
            &[("accept", "text/html"), ("cookie", planted.as_str())],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&h),
        format!("{}?state=st-cookies", rp.post_logout),
        "planted cookies blocked the decision"
    );

    // No cookie (expired, cleared) or another browser's: back to the prompt.
    let rp = Rp::login("it-nocookie", "Cookie App").await;
    let challenge = rp.start_logout("st-nocookie").await;
    let (_, ticket) = prompt_page(&app, &challenge, None).await;
    let back = format!("{}&failed=1", prompt_uri(&challenge));
    for (why, headers) in [
        ("no cookie", vec![("accept", "text/html")]),
        (
            "another browser's cookie",
            vec![
                ("accept", "text/html"),
                ("cookie", "logout_csrf=AAAAAAAAAAAAAAAAAAAAAA"),
            ],
        ),
        (
            "no cookie, hydrated",
            vec![("accept", "application/json"), FETCH],
        ),
    ] {
        let (status, h, _) = send(
            app.clone(),
            decide_post(format!("ticket={ticket}&decision=accept"), &headers),
        )
        .await;
        let want = if why.ends_with("hydrated") {
            StatusCode::OK
        } else {
            StatusCode::SEE_OTHER
        };
        assert_eq!(status, want, "{why}");
        assert_eq!(location(&h), back, "{why}");
    }
    assert!(
        rp.login_is_skipped().await,
        "a decision without the cookie signed out"
    );
    // The prompt again, with a fresh cookie and ticket and "please try again".
    let (status, headers, html) = send(app.clone(), get(&back, &[])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Please try again"), "{html:.2000}");
    let cookie = headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (status, h, _) = send(
        app.clone(),
        decide_post(
            format!("ticket={}&decision=reject", ticket_in(&html)),
            &[("accept", "text/html"), ("cookie", cookie.as_str())],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&h),
        format!("{}?state=st-nocookie", rp.post_logout)
    );

    // Without fetch metadata, Origin must match in scheme, host and port.
    let rp = Rp::login("it-origin", "Origin App").await;
    let challenge = rp.start_logout("st-origin").await;
    let (cookie, ticket) = prompt_page(&app, &challenge, None).await;
    for origin in [
        "https://127.0.0.1:3000",
        "http://127.0.0.1:3001",
        "http://127.0.0.2:3000",
    ] {
        let (status, h, _) = send(
            app.clone(),
            decide_post(
                format!("ticket={ticket}&decision=accept"),
                &[
                    ("accept", "text/html"),
                    ("cookie", cookie.as_str()),
                    ("origin", origin),
                    ("host", "127.0.0.1:3000"),
                ],
            ),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{origin}");
        assert_eq!(
            location(&h),
            "/error?error=forbidden",
            "Origin {origin} was accepted"
        );
    }
    let (status, h, _) = send(
        app,
        decide_post(
            format!("ticket={ticket}&decision=reject"),
            &[
                ("accept", "text/html"),
                ("cookie", cookie.as_str()),
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000"),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&h), format!("{}?state=st-origin", rp.post_logout));
}

/// Kind 6: a registered return address that contains `__err=` is followed,
/// not mistaken for Leptos' no-JS error marker.
#[tokio::test]
async fn a_return_address_containing_err_is_followed() {
    let rp = Rp::login("it-err", "Err App").await;
    let target = format!("{}?__err=keep&x=1", rp.post_logout);
    let patched = rp
        .admin
        .patch(format!(
            "{}/admin/clients/{}",
            Hydra::Main.admin(),
            rp.client_id
        ))
        .json(&json!([{"op": "add", "path": "/post_logout_redirect_uris/-", "value": target}]))
        .send()
        .await
        .unwrap();
    assert!(patched.status().is_success(), "{:?}", patched.text().await);
    let mut url = Url::parse(&format!("{}/oauth2/sessions/logout", Hydra::Main.public())).unwrap();
    url.query_pairs_mut()
        .append_pair("id_token_hint", &rp.id_token)
        .append_pair("post_logout_redirect_uri", &target)
        .append_pair("state", "st-err");
    let res = rp.browser.get(url).send().await.unwrap();
    let to = Url::parse(res.headers()[header::LOCATION].to_str().unwrap()).unwrap();
    let challenge = query_param(&to, "logout_challenge").expect("a logout challenge");

    let app = router(state());
    let (cookie, ticket) = prompt_page(&app, &challenge, None).await;
    let (status, h, _) = send(
        app,
        decide_post(
            format!("ticket={ticket}&decision=reject"),
            &[("accept", "text/html"), ("cookie", cookie.as_str())],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The registered address itself, with the relying party's state.
    let to = Url::parse(&location(&h)).unwrap_or_else(|_| panic!("{:?}", location(&h)));
    assert_eq!(to.path(), Url::parse(&target).unwrap().path());
    let mut pairs: Vec<(String, String)> = to.query_pairs().into_owned().collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [("__err", "keep"), ("state", "st-err"), ("x", "1")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    assert!(rp.login_is_skipped().await);
}

/// Kind 7: `/error` never repeats a caller's text as our words. Known OAuth 2.0
/// and Hydra codes get fixed, translated explanations; unknown codes a generic
/// one; a description only as marked, bounded technical detail.
#[tokio::test]
async fn the_error_page_speaks_only_in_fixed_words() {
    let app = router(state());
    let lure = "Your account is locked. Call 1-800-555-0100 now.";
    let uri = format!(
        "/error?error=Account-locked-call-1-800-555-0100&error_description={}",
        urlencode(&format!("{lure} {}", "z".repeat(2000)))
    );
    let (status, _, html) = send(app.clone(), get(&uri, &[])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Bidirectional controls in a description cannot reorder our page's words.
    let (_, _, bidi) = send(
        app.clone(),
        get(
            "/error?error=invalid_request&error_description=a%E2%80%AEevil%E2%81%A7x",
            &[],
        ),
    )
    .await;
    assert!(bidi.contains("aevilx"), "{bidi:.3000}");
    assert!(!bidi.contains('\u{202E}') && !bidi.contains('\u{2067}'));
    assert!(
        !html.contains("Account-locked"),
        "an unknown code was shown as ours"
    );
    assert!(
        html.contains(r#"data-oauth-error="unknown""#),
        "{html:.3000}"
    );
    let details = html
        .split(r#"data-testid="technical-details""#)
        .nth(1)
        .expect("the description, marked as technical detail");
    assert!(details.contains("Call 1-800-555-0100"));
    assert_eq!(html.matches("1-800-555-0100").count(), 1, "{html:.3000}");
    assert!(
        !html.contains(&"z".repeat(400)),
        "the description is not bounded"
    );

    for (lang, want) in [("en", "took too long"), ("de", "zu lange")] {
        let (status, _, html) = send(
            app.clone(),
            get(
                "/error?error=request_unauthorized",
                &[("accept-language", lang)],
            ),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            html.contains(r#"data-oauth-error="request_unauthorized""#),
            "{html:.3000}"
        );
        assert!(html.contains(want), "{lang}: {html:.3000}");
    }
}

/// Kind 8: challenges of tens of KiB (stateless Hydra and Ory Network embed
/// the ID token) reach Hydra; beyond the bound, the 400 and 414 pages.
#[tokio::test]
async fn long_challenges_reach_hydra_and_longer_ones_are_refused() {
    let app = router(state());
    for len in [12_000, 40_000, 63 * 1024] {
        let (status, _, html) = send(app.clone(), get(&prompt_uri(&"a".repeat(len)), &[])).await;
        // Hydra was asked and does not know it: 404, not our 400 or 414.
        assert_eq!(status, StatusCode::NOT_FOUND, "{len}: {html:.200}");
        assert!(html.contains(r#"data-error="not_found""#));
    }
    let (status, _, html) = send(
        app.clone(),
        get(&prompt_uri(&"a".repeat(63 * 1024 + 1)), &[]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains(r#"data-error="bad_request""#));
    let (status, _, _) = send(app.clone(), get(&prompt_uri(&"a".repeat(65_100)), &[])).await;
    assert_eq!(status, StatusCode::URI_TOO_LONG);

    // The decision for the longest challenge fits the body limit.
    let ticket = "A".repeat(86_200);
    let (status, _, _) = send(
        app,
        decide_post(
            format!("ticket={ticket}&decision=accept"),
            &[("accept", "text/html")],
        ),
    )
    .await;
    assert_ne!(status, StatusCode::PAYLOAD_TOO_LARGE);
}
