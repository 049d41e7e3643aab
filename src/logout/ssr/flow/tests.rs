use super::*;
use crate::server::state::AppState;

const REGISTERED: &str = "https://rp.test/bye?x=1";

fn req(request_url: &str, client_uri: Option<&str>) -> LogoutRequest {
    LogoutRequest {
        subject: "alice".into(),
        request_url: Some(request_url.into()),
        rp_initiated: true,
        client: Some(OAuth2Client {
            client_id: "app".into(),
            client_uri: client_uri.map(Into::into),
            post_logout_redirect_uris: Some(vec![
                REGISTERED.into(),
                "https://rp.test/after-logout?tenant=7&b=2".into(),
            ]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn logout_url(post_logout_redirect_uri: &str, state: Option<&str>) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("id_token_hint", "eyJ");
    q.append_pair("post_logout_redirect_uri", post_logout_redirect_uri);
    if let Some(state) = state {
        q.append_pair("state", state);
    }
    format!("/oauth2/sessions/logout?{}", q.finish())
}

#[test]
fn registered_return_address_keeps_its_query_and_adds_state_like_hydra() {
    let r = req(&logout_url(REGISTERED, Some("s t")), None);
    assert_eq!(
        registered_return_address(&r).unwrap().as_str(),
        "https://rp.test/bye?state=s+t&x=1"
    );
    // Hydra's Go encoding: keys sorted, `~` kept, everything else escaped.
    let state = "a+b c&d=e;f%g/?#é~*";
    let r = req(
        &logout_url("https://rp.test/after-logout?tenant=7&b=2", Some(state)),
        None,
    );
    let url = registered_return_address(&r).unwrap();
    assert_eq!(
        url.query(),
        Some("b=2&state=a%2Bb+c%26d%3De%3Bf%25g%2F%3F%23%C3%A9~%2A&tenant=7")
    );
    let decoded: Vec<_> = url.query_pairs().collect();
    assert!(decoded.iter().any(|(k, v)| k == "state" && v == state));
    assert!(decoded.iter().any(|(k, v)| k == "tenant" && v == "7"));
    // No state: nothing added, the registered address as it is.
    let r = req(&logout_url(REGISTERED, None), None);
    assert_eq!(registered_return_address(&r).unwrap().as_str(), REGISTERED);
}

#[test]
fn unregistered_look_alikes_are_never_used() {
    for look_alike in [
        "https://rp.test/bye?x=1/",
        "https://rp.test/bye/?x=1",
        "https://RP.test/bye?x=1",
        "http://rp.test/bye?x=1",
        "https://rp.test:443/bye?x=1",
        "https://rp.test/bye?x=1&foo=bar",
        "https://rp.test/bye",
        " https://rp.test/bye?x=1",
        "https://evil.test/phish",
        "javascript:alert(1)",
    ] {
        let r = req(&logout_url(look_alike, Some("x")), Some("https://rp.test/"));
        assert_eq!(registered_return_address(&r), None, "{look_alike}");
    }
}

#[test]
fn a_user_initiated_request_never_returns_to_its_request_url() {
    // The smuggled POST of issue 16: Hydra saw empty parameters, request_url
    // carries the attacker's address, no client.
    let mut r = req(&logout_url("https://evil.test/phish", Some("x")), None);
    r.rp_initiated = false;
    r.client = None;
    assert_eq!(registered_return_address(&r), None);
    // Even a registered address counts only when the request is RP-initiated.
    let mut r = req(&logout_url(REGISTERED, Some("x")), None);
    r.rp_initiated = false;
    assert_eq!(registered_return_address(&r), None);
    assert!(!is_inconsistent(&r));
}

#[test]
fn client_id_must_match_the_initiating_client() {
    let with = |client_id: &str| {
        req(
            &format!("{}&client_id={client_id}", logout_url(REGISTERED, None)),
            None,
        )
    };
    assert!(!is_inconsistent(&with("app")));
    assert!(is_inconsistent(&with("other")));
    assert!(is_inconsistent(&with("APP")));
    assert!(!is_inconsistent(&with("")));
    assert!(!is_inconsistent(&req(&logout_url(REGISTERED, None), None)));
}

/// The app state against a mock Hydra admin API at `admin` (the one place
/// these tests build configuration).
fn state_for(admin: &str) -> AppState {
    use crate::server::{build_state, config::Config};
    let config = Config::for_tests(
        url::Url::parse(admin).unwrap(),
        url::Url::parse("https://hydra.test").unwrap(),
    );
    build_state(
        config,
        leptos::config::LeptosOptions::builder()
            .output_name("t")
            .build(),
    )
    .unwrap()
}

/// Fault injection for the "only {App}" order (real Hydra cannot be made to
/// fail on demand; the flows themselves are proven in tests/integration).
mod app_only_retries {
    use wiremock::{matchers::method, Mock, MockServer, ResponseTemplate};

    use super::super::*;

    /// A mock Hydra admin API: a pending RP-initiated request; the first
    /// `failing_revokes` DELETEs (revoke) and the first `failing_rejects` PUTs
    /// (reject) fail with 503.
    async fn stub(failing_revokes: u64, failing_rejects: u64) -> MockServer {
        let server = MockServer::start().await;
        let json = |status, body: &str| {
            ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
        };
        Mock::given(method("GET"))
            .respond_with(json(
                200,
                r#"{"subject":"alice","rp_initiated":true,"request_url":"/oauth2/sessions/logout?id_token_hint=x&post_logout_redirect_uri=https%3A%2F%2Frp.test%2Fbye&state=s","client":{"client_id":"app","post_logout_redirect_uris":["https://rp.test/bye"]}}"#,
            ))
            .mount(&server)
            .await;
        for (verb, failures) in [("DELETE", failing_revokes), ("PUT", failing_rejects)] {
            if failures > 0 {
                Mock::given(method(verb))
                    .respond_with(json(503, "{}"))
                    .up_to_n_times(failures)
                    .with_priority(1)
                    .mount(&server)
                    .await;
            }
            Mock::given(method(verb))
                .respond_with(json(204, ""))
                .mount(&server)
                .await;
        }
        server
    }

    /// Decides "only this app" twice; the number of GETs, DELETEs and PUTs
    /// Hydra saw, and the methods in order.
    async fn decide_twice(failing_revokes: u64, failing_rejects: u64) -> ([usize; 3], String) {
        let server = stub(failing_revokes, failing_rejects).await;
        let state = super::state_for(&server.uri());
        let binding = [7; 16];
        let challenge = LogoutChallenge::parse("c").unwrap();
        let ticket = state.tickets.seal(&challenge, &binding).unwrap();
        let first = decide(&state, &ticket, Some(&binding), Decision::Reject).await;
        let failure = first.expect_err("the first attempt fails at one step");
        assert_eq!(failure.error, AppError::Unavailable);
        assert_eq!(
            failure.fallback_location(),
            "/logout?logout_challenge=c&failed=1",
            "a no-JS browser goes back to the prompt to send the choice again"
        );
        let again = decide(&state, &ticket, Some(&binding), Decision::Reject)
            .await
            .unwrap();
        assert_eq!(
            again.location(),
            "https://rp.test/bye?state=s",
            "the same choice, sent again, completes"
        );
        let methods: Vec<String> = server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(|r| r.method.to_string())
            .collect();
        let count = |m: &str| methods.iter().filter(|x| *x == m).count();
        (
            [count("GET"), count("DELETE"), count("PUT")],
            methods.join(" "),
        )
    }

    #[tokio::test]
    async fn a_failed_revocation_leaves_the_request_pending_and_the_choice_repeatable() {
        // GET, DELETE (fails) | GET, DELETE, PUT: never rejected before revoked.
        let (counts, order) = decide_twice(1, 0).await;
        assert_eq!(counts, [2, 2, 1]);
        assert_eq!(order, "GET DELETE GET DELETE PUT");
    }

    #[tokio::test]
    async fn a_failed_reject_after_revocation_is_repeatable_too() {
        // GET, DELETE, PUT (fails) | GET, DELETE (idempotent), PUT.
        let (counts, order) = decide_twice(0, 1).await;
        assert_eq!(counts, [2, 2, 2]);
        assert_eq!(order, "GET DELETE PUT GET DELETE PUT");
    }
}

/// Two different decisions on one request (a no-JS double click on both
/// buttons, two tabs) against a mock that behaves like Hydra v2.3.0 here: a
/// reject makes the request unknown, and an accept or reject is applied
/// whenever it is sent.
mod decision_races {
    use std::sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    };
    use std::time::Duration;

    use wiremock::{
        matchers::{method, path_regex},
        Mock, MockServer, ResponseTemplate,
    };

    use super::super::*;
    use crate::server::state::AppState;

    fn json(status: u16, body: &str) -> ResponseTemplate {
        ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
    }

    async fn stub() -> (AppState, MockServer) {
        let server = MockServer::start().await;
        let rejected = Arc::new(AtomicBool::new(false));
        let r = rejected.clone();
        Mock::given(method("GET"))
            .respond_with(move |_: &wiremock::Request| {
                if r.load(Ordering::SeqCst) {
                    json(404, "{}")
                } else {
                    json(
                        200,
                        r#"{"subject":"alice","rp_initiated":true,"client":{"client_id":"app"}}"#,
                    )
                }
            })
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .respond_with(json(204, "").set_delay(Duration::from_millis(150)))
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path_regex("/accept$"))
            .respond_with(json(
                200,
                r#"{"redirect_to":"https://hydra.test/oauth2/sessions/logout?logout_verifier=v"}"#,
            ))
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .and(path_regex("/reject$"))
            .respond_with(move |_: &wiremock::Request| {
                rejected.store(true, Ordering::SeqCst);
                json(204, "")
            })
            .mount(&server)
            .await;
        (super::state_for(&server.uri()), server)
    }

    /// The decisions Hydra was sent (`accept`, `reject`), in order.
    async fn puts(server: &MockServer) -> Vec<String> {
        let requests = server.received_requests().await.unwrap_or_default();
        requests
            .iter()
            .filter(|r| r.method == "PUT")
            .filter_map(|r| r.url.path_segments()?.next_back().map(str::to_owned))
            .collect()
    }

    const BINDING: [u8; 16] = [9; 16];

    fn ticket(state: &AppState) -> String {
        state
            .tickets
            .seal(&LogoutChallenge::parse("c").unwrap(), &BINDING)
            .unwrap()
    }

    #[tokio::test]
    async fn an_accept_during_app_only_never_revives_the_rejected_request() {
        let (state, hydra) = stub().await;
        let t = ticket(&state);
        let (app_only, everywhere) = tokio::join!(
            decide(&state, &t, Some(&BINDING), Decision::Reject),
            async {
                // Arrives while "only this app" is revoking the app's tokens.
                tokio::time::sleep(Duration::from_millis(30)).await;
                decide(&state, &t, Some(&BINDING), Decision::Accept).await
            }
        );
        assert!(app_only.is_ok());
        assert_eq!(everywhere.unwrap_err().error, AppError::NotFound);
        assert_eq!(puts(&hydra).await, vec!["reject"]);
    }

    #[tokio::test]
    async fn app_only_after_an_accept_continues_the_sign_out() {
        let (state, hydra) = stub().await;
        let t = ticket(&state);
        let everywhere = decide(&state, &t, Some(&BINDING), Decision::Accept)
            .await
            .unwrap();
        let app_only = decide(&state, &t, Some(&BINDING), Decision::Reject)
            .await
            .unwrap();
        assert_eq!(app_only, everywhere, "the accepted sign-out continues");
        assert_eq!(puts(&hydra).await, vec!["accept"]);
    }
}

#[test]
fn client_id_may_not_hide_behind_a_duplicate() {
    let dup = |ids: &str| req(&format!("{}{ids}", logout_url(REGISTERED, None)), None);
    assert!(is_inconsistent(&dup("&client_id=app&client_id=other")));
    assert!(is_inconsistent(&dup("&client_id=other&client_id=app")));
    assert!(!is_inconsistent(&dup("&client_id=app&client_id=app")));
}

#[test]
fn safe_http_url_only_allows_http_and_https() {
    for bad in [
        "javascript:alert(1)",
        "data:text/html,<b>",
        "JaVaScRiPt:alert(1)",
        "//evil.test",
        "",
        "   ",
        "file:///etc/passwd",
    ] {
        assert!(safe_http_url(Some(bad)).is_none(), "{bad}");
    }
    assert!(safe_http_url(Some("https://app.test/")).is_some());
    assert!(safe_http_url(Some(&format!("https://a.test/{}", "x".repeat(3000)))).is_none());
}

#[test]
fn names_lose_bidi_controls_and_logos_must_be_https() {
    let c = OAuth2Client {
        client_id: "app".into(),
        client_name: Some("\u{202E}erehwyreve\u{2066}x\u{200F}".into()),
        logo_uri: Some("http://logo.test/l.png".into()),
        ..Default::default()
    };
    let info = app_info(&c);
    assert_eq!(info.name, "erehwyrevex");
    assert_eq!(info.logo_uri, None);
    let c = OAuth2Client {
        client_name: Some("\u{202E}".into()),
        logo_uri: Some("https://logo.test/l.png".into()),
        ..c
    };
    assert_eq!(app_info(&c).name, "app");
    assert_eq!(
        app_info(&c).logo_uri.as_deref(),
        Some("https://logo.test/l.png")
    );
}

#[test]
fn app_name_falls_back_to_client_id_and_is_bounded() {
    let mut c = OAuth2Client {
        client_id: "my-client".into(),
        client_name: Some("  ".into()),
        ..Default::default()
    };
    assert_eq!(app_info(&c).name, "my-client");
    c.client_name = Some("x".repeat(500));
    assert_eq!(app_info(&c).name.chars().count(), 120);
}

#[test]
fn expiry_ignores_null_and_go_zero_time() {
    let mut r = LogoutRequest::default();
    assert!(!is_expired(&r));
    r.expires_at = Some("0001-01-01T00:00:00Z".into());
    assert!(!is_expired(&r));
    r.expires_at = Some("2001-01-01T00:00:00Z".into());
    assert!(is_expired(&r));
    r.expires_at = Some("2999-01-01T00:00:00Z".into());
    assert!(!is_expired(&r));
}

#[test]
fn minutes_left_round_up_and_vanish_without_a_deadline() {
    let now = OffsetDateTime::parse("2026-01-01T10:00:00Z", &Rfc3339).unwrap();
    let mut r = LogoutRequest::default();
    assert_eq!(minutes_left(&r, now), None);
    for (at, minutes) in [
        ("2026-01-01T10:12:00Z", Some(12)),
        ("2026-01-01T10:11:01Z", Some(12)),
        ("2026-01-01T10:00:01Z", Some(1)),
        ("2026-01-01T10:00:00Z", None),
        ("2026-01-01T09:00:00Z", None),
        ("0001-01-01T00:00:00Z", None),
    ] {
        r.expires_at = Some(at.into());
        assert_eq!(minutes_left(&r, now), minutes, "{at}");
    }
}

#[test]
fn failure_locations_never_lose_the_challenge_when_known() {
    let c = LogoutChallenge::parse("a+b").unwrap();
    let f = DecideFailure::new(AppError::Unavailable, &c);
    assert_eq!(
        f.fallback_location(),
        "/logout?logout_challenge=a%2Bb&failed=1"
    );
    let f = DecideFailure::new(AppError::NotFound, &c);
    assert_eq!(f.fallback_location(), "/logout?logout_challenge=a%2Bb");
    let f = DecideFailure {
        error: AppError::Forbidden,
        challenge: None,
    };
    assert_eq!(f.fallback_location(), "/error?error=forbidden");
}
