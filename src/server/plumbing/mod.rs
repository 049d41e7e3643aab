//! HTTP plumbing shared by every route: the accept loop ([`serve`]), limits,
//! security headers, request ids and access logs ([`telemetry`]), how responses
//! and redirects are written ([`respond`]), the status fix-up for server
//! function errors ([`api_errors`]) and the per-request context pages read
//! ([`page_context`]).

pub mod api_errors;
pub mod headers;
pub mod limits;
pub mod page_context;
pub mod respond;
pub mod serve;
pub mod telemetry;
