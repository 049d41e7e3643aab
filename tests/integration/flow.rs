//! The logout flow's functions (prompt, decide) against the real Hydra: what
//! the prompt shows, what each decision does, and unknown, forged and expired
//! requests.

use std::time::Duration;

use http::{header, StatusCode};
use hydra_logout_ui::{
    error::AppError,
    logout::{
        challenge::LogoutChallenge,
        ssr::flow::{self, PromptStep},
        Decision,
    },
    ory::hydra::GetLogout,
    server::router,
};
use url::Url;

use crate::support::*;

#[tokio::test]
async fn prompt_shows_the_app_and_hides_the_challenge() {
    let rp = Rp::login("it-prompt", "Integration <App>").await;
    let challenge = rp.start_logout("st-prompt").await;
    let state = state();

    match state
        .hydra
        .get_logout_request(&LogoutChallenge::parse(&challenge).unwrap())
        .await
        .unwrap()
    {
        GetLogout::Pending(req) => {
            assert!(req.rp_initiated);
            assert_eq!(req.subject, "alice");
            assert_eq!(req.client.unwrap().client_id, rp.client_id);
        }
        other => panic!("expected pending, got {other:?}"),
    }

    match flow::prompt(&state, &challenge, &BINDING, None)
        .await
        .unwrap()
    {
        PromptStep::Ask(p) => {
            assert_eq!(p.subject, "alice");
            let app = p.app.unwrap();
            assert_eq!(app.name, "Integration <App>");
            assert_eq!(app.client_uri.as_deref(), Some("https://app.example/"));
            assert!(!p.ticket.contains(&challenge));
        }
        other => panic!("expected a prompt, got {other:?}"),
    }
}

#[tokio::test]
async fn sign_out_completes_and_a_second_submit_is_harmless() {
    let (rp, challenge, state, ticket) = prompted("it-accept", "Accept App", "st-accept").await;

    let to = external(
        flow::decide(&state, &ticket, Some(&BINDING), Decision::Accept)
            .await
            .unwrap(),
    );
    assert_eq!(to.origin(), Url::parse(&public_url()).unwrap().origin());
    assert!(
        to.query().unwrap_or("").contains("logout_verifier="),
        "{to}"
    );

    // The browser follows Hydra's redirect; Hydra finishes and sends it to the RP.
    let res = rp.browser.get(to).send().await.unwrap();
    let end = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(end, format!("{}?state=st-accept", rp.post_logout));
    assert!(
        !rp.login_is_skipped().await,
        "Hydra's session should be gone"
    );

    // Hydra now answers 410; a resubmit (back button) continues to the same place.
    let again = external(
        flow::decide(&state, &ticket, Some(&BINDING), Decision::Accept)
            .await
            .unwrap(),
    );
    assert!(
        again.as_str().contains("/oauth2/sessions/logout"),
        "{again}"
    );
    match flow::prompt(&state, &challenge, &BINDING, None)
        .await
        .unwrap()
    {
        PromptStep::Redirect(u) => assert_eq!(u.origin(), again.origin()),
        other => panic!("a completed logout must not prompt again: {other:?}"),
    }
}

#[tokio::test]
async fn app_only_is_final() {
    let (rp, challenge, state, ticket) = prompted("it-reject", "Reject App", "st-reject").await;

    let to = external(
        flow::decide(&state, &ticket, Some(&BINDING), Decision::Reject)
            .await
            .unwrap(),
    );
    assert_eq!(to.as_str(), format!("{}?state=st-reject", rp.post_logout));
    assert!(
        rp.login_is_skipped().await,
        "Hydra's session should survive"
    );

    // Hydra would revive a rejected request on accept; we must not.
    let err = flow::decide(&state, &ticket, Some(&BINDING), Decision::Accept)
        .await
        .unwrap_err();
    assert_eq!(err.error, AppError::NotFound);
    assert!(
        rp.login_is_skipped().await,
        "still signed in after the late accept"
    );
    assert_eq!(
        flow::prompt(&state, &challenge, &BINDING, None)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
}

#[tokio::test]
async fn unknown_and_malformed_challenges() {
    let state = state();
    assert_eq!(
        flow::prompt(
            &state,
            "00000000-0000-0000-0000-000000000000",
            &BINDING,
            None
        )
        .await
        .unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(
        flow::prompt(&state, "", &BINDING, None).await.unwrap_err(),
        AppError::BadRequest
    );
    let forged = flow::decide(&state, "not-a-ticket", Some(&BINDING), Decision::Accept)
        .await
        .unwrap_err();
    assert_eq!(forged.error, AppError::Forbidden);
}

/// Needs the second Hydra (`TTL_LOGIN_CONSENT_REQUEST=2s`), started by scripts/test.sh.
#[tokio::test]
async fn expired_requests_offer_a_restart_and_refuse_decisions() {
    let rp = Rp::login_at(Hydra::ShortTtl, "it-expiry", "Expiry App").await;
    let challenge = rp.start_user_logout().await;
    let state = state_for(Hydra::ShortTtl);
    let ticket = ticket_of(
        flow::prompt(&state, &challenge, &BINDING, None)
            .await
            .unwrap(),
    );

    tokio::time::sleep(Duration::from_millis(2500)).await;

    match flow::prompt(&state, &challenge, &BINDING, None)
        .await
        .unwrap()
    {
        PromptStep::Expired(restart) => assert_eq!(
            restart.as_str(),
            format!("{}/oauth2/sessions/logout", Hydra::ShortTtl.public())
        ),
        other => panic!("expected expiry, got {other:?}"),
    }
    let err = flow::decide(&state, &ticket, Some(&BINDING), Decision::Accept)
        .await
        .unwrap_err();
    assert_eq!(err.error, AppError::Expired);
    assert!(
        rp.login_is_skipped().await,
        "an expired request must not sign out"
    );

    // Over HTTP: 410 with a restart link, no ID token or challenge in the page.
    let app = router(state);
    let (status, _, html) = send(app, get(&prompt_uri(&challenge), &[])).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains(r#"data-error="expired""#));
    assert!(html.contains(&format!(
        r#"href="{}/oauth2/sessions/logout""#,
        Hydra::ShortTtl.public()
    )));
    assert!(!html.contains(&challenge));
}

/// Hydra v2.3 sets `expires_at` on user-initiated logout requests
/// (`ttl.login_consent_request`, 30 min by default) and not on RP-initiated ones.
#[tokio::test]
async fn user_initiated_prompts_say_when_the_link_expires() {
    let rp = Rp::login("it-deadline", "Deadline App").await;
    let state = state();
    let rp_initiated = rp.start_logout("st-deadline").await;
    match flow::prompt(&state, &rp_initiated, &BINDING, None)
        .await
        .unwrap()
    {
        PromptStep::Ask(p) => assert_eq!(p.expires_in_minutes, None),
        other => panic!("expected a prompt, got {other:?}"),
    }
    let user_initiated = rp.start_user_logout().await;
    match flow::prompt(&state, &user_initiated, &BINDING, None)
        .await
        .unwrap()
    {
        PromptStep::Ask(p) => assert!(
            matches!(p.expires_in_minutes, Some(29 | 30)),
            "{:?}",
            p.expires_in_minutes
        ),
        other => panic!("expected a prompt, got {other:?}"),
    }
    let (status, html) = prompt_html(router(state), &user_initiated, "de").await;
    assert_eq!(status, StatusCode::OK);
    let deadline = testid_text(&html, "expires-in");
    assert!(
        matches!(
            deadline.as_deref(),
            Some("Dieser Link läuft in 30 Minuten ab." | "Dieser Link läuft in 29 Minuten ab.")
        ),
        "{deadline:?}"
    );
}
