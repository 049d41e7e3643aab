//! Clients of Ory's admin APIs: Hydra's OAuth 2.0 / OpenID Connect admin API
//! ([`hydra`]) and the identity API of Ory Kratos / Ory Network ([`identity`]).
//! `ssr` only: the API key never leaves the server.

pub mod hydra;
pub mod identity;
