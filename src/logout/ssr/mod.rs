//! The server half of the logout story: the flow between the prompt, the choice
//! and Hydra ([`flow`]), the sealed ticket that carries the challenge through the
//! page ([`ticket`]), the CSRF binding of that ticket to the browser ([`csrf`]),
//! one-at-a-time decisions per challenge ([`decisions`]) and Go-compatible URL
//! encoding of the return address ([`go_query`]). `ssr` only.

pub mod csrf;
pub mod decisions;
pub mod flow;
pub mod go_query;
pub mod ticket;
