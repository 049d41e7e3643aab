//! The server binary: configuration, telemetry, serve.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    hydra_logout_ui::server::run().await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle is a library (`hydrate`); there is no client binary.
}
