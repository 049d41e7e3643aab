//! Ory Kratos (issue 15): the person's name instead of the identity id, and the
//! identity session in "sign out everywhere". Needs Kratos (scripts/kratos.sh,
//! 4433/4434) and a Hydra pointed at it (4494/4495), started by scripts/test.sh.

use std::time::Duration;

use http::{header, StatusCode};
use http_body_util::BodyExt;
use hydra_logout_ui::{
    logout::{
        ssr::flow::{self, PromptStep},
        Decision,
    },
    server::{router, state::AppState},
};
use serde_json::json;

use crate::support::*;

/// A login to Hydra whose subject is the Kratos identity's id.
async fn login_as(person: &Person, name: &str) -> Rp {
    let accept = json!({"subject": person.id, "remember": true, "remember_for": 0});
    Rp::login_accepting(Hydra::Main, name, "Kratos App", accept).await
}

#[tokio::test]
async fn the_prompt_names_the_kratos_identity_and_logs_none_of_it() {
    let (logs, _guard) = CapturedLogs::start();

    let person = Person::create("Ada Lovelace").await;
    let rp = login_as(&person, "it-kratos-name").await;
    let kratos = kratos_admin();
    let state = state_with(Hydra::Main, &[("KRATOS_ADMIN_URL", kratos.as_str())]);

    let challenge = rp.start_logout("st-kratos").await;
    let ticket = match flow::prompt(&state, &challenge, &BINDING, None)
        .await
        .unwrap()
    {
        PromptStep::Ask(p) => {
            assert_eq!(p.subject, person.id);
            let shown = p.person.expect("the identity's name");
            assert_eq!(shown.name, "Ada Lovelace");
            assert_eq!(shown.email.as_deref(), Some(person.email.as_str()));
            p.ticket
        }
        other => panic!("expected a prompt, got {other:?}"),
    };

    let (status, html) = prompt_html(router(state.clone()), &challenge, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("You are signed in as <strong"), "{html}");
    assert_eq!(
        testid_text(&html, "display-name").as_deref(),
        Some("Ada Lovelace")
    );
    assert_eq!(
        testid_text(&html, "email").as_deref(),
        Some(person.email.as_str())
    );
    assert!(!html.contains(&person.id), "the identity id is still shown");

    // Decide, so that the audit line is written: it keeps the subject only.
    flow::decide(&state, &ticket, Some(&BINDING), Decision::Reject)
        .await
        .unwrap();
    let logs = logs.text();
    assert!(logs.contains("logout decision"), "{logs}");
    // Values are quoted and escaped in the default log format (issue 11).
    assert!(
        logs.contains(&format!("subject=\"{}\"", person.id)),
        "{logs}"
    );
    for data in ["Ada Lovelace", person.email.as_str()] {
        assert!(
            !logs.contains(data),
            "identity data {data} reached the logs:\n{logs}"
        );
    }
    assert!(state
        .metrics
        .render()
        .contains(r#"logout_ui_identity_lookups_total{outcome="found"} 2"#));
}

/// A loopback stub that accepts connections and answers nothing for 5 s: a
/// Kratos slower than the lookup's bound.
async fn slow_kratos() -> String {
    let app = axum::Router::new().fallback(|| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        "{}"
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:4493")
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    "http://127.0.0.1:4493".into()
}

#[tokio::test]
async fn without_kratos_in_time_the_prompt_shows_the_subject_promptly() {
    let person = Person::create("Grace Hopper").await;
    // 404: an identity id Kratos does not know.
    let ghost = Person {
        id: "0b5f6a8e-3c1d-4e2f-9a7b-1c2d3e4f5a6b".into(),
        email: String::new(),
        password: String::new(),
    };
    let slow = slow_kratos().await;
    let kratos = kratos_admin();
    for (case, kratos_url, who) in [
        ("unknown identity (404)", kratos.as_str(), &ghost),
        ("Kratos slower than the bound", slow.as_str(), &person),
        // Nothing listens on 4492: a stopped Kratos.
        ("Kratos stopped", "http://127.0.0.1:4492", &person),
    ] {
        let rp = login_as(who, "it-kratos-fault").await;
        let challenge = rp.start_logout("st-fault").await;
        let state = state_with(Hydra::Main, &[("KRATOS_ADMIN_URL", kratos_url)]);
        let started = std::time::Instant::now();
        let (status, html) = prompt_html(router(state.clone()), &challenge, "de").await;
        let took = started.elapsed();
        assert_eq!(status, StatusCode::OK, "{case}");
        assert_eq!(
            testid_text(&html, "subject").as_deref(),
            Some(who.id.as_str()),
            "{case}"
        );
        assert!(!html.contains("display-name"), "{case}");
        // The bound is 300 ms; Hydra's own calls take a few ms. Generous margin
        // for a loaded machine, far below the slow stub's 5 s.
        assert!(took < Duration::from_secs(3), "{case}: took {took:?}");
        let metrics = state.metrics.render();
        assert!(
            metrics.contains("logout_ui_identity_lookups_total{outcome=")
                && !metrics.contains(r#"outcome="found""#),
            "{case}: {metrics}"
        );
    }
}

/// An Ory-Network-like project URL on loopback: demands `Authorization: Bearer
/// <key>` on `/admin/*`, then forwards identity calls to Kratos and everything
/// else under `/admin/` to Hydra (as the Ory Network project URL serves both).
async fn gate(port: u16, key: &'static str) -> String {
    use axum::{extract::Request as AxumRequest, response::IntoResponse};
    let upstream = plain_client();
    let app = axum::Router::new().fallback(move |req: AxumRequest| {
        let upstream = upstream.clone();
        async move {
            let path_and_query = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default();
            if !req.uri().path().starts_with("/admin/") {
                return StatusCode::NOT_FOUND.into_response();
            }
            let authorized = req
                .headers()
                .get(header::AUTHORIZATION)
                .is_some_and(|v| v.as_bytes() == format!("Bearer {key}").as_bytes());
            if !authorized {
                return (
                    StatusCode::UNAUTHORIZED,
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"error":{"code":401,"status":"Unauthorized","message":"The request could not be authorized"}}"#,
                )
                    .into_response();
            }
            let base = if req.uri().path().starts_with("/admin/identities") {
                kratos_admin()
            } else {
                Hydra::Main.admin()
            };
            let method = req.method().clone();
            let body = req.into_body().collect().await.unwrap().to_bytes();
            let res = upstream
                .request(method, format!("{base}{path_and_query}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let bytes = res.bytes().await.unwrap();
            (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                bytes,
            )
                .into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn ory_network_configuration_through_a_key_checking_gate() {
    const KEY: &str = "ory_apikey_gate-canary-0123456789";
    let project = gate(4490, KEY).await;
    let person = Person::create("Katherine Johnson").await;
    let rp = login_as(&person, "it-kratos-gate").await;
    let public = Hydra::Main.public();
    let secret = SECRET;

    // The project URL and key, nothing else about Kratos: the identity API is
    // found on the project URL and gets the key.
    let challenge = rp.start_logout("st-gate").await;
    let state = state_from(&[
        ("ORY_SDK_URL", project.as_str()),
        ("ORY_API_KEY", KEY),
        ("HYDRA_PUBLIC_URL", public.as_str()),
        ("LOGOUT_UI_SECRET", secret),
    ]);
    let (status, html) = prompt_html(router(state), &challenge, "fr").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        testid_text(&html, "display-name").as_deref(),
        Some("Katherine Johnson"),
        "{html}"
    );

    // A wrong key: the 503 page, and a log line naming ORY_API_KEY, never a key.
    let (logs, _guard) = CapturedLogs::start();
    const WRONG: &str = "ory_apikey_wrong-canary-9876543210";
    let state = state_from(&[
        ("ORY_SDK_URL", project.as_str()),
        ("ORY_API_KEY", WRONG),
        ("HYDRA_PUBLIC_URL", public.as_str()),
        ("LOGOUT_UI_SECRET", secret),
    ]);
    let (status, html) = prompt_html(router(state), &challenge, "en").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(html.contains("Temporarily unavailable"), "{html}");
    let logs = logs.text();
    assert!(
        logs.lines()
            .any(|l| l.contains("ERROR") && l.contains("ORY_API_KEY")),
        "{logs}"
    );
    for key in [KEY, WRONG] {
        assert!(!logs.contains(key) && !html.contains(key), "a key leaked");
    }
}

/// Logs in at the Hydra that knows Kratos (`urls.identity_provider.url`), with
/// the Kratos session id passed at login accept as `identity_provider_session_id`,
/// and renders the prompt: the relying party, the Kratos session id and the ticket.
async fn kratos_backed_login(name: &str) -> (Rp, String, AppState, String) {
    let person = Person::create("Dorothy Vaughan").await;
    let kratos_session = person.kratos_session().await;
    assert!(kratos_session_active(&kratos_session).await);
    let accept = json!({
        "subject": person.id,
        "remember": true,
        "remember_for": 0,
        "identity_provider_session_id": kratos_session,
    });
    let rp = Rp::login_accepting(Hydra::WithKratos, name, "Kratos App", accept).await;
    let challenge = rp.start_logout("st-idp").await;
    let state = state_for(Hydra::WithKratos);
    let ticket = ticket_of(
        flow::prompt(&state, &challenge, &BINDING, None)
            .await
            .unwrap(),
    );
    (rp, kratos_session, state, ticket)
}

#[tokio::test]
async fn sign_out_everywhere_ends_the_kratos_session() {
    let (rp, kratos_session, state, ticket) = kratos_backed_login("it-idp-everywhere").await;
    let next = flow::decide(&state, &ticket, Some(&BINDING), Decision::Accept)
        .await
        .unwrap();
    let flow::Next::External(redirect_to) = next else {
        panic!("sign out everywhere must continue at Hydra, got {next:?}");
    };
    // The browser follows Hydra's verifier: Hydra completes the logout and
    // disables the Kratos session (strategy_default.go, DisableSession).
    let res = rp.browser.get(redirect_to).send().await.unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert!(!rp.login_is_skipped().await, "Hydra's session survived");
    assert!(
        !kratos_session_active(&kratos_session).await,
        "the Kratos session survived \"sign out everywhere\""
    );
}

/// "Sign out of {App} only" (revoke the app's consent sessions, then reject)
/// leaves the identity session alone: the other apps stay signed in.
#[tokio::test]
async fn only_this_app_keeps_the_kratos_session() {
    let (rp, kratos_session, state, ticket) = kratos_backed_login("it-idp-only-app").await;
    flow::decide(&state, &ticket, Some(&BINDING), Decision::Reject)
        .await
        .unwrap();
    assert!(rp.login_is_skipped().await, "Hydra's session ended");
    assert!(
        kratos_session_active(&kratos_session).await,
        "the Kratos session ended although the user signed out of one app only"
    );
}
