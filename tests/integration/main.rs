//! Integration tests against a real Ory Hydra (`scripts/hydra.sh start`), the
//! one integration-test binary of this crate: the shared setup in `support/`,
//! the tests in one module per subject.
//!
//! Each test creates its own OAuth2 client and logs in through Hydra's real
//! authorization-code flow (login and consent accepted through the admin API),
//! then starts an RP-initiated logout to obtain a real logout challenge.

#![cfg(feature = "ssr")]
// Test code: a failed step should stop the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

/// Issue 16: what "sign out everywhere", "only {App}" and "cancel" do.
mod decision;
/// Defects found by outside reviews (a skipped prompt audited once, the metrics
/// listener, credentials in admin URLs).
mod fixes;
/// The logout flow's functions against the real Hydra.
mod flow;
/// Hostile and unusual requests (issue 11), one test per kind.
mod hostile;
/// Ory Kratos (issue 15): identities and their sessions.
mod kratos;
/// The app over HTTP, without a browser.
mod over_http;
