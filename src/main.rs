//! The server binary: allocator, runtime, then `server::run`.

/// mimalloc instead of glibc's malloc: the prompt allocates and frees many small
/// objects per request (Leptos' render, hyper, the JSON of Hydra's answer);
/// BENCHMARKS.md ("Ways there") has the measured difference.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    match runtime() {
        Ok(runtime) => runtime.block_on(hydra_logout_ui::server::run()),
        Err(e) => {
            eprintln!("hydra-logout-ui: cannot start the async runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The async runtime. A logout prompt is one Hydra round trip and a small render,
/// so one thread does it with the fewest wake-ups: with `TOKIO_WORKER_THREADS`
/// unset the server runs on tokio's current-thread runtime (one core per
/// process; add replicas to use more). `TOKIO_WORKER_THREADS=N` (tokio's own
/// variable, which it then reads) selects the multi-thread runtime with N
/// workers. BENCHMARKS.md ("Ways there") has the measured difference.
#[cfg(feature = "ssr")]
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    if std::env::var_os("TOKIO_WORKER_THREADS").is_some() {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle is a library (`hydrate`); there is no client binary.
}
