//! Ory Kratos (issue 15): identities created through its admin API, and
//! whether their sessions are active. Needs Kratos (`scripts/kratos.sh`,
//! 4433/4434), started by `scripts/test.sh`.

use std::time::Duration;

use http::StatusCode;
use serde_json::{json, Value};

use super::{unique, JsonAnswer};

/// Kratos' admin API (`KRATOS_ADMIN_URL`, default `http://127.0.0.1:4434`).
pub fn kratos_admin() -> String {
    std::env::var("KRATOS_ADMIN_URL").unwrap_or_else(|_| "http://127.0.0.1:4434".into())
}

/// Kratos' public API (`KRATOS_PUBLIC_URL`, default `http://127.0.0.1:4433`).
pub fn kratos_public() -> String {
    std::env::var("KRATOS_PUBLIC_URL").unwrap_or_else(|_| "http://127.0.0.1:4433".into())
}

/// An HTTP client without cookies, 10 s timeout.
pub fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A Kratos identity created through its admin API (`createIdentity`), with a
/// password so that it can get a real Kratos session.
pub struct Person {
    pub id: String,
    pub email: String,
    pub password: String,
}

impl Person {
    /// A new identity named `name` with a unique e-mail and password.
    pub async fn create(name: &str) -> Person {
        let http = plain_client();
        let ready = http
            .get(format!("{}/health/ready", kratos_admin()))
            .send()
            .await;
        assert!(
            ready.is_ok_and(|r| r.status().is_success()),
            "Kratos' admin API at {} is not ready: start it with scripts/test.sh (or scripts/kratos.sh start)",
            kratos_admin()
        );
        let email = format!("{}@example.test", unique("person"));
        let password = format!("Tq8!{}-long-unguessable", unique("pw"));
        let res = http
            .post(format!("{}/admin/identities", kratos_admin()))
            .json(&json!({
                "schema_id": "default",
                "traits": {"email": email, "name": name},
                "credentials": {"password": {"config": {"password": password}}},
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "{:?}", res.text().await);
        let identity: Value = res.json().await.unwrap();
        Person {
            id: identity["id"].as_str().unwrap().to_owned(),
            email,
            password,
        }
    }

    /// Signs in at Kratos (native password flow); returns the session id.
    pub async fn kratos_session(&self) -> String {
        let http = plain_client();
        let flow: Value = http
            .get(format!("{}/self-service/login/api", kratos_public()))
            .json_answer()
            .await;
        let flow_id = flow["id"].as_str().expect("login flow id");
        let res = http
            .post(format!(
                "{}/self-service/login?flow={flow_id}",
                kratos_public()
            ))
            .json(&json!({
                "method": "password",
                "identifier": self.email,
                "password": self.password,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
        let login: Value = res.json().await.unwrap();
        login["session"]["id"].as_str().unwrap().to_owned()
    }
}

/// Kratos' `getSession`: whether the session is still active.
pub async fn kratos_session_active(id: &str) -> bool {
    let session: Value = plain_client()
        .get(format!("{}/admin/sessions/{id}", kratos_admin()))
        .json_answer()
        .await;
    session["active"]
        .as_bool()
        .unwrap_or_else(|| panic!("no `active` in {session}"))
}
