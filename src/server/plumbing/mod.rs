//! HTTP plumbing shared by every route: the accept loop ([`serve`]), limits,
//! security headers, request ids and access logs ([`telemetry`]), how responses
//! and redirects are written ([`respond`]) and the status fix-up for server
//! function errors ([`api_errors`]).

pub mod api_errors;
pub mod headers;
pub mod limits;
pub mod respond;
pub mod serve;
pub mod telemetry;
