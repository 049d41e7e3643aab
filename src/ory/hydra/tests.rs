//! Fault injection against a wiremock server. Whether the flows work is proven
//! against the real Hydra in `tests/integration/` and `end2end/`; these tests cover
//! what real Hydra will not do on demand (5xx, hangs, garbage) and the exact
//! mapping of statuses.

use std::time::Duration;

use secrecy::SecretString;
use wiremock::{matchers::any, Mock, MockServer, ResponseTemplate};

use super::*;
use crate::server::{config::Config, metrics::Metrics};

/// Method, URI (path and query) and `Authorization` header of one request the
/// mock received.
type SeenRequest = (String, String, Option<String>);

/// A mock admin API answering every request with `status` and `body` (as
/// JSON) after `delay`.
async fn stub(status: u16, body: &str, delay: Duration) -> MockServer {
    stub_failing_first(0, status, body, delay).await
}

/// Like [`stub`], but the first `failures` requests get 503.
async fn stub_failing_first(failures: u64, status: u16, body: &str, delay: Duration) -> MockServer {
    let answer = |status| {
        ResponseTemplate::new(status)
            .set_body_raw(body.to_owned(), "application/json")
            .set_delay(delay)
    };
    let server = MockServer::start().await;
    if failures > 0 {
        Mock::given(any())
            .respond_with(answer(503))
            .up_to_n_times(failures)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    Mock::given(any())
        .respond_with(answer(status))
        .mount(&server)
        .await;
    server
}

/// The mock's base URL, as configured for the admin API.
fn url(server: &MockServer) -> Url {
    Url::parse(&format!("{}/", server.uri())).unwrap()
}

/// The requests the mock received, in order.
async fn seen(server: &MockServer) -> Vec<SeenRequest> {
    let requests = server.received_requests().await.unwrap_or_default();
    requests
        .iter()
        .map(|r| {
            let uri = &r.url[url::Position::BeforePath..];
            let auth = r
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            (r.method.to_string(), uri.to_owned(), auth)
        })
        .collect()
}

fn config(admin: &Url, key: Option<&str>) -> HydraConnection {
    let mut config = Config::for_tests(
        admin.clone(),
        Url::parse("http://hydra.test:4444/").unwrap(),
    );
    config.hydra.api_key = key.map(|k| SecretString::from(k.to_owned()));
    config.hydra.timeout = Duration::from_millis(300);
    config.hydra.connect_timeout = Duration::from_millis(300);
    config.hydra
}

impl HydraAdmin {
    fn new_for_test(config: &HydraConnection) -> Result<Self, reqwest::Error> {
        HydraAdmin::new(config, Metrics::new().unwrap())
    }
}

fn challenge() -> LogoutChallenge {
    LogoutChallenge::parse("c h&=x".replace(' ', "+").as_str()).unwrap()
}

const REQUEST_V23: &str = r#"{"challenge":"abc","subject":"alice","sid":"s1","request_url":"/oauth2/sessions/logout?id_token_hint=eyJ","rp_initiated":true,"expires_at":null,"requested_at":"2026-01-01T00:00:00Z","client":{"client_id":"app","client_name":"App","skip_logout_consent":null}}"#;
const REQUEST_V22: &str = r#"{"challenge":"abc","subject":"alice","sid":"s1","request_url":"/oauth2/sessions/logout","rp_initiated":false,"client":null}"#;

#[tokio::test]
async fn get_parses_both_shapes_and_encodes_the_challenge() {
    for body in [REQUEST_V23, REQUEST_V22] {
        let server = stub(200, body, Duration::ZERO).await;
        let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
        match hydra.get_logout_request(&challenge()).await.unwrap() {
            GetLogout::Pending(r) => assert_eq!(r.subject, "alice"),
            other => panic!("unexpected {other:?}"),
        }
        let requests = seen(&server).await;
        let (method, uri, auth) = &requests[0];
        assert_eq!(method, "GET");
        assert_eq!(
            uri,
            "/admin/oauth2/auth/requests/logout?logout_challenge=c%2Bh%26%3Dx"
        );
        assert_eq!(auth, &None);
    }
}

#[tokio::test]
async fn api_key_is_sent_as_bearer() {
    let server = stub(404, "{}", Duration::ZERO).await;
    let hydra = HydraAdmin::new_for_test(&config(&url(&server), Some("ory_apikey_test"))).unwrap();
    assert!(matches!(
        hydra.get_logout_request(&challenge()).await,
        Ok(GetLogout::Gone(Gone::NotFound))
    ));
    let requests = seen(&server).await;
    assert_eq!(requests[0].2.as_deref(), Some("Bearer ory_apikey_test"));
}

#[tokio::test]
async fn admin_url_path_prefix_is_kept() {
    let server = stub(404, "{}", Duration::ZERO).await;
    let prefixed = url(&server).join("proxy/hydra").unwrap();
    let hydra = HydraAdmin::new_for_test(&config(&prefixed, None)).unwrap();
    let _ = hydra.reject_logout_request(&challenge()).await;
    let requests = seen(&server).await;
    assert!(
        requests[0]
            .1
            .starts_with("/proxy/hydra/admin/oauth2/auth/requests/logout/reject?"),
        "{}",
        requests[0].1
    );
}

#[tokio::test]
async fn gone_resolves_the_relative_redirect_against_the_public_url() {
    let server = stub(
        410,
        r#"{"redirect_to":"/oauth2/sessions/logout?logout_verifier=v"}"#,
        Duration::ZERO,
    )
    .await;
    let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
    match hydra.get_logout_request(&challenge()).await.unwrap() {
        GetLogout::Completed { redirect_to } => assert_eq!(
            redirect_to.as_str(),
            "http://hydra.test:4444/oauth2/sessions/logout?logout_verifier=v"
        ),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn accept_refuses_a_redirect_off_hydras_origin() {
    for target in [
        "https://evil.test/oauth2/sessions/logout",
        "//evil.test/x",
        "http://hydra.test:4445/admin",
        "javascript:alert(1)",
    ] {
        let body = format!(r#"{{"redirect_to":"{target}"}}"#);
        let server = stub(200, &body, Duration::ZERO).await;
        let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
        assert_eq!(
            hydra.accept_logout_request(&challenge()).await.unwrap_err(),
            HydraError::ForeignRedirect,
            "{target}"
        );
    }
    let server = stub(
        200,
        r#"{"redirect_to":"http://hydra.test:4444/oauth2/sessions/logout?logout_verifier=v"}"#,
        Duration::ZERO,
    )
    .await;
    let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
    assert!(matches!(
        hydra.accept_logout_request(&challenge()).await,
        Ok(AcceptLogout::Accepted { .. })
    ));
}

#[tokio::test]
async fn statuses_map_to_outcomes() {
    let cases: [(u16, &str, &str); 6] = [
        (204, "", "rejected"),
        (404, r#"{"error":"Not Found"}"#, "not_found"),
        (401, r#"{"error":"request_unauthorized"}"#, "expired"),
        (401, r#"{"error":"unauthorized"}"#, "err:unauthorized"),
        (500, "oops", "err:status"),
        (502, "<html>", "err:status"),
    ];
    for (status, body, want) in cases {
        let server = stub(status, body, Duration::ZERO).await;
        let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
        let got = match hydra.reject_logout_request(&challenge()).await {
            Ok(RejectLogout::Rejected) => "rejected".to_owned(),
            Ok(RejectLogout::Gone(Gone::NotFound)) => "not_found".to_owned(),
            Ok(RejectLogout::Gone(Gone::Expired)) => "expired".to_owned(),
            Err(e) => format!("err:{}", e.kind()),
        };
        assert_eq!(got, want, "status {status}");
    }
}

#[tokio::test]
async fn garbage_bodies_are_body_errors() {
    for body in ["not json", r#"{"subject": 5}"#, "[]"] {
        let server = stub(200, body, Duration::ZERO).await;
        let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
        assert_eq!(
            hydra.get_logout_request(&challenge()).await.unwrap_err(),
            HydraError::Body,
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_hanging_hydra_times_out() {
    let server = stub(200, REQUEST_V23, Duration::from_secs(5)).await;
    let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
    let started = std::time::Instant::now();
    assert_eq!(
        hydra.get_logout_request(&challenge()).await.unwrap_err(),
        HydraError::Timeout
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url = Url::parse(&format!("http://{addr}/")).unwrap();
    let hydra = HydraAdmin::new_for_test(&config(&url, None)).unwrap();
    assert_eq!(
        hydra.get_logout_request(&challenge()).await.unwrap_err(),
        HydraError::Connect
    );
}

#[tokio::test]
async fn the_read_is_retried_on_transient_failures_and_writes_are_not() {
    let server = stub_failing_first(2, 200, REQUEST_V23, Duration::ZERO).await;
    let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
    assert!(matches!(
        hydra.get_logout_request(&challenge()).await,
        Ok(GetLogout::Pending(_))
    ));
    assert_eq!(seen(&server).await.len(), 3);

    // Three failures exhaust the read's attempts.
    let server = stub_failing_first(3, 200, REQUEST_V23, Duration::ZERO).await;
    let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
    assert_eq!(
        hydra.get_logout_request(&challenge()).await.unwrap_err(),
        HydraError::Status(503)
    );
    assert_eq!(seen(&server).await.len(), 3);

    // Accept is never repeated blindly: one failure, one request.
    let server = stub_failing_first(
        1,
        200,
        r#"{"redirect_to":"http://hydra.test:4444/x"}"#,
        Duration::ZERO,
    )
    .await;
    let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
    assert_eq!(
        hydra.accept_logout_request(&challenge()).await.unwrap_err(),
        HydraError::Status(503)
    );
    assert_eq!(seen(&server).await.len(), 1);
}

#[tokio::test]
async fn calls_are_measured_by_operation_and_error_kind() {
    let server = stub(500, "{}", Duration::ZERO).await;
    let metrics = Metrics::new().unwrap();
    let hydra = HydraAdmin::new(&config(&url(&server), None), metrics.clone()).unwrap();
    let _ = hydra.reject_logout_request(&challenge()).await;
    let text = metrics.render();
    assert!(
        text.contains(r#"logout_ui_hydra_errors_total{kind="status",operation="reject"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"logout_ui_hydra_request_duration_seconds_count{operation="reject"} 1"#),
        "{text}"
    );
}

#[tokio::test]
async fn readiness_probe_distinguishes_reachable_from_broken() {
    for (status, body, want) in [
        (404, r#"{"error":"Unable to locate the resource"}"#, true),
        (401, r#"{"error":"request_unauthorized"}"#, true),
        (401, r#"{"error":"unauthorized"}"#, false),
        (503, "", false),
        // Not Hydra: a catch-all 200, an HTML 404 of some other server.
        (200, "<html>ok</html>", false),
        (200, REQUEST_V23, false),
        (404, "<html>Not Found</html>", false),
    ] {
        let server = stub(status, body, Duration::ZERO).await;
        let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
        assert_eq!(hydra.probe().await, want, "{status} {body}");
    }
}

#[tokio::test]
async fn revoke_consent_sessions_sends_subject_and_client_and_maps_statuses() {
    let server = stub(204, "", Duration::ZERO).await;
    let hydra = HydraAdmin::new_for_test(&config(&url(&server), Some("key"))).unwrap();
    assert_eq!(
        hydra.revoke_consent_sessions("alice&bob", "my app").await,
        Ok(RevokeConsent::Revoked)
    );
    let requests = seen(&server).await;
    let (method, uri, auth) = &requests[0];
    assert_eq!(method, "DELETE");
    assert_eq!(
        uri,
        "/admin/oauth2/auth/sessions/consent?subject=alice%26bob&client=my+app"
    );
    assert_eq!(auth.as_deref(), Some("Bearer key"));

    // Nothing but 204 counts as revoked: the user must never be told it was done.
    for (status, body, want) in [
        (200, "{}", HydraError::Status(200)),
        (404, r#"{"error":"Not Found"}"#, HydraError::Status(404)),
        (
            401,
            r#"{"error":"request_unauthorized"}"#,
            HydraError::Unauthorized,
        ),
        (403, r#"{"error":"forbidden"}"#, HydraError::Unauthorized),
        (500, "oops", HydraError::Status(500)),
    ] {
        let server = stub(status, body, Duration::ZERO).await;
        let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
        assert_eq!(
            hydra.revoke_consent_sessions("alice", "app").await,
            Err(want),
            "status {status}"
        );
    }
}

/// Stateless Hydra and Ory Network send long encrypted challenges (issue 11):
/// the longest one we accept reaches the admin API whole, for get and accept.
#[tokio::test]
async fn the_longest_accepted_challenge_reaches_the_admin_api_whole() {
    use crate::logout::challenge::MAX_CHALLENGE_LEN;
    let raw = format!(
        "ory_lo_{}",
        "AbC-_9xYz"
            .repeat(MAX_CHALLENGE_LEN)
            .get(..MAX_CHALLENGE_LEN - 7)
            .unwrap()
    );
    let long = LogoutChallenge::parse(&raw).unwrap();
    let server = stub(404, "{}", Duration::ZERO).await;
    let hydra = HydraAdmin::new_for_test(&config(&url(&server), None)).unwrap();
    assert!(matches!(
        hydra.get_logout_request(&long).await,
        Ok(GetLogout::Gone(Gone::NotFound))
    ));
    assert!(matches!(
        hydra.accept_logout_request(&long).await,
        Ok(AcceptLogout::Gone(Gone::NotFound))
    ));
    let requests = seen(&server).await;
    assert_eq!(requests.len(), 2);
    for (_, uri, _) in requests.iter() {
        assert!(
            uri.ends_with(&format!("logout_challenge={raw}")),
            "{:.80}",
            uri
        );
    }
}
