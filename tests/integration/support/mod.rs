//! What the integration tests share, written once: the Hydras and the login
//! dance ([`hydra`]), Kratos identities ([`kratos`]), and the app under test
//! built from configuration, its requests, pages and logs ([`app`]).

pub mod app;
pub mod hydra;
pub mod kratos;

pub use app::*;
pub use hydra::*;
pub use kratos::*;
