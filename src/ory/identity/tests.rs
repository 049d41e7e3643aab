//! Trait selection, and fault injection against a wiremock server (hangs,
//! 5xx, garbage). That the lookup works at all is proven against a real Ory Kratos in
//! `tests/integration/` and `end2end/tests/identity.spec.ts`.

use std::time::{Duration, Instant};

use serde_json::json;
use wiremock::{matchers::any, Mock, MockServer, ResponseTemplate};

use super::*;

const ID: &str = "7f3e9c2a-1b2c-4d5e-8f90-a1b2c3d451d0";

fn config(url: &str, name_traits: &[&str], email: Option<&str>) -> IdentityConfig {
    IdentityConfig {
        admin_url: Url::parse(url).unwrap(),
        send_api_key: false,
        timeout: Duration::from_millis(300),
        name_traits: name_traits.iter().map(|s| (*s).to_owned()).collect(),
        email_trait: email.map(str::to_owned),
    }
}

fn admin(cfg: &IdentityConfig, key: Option<&str>) -> IdentityAdmin {
    let key = key.map(|k| SecretString::from(k.to_owned()));
    IdentityAdmin::build(cfg, key.as_ref(), Metrics::new().unwrap()).unwrap()
}

fn default_admin() -> IdentityAdmin {
    admin(
        &config(
            "http://127.0.0.1:9/",
            &["name", "username", "email"],
            Some("email"),
        ),
        None,
    )
}

#[test]
fn the_first_present_trait_names_the_person_and_the_email_differs() {
    let a = default_admin();
    let p = a
        .person(&json!({"name": "Alice Example", "email": "alice@example.com"}))
        .unwrap();
    assert_eq!(p.name, "Alice Example");
    assert_eq!(p.email.as_deref(), Some("alice@example.com"));

    let p = a
        .person(&json!({"name": {"first": " Bob ", "last": "Builder"}, "email": "b@x.test"}))
        .unwrap();
    assert_eq!(p.name, "Bob Builder");

    // Empty name: the username; no name, no username: the e-mail, shown once.
    let p = a
        .person(&json!({"name": "  ", "username": "carol", "email": "c@x.test"}))
        .unwrap();
    assert_eq!(p.name, "carol");
    let p = a.person(&json!({"email": "Dan@X.test"})).unwrap();
    assert_eq!((p.name.as_str(), p.email), ("Dan@X.test", None));

    assert!(a.person(&json!({"phone": "+49"})).is_none());
    assert!(a.person(&json!(null)).is_none());
    assert!(a.person(&json!({"name": 42, "username": ["x"]})).is_none());
}

#[test]
fn operators_choose_nested_trait_paths_and_values_are_bounded() {
    let a = admin(
        &config(
            "http://127.0.0.1:9/",
            &["profile.display_name"],
            Some("contact.mail"),
        ),
        None,
    );
    let p = a
        .person(&json!({
            "profile": {"display_name": "Ève\u{7}\n"},
            "contact": {"mail": "eve@x.test"},
            "name": "ignored"
        }))
        .unwrap();
    assert_eq!(p.name, "Ève");
    assert_eq!(p.email.as_deref(), Some("eve@x.test"));

    let p = default_admin()
        .person(&json!({"name": "x".repeat(500)}))
        .unwrap();
    assert_eq!(p.name.chars().count(), MAX_CHARS);
    assert!(p.name.ends_with('…'));
}

#[test]
fn only_uuid_subjects_are_looked_up() {
    assert!(is_uuid(ID));
    assert!(is_uuid(&ID.to_uppercase()));
    for other in [
        "alice",
        "",
        "7f3e9c2a1b2c4d5e8f90a1b2c3d451d0",
        "../admin/x",
        "7f3e9c2a-1b2c-4d5e-8f90-a1b2c3d451dz",
    ] {
        assert!(!is_uuid(other), "{other}");
    }
}

/// A mock identity admin API answering every request with `status` and
/// `body` (as JSON) after `delay`; its URL has a path prefix, `/prefix`.
async fn stub(status: u16, body: &str, delay: Duration) -> (String, MockServer) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_raw(body.to_owned(), "application/json")
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    (format!("{}/prefix", server.uri()), server)
}

/// Path and `Authorization` header of each request the mock received.
async fn seen(server: &MockServer) -> Vec<(String, Option<String>)> {
    let requests = server.received_requests().await.unwrap_or_default();
    requests
        .iter()
        .map(|r| {
            let auth = r
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            (r.url[url::Position::BeforePath..].to_owned(), auth)
        })
        .collect()
}

#[tokio::test]
async fn the_lookup_calls_get_identity_with_the_key_only_when_told() {
    let (url, server) = stub(
        200,
        r#"{"id":"x","traits":{"name":"Alice"}}"#,
        Duration::ZERO,
    )
    .await;
    let cfg = config(&url, &["name"], Some("email"));
    let p = admin(&cfg, Some("k-123")).lookup(ID).await.unwrap();
    assert_eq!(p.name, "Alice");
    assert_eq!(p.email, None);
    let a = IdentityAdmin::new(
        &crate::server::config::Config::from_env(&[
            ("HYDRA_ADMIN_URL", "http://127.0.0.1:4445"),
            ("HYDRA_PUBLIC_URL", "http://127.0.0.1:4444"),
            ("KRATOS_ADMIN_URL", url.as_str()),
            ("ORY_API_KEY", "k-456"),
        ])
        .unwrap(),
        Metrics::new().unwrap(),
    )
    .unwrap()
    .unwrap();
    a.lookup(ID).await.unwrap();
    let seen = seen(&server).await;
    assert_eq!(
        seen,
        [
            (
                format!("/prefix/admin/identities/{ID}"),
                Some("Bearer k-123".into())
            ),
            // A self-hosted Kratos does not get Hydra's key.
            (format!("/prefix/admin/identities/{ID}"), None),
        ]
    );
}

#[tokio::test]
async fn faults_give_no_name_within_the_bound_and_are_counted() {
    let garbage = "<html>not json</html>";
    for (status, body, delay, kind) in [
        (200, "{}", Duration::from_secs(5), "timeout"),
        (
            404,
            r#"{"error":{"code":404}}"#,
            Duration::ZERO,
            "not_found",
        ),
        (500, "{}", Duration::ZERO, "status"),
        (401, "{}", Duration::ZERO, "unauthorized"),
        (200, garbage, Duration::ZERO, "body"),
        (
            200,
            r#"{"traits":{"phone":"1"}}"#,
            Duration::ZERO,
            "no_name",
        ),
    ] {
        let (url, _server) = stub(status, body, delay).await;
        let metrics = Metrics::new().unwrap();
        let a =
            IdentityAdmin::build(&config(&url, &["name"], None), None, metrics.clone()).unwrap();
        let started = Instant::now();
        assert!(a.lookup(ID).await.is_none(), "{kind}");
        assert!(
            started.elapsed() < Duration::from_millis(1_000),
            "{kind}: {:?}",
            started.elapsed()
        );
        let text = metrics.render();
        assert!(
            text.contains(&format!(
                "logout_ui_identity_lookups_total{{outcome=\"{kind}\"}} 1"
            )),
            "{kind}: {text}"
        );
    }
    // Nothing listening.
    let a = admin(&config("http://127.0.0.1:9/", &["name"], None), None);
    assert!(a.lookup(ID).await.is_none());
    // Not a Kratos id: no call at all.
    let (url, server) = stub(200, "{}", Duration::ZERO).await;
    assert!(admin(&config(&url, &["name"], None), None)
        .lookup("alice")
        .await
        .is_none());
    assert!(seen(&server).await.is_empty());
}

#[test]
fn names_lose_bidirectional_controls() {
    assert_eq!(
        clean("<b>Ada</b>\u{202E} Love\u{2067}lace\u{200F}"),
        "<b>Ada</b> Lovelace"
    );
}
