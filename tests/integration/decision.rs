//! What the two buttons do, on a real Hydra (issue 16).
//!
//! RP-initiated: "sign out everywhere" (accept) ends Hydra's session and notifies
//! every app; "sign out of {App} only" (reject) revokes that app's tokens, keeps
//! the session, notifies nobody and returns to the app's *registered* address.
//! User-initiated: "sign out" or "cancel", and cancel never goes to a URL from
//! `request_url`.

use std::time::Duration;

use http::{header, StatusCode};
use hydra_logout_ui::{
    error::AppError,
    logout::{
        challenge::LogoutChallenge,
        ssr::flow::{self, Next, PromptStep},
        Decision,
    },
    ory::hydra::{GetLogout, Gone},
    server::state::AppState,
};
use serde_json::{json, Value};
use url::Url;

use crate::support::*;

/// The support server (`scripts/support.sh`), whose sample relying parties record
/// back-channel logout tokens.
fn support_url() -> String {
    std::env::var("SUPPORT_URL").unwrap_or_else(|_| "http://127.0.0.1:5555".into())
}

/// A client that gets refresh tokens and whose back-channel logout URI is the
/// support server's recorder for `/rp/{name}/`; its client id is `rp-{name}`,
/// the id that recorder verifies `aud` against.
fn recorded_client() -> (String, String, Value) {
    let name = unique("it16");
    let client_id = format!("rp-{name}");
    let extra = json!({
        "scope": "openid offline_access",
        "grant_types": ["authorization_code", "refresh_token"],
        "backchannel_logout_uri": format!("{}/rp/{name}/backchannel", support_url()),
        "backchannel_logout_session_required": true,
    });
    (name, client_id, extra)
}

/// Back-channel logout tokens the support server received for `/rp/{name}/`.
async fn backchannel_tokens(name: &str) -> Vec<Value> {
    let events: Value = reqwest::get(format!("{}/rp/{name}/events", support_url()))
        .await
        .expect("the support server is not running: start it with scripts/support.sh start")
        .json()
        .await
        .unwrap();
    events["backchannel"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The prompt for `challenge` (it must ask): its ticket.
async fn ask(state: &AppState, challenge: &str) -> String {
    ticket_of(
        flow::prompt(state, challenge, &BINDING, None)
            .await
            .unwrap(),
    )
}

/// The decision `decision` on `ticket`, which must send the browser to another site.
async fn choose(state: &AppState, ticket: &str, decision: Decision) -> Url {
    external(
        flow::decide(state, ticket, Some(&BINDING), decision)
            .await
            .unwrap(),
    )
}

/// Whether Hydra's token endpoint honours `rp`'s refresh token. Uses it up (Hydra
/// rotates refresh tokens): call once per token.
async fn refresh_works(rp: &Rp) -> bool {
    let res = reqwest::Client::new()
        .post(format!("{}/oauth2/token", rp.hydra.public()))
        .form(&[
            ("grant_type", "refresh_token"),
            (
                "refresh_token",
                rp.refresh_token.as_deref().expect("refresh token"),
            ),
            ("client_id", rp.client_id.as_str()),
            ("client_secret", "integration-test-secret"),
        ])
        .send()
        .await
        .unwrap();
    res.status() == StatusCode::OK
}

/// Two apps signed in with one browser, i.e. one Hydra login session.
async fn two_apps() -> ((String, Rp), (String, Rp)) {
    let browser = new_browser();
    let (name1, id1, extra1) = recorded_client();
    let one = Rp::login_as(Hydra::Main, &id1, "App One", extra1, Some(browser.clone())).await;
    let (name2, id2, extra2) = recorded_client();
    let two = Rp::login_as(Hydra::Main, &id2, "App Two", extra2, Some(browser)).await;
    ((name1, one), (name2, two))
}

#[tokio::test]
async fn app_only_keeps_the_session_revokes_the_apps_tokens_and_notifies_nobody() {
    let ((name1, one), (name2, two)) = two_apps().await;
    // Refresh tokens are used once each, below: Hydra rotates them, and a second
    // use of the same one would be refused whatever we did.
    let challenge = one.start_logout("st-only").await;
    let state = state();
    let ticket = ask(&state, &challenge).await;

    let to = choose(&state, &ticket, Decision::Reject).await;
    assert_eq!(to.as_str(), format!("{}?state=st-only", one.post_logout));

    assert!(
        two.login_is_skipped().await,
        "the single sign-on session must survive \"only this app\""
    );
    assert!(
        !refresh_works(&one).await,
        "the app's refresh token must be revoked"
    );
    assert!(refresh_works(&two).await, "the other app keeps its tokens");
    // Back-channel logout is asynchronous in Hydra: give a stray one time to arrive.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(backchannel_tokens(&name1).await.is_empty());
    assert!(backchannel_tokens(&name2).await.is_empty());
}

#[tokio::test]
async fn app_only_without_revocation_keeps_the_apps_tokens() {
    let (_, client_id, extra) = recorded_client();
    let rp = Rp::login_as(Hydra::Main, &client_id, "Keep Tokens", extra, None).await;
    let challenge = rp.start_logout("st-keep").await;
    let admin = Hydra::Main.admin();
    let public = Hydra::Main.public();
    let state = state_from(&[
        ("HYDRA_ADMIN_URL", &admin),
        ("HYDRA_PUBLIC_URL", &public),
        ("APP_ONLY_REVOKES_CONSENT", "false"),
    ]);
    let ticket = ask(&state, &challenge).await;
    let to = choose(&state, &ticket, Decision::Reject).await;
    assert_eq!(to.as_str(), format!("{}?state=st-keep", rp.post_logout));
    assert!(refresh_works(&rp).await, "revocation is turned off");
    assert!(rp.login_is_skipped().await);
}

#[tokio::test]
async fn everywhere_ends_the_session_and_notifies_both_apps() {
    let ((name1, one), (name2, two)) = two_apps().await;
    let challenge = one.start_logout("st-all").await;
    let state = state();
    let ticket = ask(&state, &challenge).await;
    let to = choose(&state, &ticket, Decision::Accept).await;
    let res = one.browser.get(to).send().await.unwrap();
    assert_eq!(
        res.headers()[header::LOCATION].to_str().unwrap(),
        format!("{}?state=st-all", one.post_logout)
    );
    assert!(
        !two.login_is_skipped().await,
        "Hydra's session must be gone"
    );
    let mut received = (0, 0);
    for _ in 0..50 {
        received = (
            backchannel_tokens(&name1).await.len(),
            backchannel_tokens(&name2).await.len(),
        );
        if received == (1, 1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(received, (1, 1), "one logout token for each app");
    for name in [&name1, &name2] {
        let token = &backchannel_tokens(name).await[0];
        assert_eq!(token["verification"]["ok"], true, "{token}");
    }
}

/// Sends the end-session request as a POST to Hydra's public endpoint, with
/// `query` in the URL and `body` as the form, in `rp`'s browser (Hydra's session
/// cookie); returns the challenge of the request Hydra created.
async fn post_end_session(rp: &Rp, query: &[(&str, &str)], body: &[(&str, &str)]) -> String {
    let mut url = Url::parse(&format!("{}/oauth2/sessions/logout", rp.hydra.public())).unwrap();
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    logout_challenge(&rp.browser.post(url).form(body).send().await.unwrap())
}

#[tokio::test]
async fn a_smuggled_return_address_is_never_used() {
    // Hydra reads the POST body (empty parameters: a user-initiated logout) but
    // stores the query (the attacker's address) as request_url.
    let rp = Rp::login("it-smuggle", "Smuggle App").await;
    let evil = [
        ("post_logout_redirect_uri", "https://evil.test/phish"),
        ("state", "x"),
    ];
    let blank = [("post_logout_redirect_uri", ""), ("state", "")];

    let challenge = post_end_session(&rp, &evil, &blank).await;
    let state = state();
    let prompt = flow::prompt(&state, &challenge, &BINDING, None)
        .await
        .unwrap();
    match &prompt {
        PromptStep::Ask(p) => assert_eq!(p.app, None, "a user-initiated logout names no app"),
        other => panic!("expected a prompt, got {other:?}"),
    }
    let to = flow::decide(&state, &ticket_of(prompt), Some(&BINDING), Decision::Reject)
        .await
        .unwrap();
    assert_eq!(
        to,
        Next::External(Url::parse("https://home.example/").unwrap())
    );
    assert!(rp.login_is_skipped().await, "cancel changes nothing");

    // Without HOME_URL: our own page, still never the smuggled address.
    let challenge = post_end_session(&rp, &evil, &blank).await;
    let admin = Hydra::Main.admin();
    let public = Hydra::Main.public();
    let bare = state_from(&[("HYDRA_ADMIN_URL", &admin), ("HYDRA_PUBLIC_URL", &public)]);
    let ticket = ask(&bare, &challenge).await;
    let to = flow::decide(&bare, &ticket, Some(&BINDING), Decision::Reject)
        .await
        .unwrap();
    assert_eq!(to, Next::Own("/stayed"));
}

#[tokio::test]
async fn look_alikes_of_the_registered_address_are_never_used() {
    let rp = Rp::login("it-lookalike", "Look-alike App").await;
    let other = Rp::login("it-lookalike-other", "Other App").await;
    let registered = rp.post_logout.clone();
    assert!(registered.starts_with("http://127.0.0.1:5599/"));
    let look_alikes = [
        format!("{registered}/"),
        registered.replace("127.0.0.1", "LOCALHOST"),
        registered.replace("http://127.0.0.1", "http://localhost"),
        registered.replace("http://", "https://"),
        format!("{registered}?foo=bar"),
        other.post_logout.clone(),
    ];
    let state = state();
    for look_alike in &look_alikes {
        // Hydra validates the body's (registered) address; the query carries the
        // look-alike into request_url.
        let challenge = post_end_session(
            &rp,
            &[
                ("post_logout_redirect_uri", look_alike.as_str()),
                ("state", "la"),
            ],
            &[
                ("id_token_hint", rp.id_token.as_str()),
                ("post_logout_redirect_uri", registered.as_str()),
                ("state", "la"),
            ],
        )
        .await;
        let prompt = flow::prompt(&state, &challenge, &BINDING, None)
            .await
            .unwrap();
        match &prompt {
            PromptStep::Ask(p) => assert!(p.app.is_some(), "RP-initiated by POST: full prompt"),
            other => panic!("expected a prompt, got {other:?}"),
        }
        let to = external(
            flow::decide(&state, &ticket_of(prompt), Some(&BINDING), Decision::Reject)
                .await
                .unwrap(),
        );
        // Falls back to the client's client_uri.
        assert_eq!(to.as_str(), "https://app.example/", "for {look_alike}");
    }

    // Received by POST with nothing in the query: the full prompt, and "only
    // {App}" falls back the same way.
    let challenge = post_end_session(
        &rp,
        &[],
        &[
            ("id_token_hint", rp.id_token.as_str()),
            ("post_logout_redirect_uri", registered.as_str()),
        ],
    )
    .await;
    let ticket = ask(&state, &challenge).await;
    let to = choose(&state, &ticket, Decision::Reject).await;
    assert_eq!(to.as_str(), "https://app.example/");
}

#[tokio::test]
async fn a_registered_address_keeps_its_query_and_state_arrives_byte_exact() {
    let client_id = unique("it-tenant");
    let registered = format!("http://127.0.0.1:5599/{client_id}/after-logout?tenant=7");
    let rp = Rp::login_as(
        Hydra::Main,
        &client_id,
        "Tenant App",
        json!({ "post_logout_redirect_uris": [registered] }),
        None,
    )
    .await;
    let rp_state = "a+b c&d=e;f%g/?#é";
    let check = |to: &Url| {
        assert_eq!(to.path(), format!("/{client_id}/after-logout"), "{to}");
        let pairs: Vec<(String, String)> = to
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("state".to_owned(), rp_state.to_owned()),
                ("tenant".to_owned(), "7".to_owned())
            ],
            "{to}"
        );
    };
    let state = state();

    // "Only {App}": our redirect.
    let challenge = rp.start_logout(rp_state).await;
    let ticket = ask(&state, &challenge).await;
    let ours = choose(&state, &ticket, Decision::Reject).await;
    check(&ours);

    // "Everywhere": Hydra's redirect, which ours must equal exactly.
    let challenge = rp.start_logout(rp_state).await;
    let ticket = ask(&state, &challenge).await;
    let to = choose(&state, &ticket, Decision::Accept).await;
    let res = rp.browser.get(to).send().await.unwrap();
    let hydras = Url::parse(res.headers()[header::LOCATION].to_str().unwrap()).unwrap();
    check(&hydras);
    assert_eq!(ours, hydras, "the same address, encoded the same way");
}

#[tokio::test]
async fn a_client_id_that_contradicts_the_id_token_is_refused() {
    let rp = Rp::login("it-mismatch", "Mismatch App").await;
    let state = state();

    let challenge = rp
        .start_logout_with("st-mm", &[("client_id", "someone-else")])
        .await;
    assert_eq!(
        flow::prompt(&state, &challenge, &BINDING, None)
            .await
            .unwrap_err(),
        AppError::Inconsistent
    );
    // Rejected at Hydra: no button can act on it later.
    assert!(matches!(
        state
            .hydra
            .get_logout_request(&LogoutChallenge::parse(&challenge).unwrap())
            .await
            .unwrap(),
        GetLogout::Gone(Gone::NotFound)
    ));
    assert!(rp.login_is_skipped().await, "Hydra's session is kept");

    // Over HTTP: a 400 page, no redirect anywhere.
    let app = hydra_logout_ui::server::router(state.clone());
    let (status, headers, body) = send(
        app,
        http::Request::get(format!("/logout?logout_challenge={challenge}"))
            .header(header::ACCEPT, "text/html")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "already rejected: not found");
    assert!(headers.get(header::LOCATION).is_none());
    assert!(
        !body.contains("5599"),
        "no relying-party address on the page"
    );

    let challenge = rp
        .start_logout_with("st-mm2", &[("client_id", "someone-else")])
        .await;
    let app = hydra_logout_ui::server::router(state.clone());
    let (status, headers, body) = send(
        app,
        http::Request::get(format!("/logout?logout_challenge={challenge}"))
            .header(header::ACCEPT, "text/html")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(headers.get(header::LOCATION).is_none());
    assert!(body.contains(r#"data-error="inconsistent""#), "{body}");
    assert!(
        !body.contains("5599"),
        "no relying-party address on the page"
    );
    assert!(rp.login_is_skipped().await, "Hydra's session is kept");

    // The matching client_id is fine.
    let challenge = rp
        .start_logout_with("st-ok", &[("client_id", rp.client_id.as_str())])
        .await;
    assert!(matches!(
        flow::prompt(&state, &challenge, &BINDING, None)
            .await
            .unwrap(),
        PromptStep::Ask(_)
    ));
}
