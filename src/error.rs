//! The one error type users ever see.
//!
//! Policy: every failure that reaches a page or a server-function response is an
//! [`AppError`]. Its `Display` is a sentence for the person signing out; it never
//! carries upstream text (Hydra's error descriptions, reqwest messages with internal
//! URLs). Server faults are logged once, where they are converted into an
//! `AppError` (see `ory::hydra`), and the user gets a helpful sentence instead.

use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

/// What went wrong, in terms of the user's situation rather than the cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppError {
    /// The link has no usable `logout_challenge` (missing, empty, or absurdly long).
    BadRequest,
    /// Hydra does not know the challenge (typo, rejected earlier, or from another server).
    NotFound,
    /// The logout request timed out before a decision was made.
    Expired,
    /// Hydra could not be reached or answered nonsense; retrying later may work.
    Unavailable,
    /// The request to the decision endpoint was not one our own page would send.
    Forbidden,
    /// The end-session request contradicts itself: its `client_id` names another
    /// client than the one its ID token was issued to (OpenID Connect
    /// RP-Initiated Logout 1.0 §2 says the OP must check this; Hydra does not).
    Inconsistent,
    /// A route that does not exist.
    PageNotFound,
    /// Sending the choice failed in the browser (network error, an answer it
    /// could not read). Carries no upstream text on purpose. (On the server,
    /// arguments that do not decode are a [`AppError::BadRequest`].)
    Transport,
}

impl AppError {
    /// The HTTP status a page showing this error is served with.
    pub fn status_code(self) -> u16 {
        match self {
            AppError::BadRequest | AppError::Inconsistent => 400,
            AppError::Forbidden => 403,
            AppError::NotFound | AppError::PageNotFound => 404,
            AppError::Expired => 410,
            AppError::Unavailable => 503,
            AppError::Transport => 500,
        }
    }

    /// Stable machine name, used in `/error?error=…` links and logs.
    pub fn code(self) -> &'static str {
        match self {
            AppError::BadRequest => "bad_request",
            AppError::NotFound => "not_found",
            AppError::Expired => "expired",
            AppError::Unavailable => "unavailable",
            AppError::Forbidden => "forbidden",
            AppError::Inconsistent => "inconsistent",
            AppError::PageNotFound => "page_not_found",
            AppError::Transport => "transport",
        }
    }

    /// The inverse of [`AppError::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        ALL.iter().copied().find(|e| e.code() == code)
    }

    /// Whether trying the same thing again later can help.
    pub fn is_retryable(self) -> bool {
        matches!(self, AppError::Unavailable | AppError::Transport)
    }
}

/// The English sentence of `locales/en/main.ftl` (`error-<code>`), the one
/// place the words live; pages use the negotiated language instead. The browser
/// bundle carries no catalogue: there it is the message key.
impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::i18n::Lang::default().t(&format!("error-{}", self.code())))
    }
}

impl std::error::Error for AppError {}

const ALL: [AppError; 8] = [
    AppError::BadRequest,
    AppError::Inconsistent,
    AppError::NotFound,
    AppError::Expired,
    AppError::Unavailable,
    AppError::Forbidden,
    AppError::PageNotFound,
    AppError::Transport,
];

/// How the server answers a server-function call whose fields did not decode:
/// given [`AppError::BadRequest`], sets the response's status (or a browser's
/// redirect to the error page) and returns the error. Provided per request by
/// `server::plumbing::page_context` (as `respond::fail`), so this module does not
/// depend on the server's response plumbing. Absent (tests, the browser) the
/// error is returned as it is.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy)]
pub struct UndecodableCall(pub fn(AppError) -> AppError);

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Deliberately drops the inner text: it can name internal URLs or types.
    ///
    /// On the server this runs only when a call's fields do not decode into the
    /// server function's arguments, before our code runs: the client's fault, a
    /// [`AppError::BadRequest`], answered with its status right here. In the
    /// browser it is the call itself that failed.
    fn from_server_fn_error(_value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        return leptos::prelude::use_context::<UndecodableCall>()
            .map_or(AppError::BadRequest, |answer| {
                (answer.0)(AppError::BadRequest)
            });
        #[cfg(not(feature = "ssr"))]
        AppError::Transport
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_the_situation() {
        assert_eq!(AppError::BadRequest.status_code(), 400);
        assert_eq!(AppError::NotFound.status_code(), 404);
        assert_eq!(AppError::Expired.status_code(), 410);
        assert_eq!(AppError::Unavailable.status_code(), 503);
    }

    #[test]
    fn display_is_a_sentence_for_people() {
        for e in ALL {
            assert_eq!(AppError::from_code(e.code()), Some(e));
            let text = e.to_string();
            assert!(text.ends_with('.'), "{text}");
            assert!(!text.contains("http"), "{text}");
        }
    }
}
