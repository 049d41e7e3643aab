//! HTTP plumbing shared by every route: the accept loop ([`serve`]), the layers
//! of the router's one middleware stack (limits, security headers, request ids
//! and access logs in [`telemetry`]), how responses, redirects and
//! server-function errors are written ([`respond`]) and the per-request context
//! pages read ([`page_context`]).

pub mod headers;
pub mod limits;
pub mod page_context;
pub mod respond;
pub mod serve;
pub mod telemetry;
