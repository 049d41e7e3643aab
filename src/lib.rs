//! `hydra-logout-ui`: an OpenID Connect logout endpoint and UI for Ory Hydra and
//! Ory Network.
//!
//! Hydra sends the browser to `/logout?logout_challenge=…`; the server loads the
//! logout request from Hydra's admin API and renders a prompt; the choice goes back
//! to a server function that accepts or rejects the request and redirects. The same
//! crate builds the server (`ssr`) and the browser bundle (`hydrate`); everything
//! that touches Hydra or the API key lives in [`server`], which only exists in the
//! `ssr` build.

pub mod app;
pub mod error;
pub mod i18n;
pub mod logout;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod ory;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Readable panics in development; the release bundle saves the formatting
    // machinery (about 15 KB) and aborts instead.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
