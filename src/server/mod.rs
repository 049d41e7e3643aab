//! Everything that only exists on the server: configuration, the Hydra admin
//! client, state, HTTP plumbing. Declared behind `ssr` in `lib.rs`, so neither
//! reqwest, tokio nor the API key can reach the browser bundle.

pub mod config;
pub mod health;
pub mod metrics;
pub mod plumbing;
pub mod state;

use std::{process::ExitCode, sync::Arc, time::Duration};

use axum::{
    body::Body,
    extract::Request,
    middleware::{from_fn, from_fn_with_state},
    routing::get,
    Router,
};
use leptos::config::{get_configuration, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::{
    body::Limited,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
};

use crate::app::{shell, App};
use crate::logout::ssr::{decisions, flow::Flow, ticket::TicketKey};
use crate::ory::{hydra::HydraAdmin, identity};
use config::{Config, ProcessEnv};
use plumbing::{headers, limits, page_context, serve, telemetry};
use state::AppState;

/// Where the shipped binary's site settings live (see `Leptos.toml`). cargo-leptos
/// sets `LEPTOS_*` variables, which override the file during development.
const LEPTOS_CONFIG_DEFAULT: &str = "Leptos.toml";

/// Loads Leptos' site settings: `LEPTOS_CONFIG` (default `Leptos.toml`) layered
/// under `LEPTOS_*` environment variables.
pub fn leptos_options() -> Result<LeptosOptions, String> {
    let path = std::env::var("LEPTOS_CONFIG").unwrap_or_else(|_| LEPTOS_CONFIG_DEFAULT.into());
    let conf = if std::path::Path::new(&path).exists() {
        get_configuration(Some(&path))
    } else if std::env::var_os("LEPTOS_OUTPUT_NAME").is_some() {
        get_configuration(None)
    } else {
        return Err(format!(
            "LEPTOS_CONFIG: site settings file {path:?} not found (run from the directory that holds Leptos.toml, or set LEPTOS_CONFIG)"
        ));
    };
    conf.map(|c| c.leptos_options)
        .map_err(|e| format!("LEPTOS_CONFIG: could not read {path:?}: {e}"))
}

/// Builds the state from configuration. Fails only on startup problems.
pub fn build_state(config: Config, leptos_options: LeptosOptions) -> Result<AppState, String> {
    let tickets = match &config.operations.ticket_secret {
        Some(secret) => TicketKey::from_secret(secret),
        None => {
            tracing::warn!(
                "LOGOUT_UI_SECRET is not set: using a random per-process key. Set it when running more than one instance."
            );
            TicketKey::random().map_err(|e| format!("no system randomness available: {e}"))?
        }
    };
    let metrics = metrics::Metrics::new().map_err(|e| format!("could not set up metrics: {e}"))?;
    let hydra = HydraAdmin::new(&config.hydra, metrics.clone())
        .map_err(|e| format!("could not build the HTTP client: {e}"))?;
    let identity = identity::IdentityAdmin::new(&config, metrics.clone())
        .map_err(|e| format!("could not build the HTTP client: {e}"))?;
    let flow = Arc::new(Flow {
        hydra: hydra.clone(),
        identity: identity.clone(),
        tickets: tickets.clone(),
        decisions: decisions::Decisions::default(),
        metrics: metrics.clone(),
        policy: config.policy.clone(),
        default_lang: config.presentation.default_lang,
    });
    Ok(AppState::from(state::AppStateInner {
        leptos_options,
        config: Arc::new(config),
        hydra,
        identity,
        tickets,
        metrics,
        readiness: health::Readiness::default(),
        flow,
    }))
}

/// The whole HTTP application, without a socket (tests drive it with `oneshot`).
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    // `/metrics` is never on this (public) port: see `metrics_router`.
    let app = Router::new()
        .route("/health/alive", get(health::alive))
        .route("/health/ready", get(health::ready));
    // Static assets are served by tower-http, and only there: leptos_axum's
    // file_and_error_handler also serves files for any path ServeDir resolves
    // (`/%70kg/…`, `/./pkg/…`, `/%66avicon.ico`), and that branch applies the
    // ResponseOptions of whatever render is current on the thread, so another
    // visitor's Set-Cookie, CSP or Location moved onto the file response. The
    // fallback below renders the 404 page in its own root owner and serves no
    // file at all (integration `assets_and_pages_never_share_response_headers`).
    let site_root = std::path::PathBuf::from(&*state.leptos_options.site_root);
    let pkg_dir = site_root.join(&*state.leptos_options.site_pkg_dir);
    let pkg_path = format!("/{}", state.leptos_options.site_pkg_dir);
    let app = app
        .route("/brand.css", get(brand_css))
        .nest_service(&pkg_path, tower_http::services::ServeDir::new(pkg_dir))
        .route_service(
            "/favicon.ico",
            tower_http::services::ServeFile::new(site_root.join("favicon.ico")),
        )
        // Pages and server functions read a per-request context, built here.
        .leptos_routes_with_context(&state, routes, page_context::provider(&state), move || {
            shell(options.clone())
        })
        .fallback(not_found);

    // Every route and the fallback, outermost first. `plumbing::serve` adds the
    // connection bounds (header read time, number of connections) around it.
    let hsts = headers::Hsts::from_max_age(state.config.operations.hsts_max_age);
    let middleware = ServiceBuilder::new()
        // Drops a caller's `x-request-id` that is not plain before the next
        // layer looks, so that it generates a fresh one in its place.
        .layer(from_fn(telemetry::drop_unplain_request_id))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // After the id is set, since its span records it; before every refusal
        // below, so 413/414/431 get their log line too.
        .layer(telemetry::access_log())
        // After the id is set: copies it onto every response, refusals included.
        .layer(PropagateRequestIdLayer::x_request_id())
        // Outside the limits: refusals get the security headers too. Handlers'
        // own values (the page's nonce CSP) win, so it wraps them all.
        .layer(from_fn_with_state(hsts, headers::security_headers))
        // Inside the headers, id and log layers, so a 408 is a complete answer
        // (headers, x-request-id, a log line); outside everything that reads
        // the body or waits on Hydra, so nothing escapes the bound.
        .layer(serve::request_timeout(&state.config.operations.listen))
        // Refuses long URIs and header sets before anything reads the request;
        // outside the body limit, whose bare 413 it turns into a page.
        .layer(from_fn(limits::bound_request))
        .layer(RequestBodyLimitLayer::new(limits::MAX_BODY_BYTES))
        // No order: hands axum's middleware functions the `Body` they take.
        .map_request(|request: Request<Limited<Body>>| request.map(Body::new))
        // Innermost: counts what passed the bounds, by matched route and status.
        .layer(from_fn_with_state(
            state.metrics.clone(),
            metrics::count_requests,
        ));
    app.layer(middleware).with_state(state)
}

/// Every path no route claims: the 404 page, rendered like any other page (its
/// own `ResponseOptions`, nonce and status). Never a file.
async fn not_found(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let options = state.leptos_options.clone();
    let context = page_context::provider(&state);
    let render = leptos_axum::render_app_async_with_context(
        move || {
            leptos::prelude::provide_context(state.clone());
            context();
        },
        move || shell(options.clone()),
    );
    let mut response = render(request).await;
    if response.status() == http::StatusCode::OK {
        *response.status_mut() = http::StatusCode::NOT_FOUND;
    }
    response
}

/// `GET /brand.css`: the operator's colour as CSS custom properties (404 when
/// none is configured).
async fn brand_css(
    axum::extract::State(config): axum::extract::State<Arc<Config>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match config.presentation.brand.stylesheet() {
        Some(css) => (
            [
                (http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (http::header::CACHE_CONTROL, "public, max-age=300"),
            ],
            css,
        )
            .into_response(),
        None => http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// `/metrics` alone, served on `METRICS_ADDR` (default loopback), never on the
/// public port.
pub fn metrics_router(state: AppState) -> Router {
    let listen = state.config.operations.listen.clone();
    serve::with_request_timeout(
        Router::new()
            .route("/metrics", get(metrics::serve))
            .with_state(state),
        &listen,
    )
}

/// Entry point of the binary.
pub async fn run() -> ExitCode {
    telemetry::init();
    let mut problems = Vec::new();
    let config = Config::from_env(&ProcessEnv).map_err(|e| problems.extend(e.0));
    let options = leptos_options().map_err(|e| problems.push(e));
    if let Ok(options) = &options {
        problems.extend(config::listener_problems(&ProcessEnv, options.site_addr));
    }
    let (Ok(config), Ok(options), true) = (config, options, problems.is_empty()) else {
        eprintln!("hydra-logout-ui: invalid configuration:");
        for p in &problems {
            eprintln!("  - {p}");
        }
        return ExitCode::from(2);
    };
    for warning in config.loop_warnings() {
        tracing::warn!("{warning}");
    }
    if std::env::args().any(|a| a == "--check-config") {
        println!("configuration is valid");
        return ExitCode::SUCCESS;
    }
    let addr = options.site_addr;
    let state = match build_state(config, options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hydra-logout-ui: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("hydra-logout-ui: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(metrics_addr) = state.config.operations.metrics_addr {
        match tokio::net::TcpListener::bind(metrics_addr).await {
            Ok(l) => {
                tracing::info!(%metrics_addr, "metrics listening");
                let metrics = metrics_router(state.clone());
                let listen = state.config.operations.listen.clone();
                // Ends with the process; it holds no request worth draining.
                tokio::spawn(async move {
                    serve::serve(l, metrics, &listen, std::future::pending()).await
                });
            }
            Err(e) if std::env::var_os("METRICS_ADDR").is_none() => {
                // The default address is taken (e.g. a second instance on one
                // host): serving logouts matters more than metrics.
                tracing::error!(
                    %metrics_addr,
                    "cannot listen for metrics on the default METRICS_ADDR: {e}; set METRICS_ADDR (or METRICS_ADDR=off)"
                );
            }
            Err(e) => {
                eprintln!("hydra-logout-ui: cannot listen on METRICS_ADDR {metrics_addr}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    tracing::info!(%addr, "listening");
    let listen = state.config.operations.listen.clone();
    serve::serve(listener, router(state), &listen, shutdown_signal()).await;
    ExitCode::SUCCESS
}

/// Resolves on SIGINT or SIGTERM; in-flight requests then get a bounded grace period.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
    // Bound the drain: axum stops accepting at once; give in-flight requests a while.
    tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(10)).await;
        tracing::warn!("in-flight requests did not finish within 10 s; exiting");
        std::process::exit(1);
    });
}

#[cfg(test)]
mod tests {
    use leptos::config::get_config_from_str;

    /// Leptos.toml (what the shipped binary reads) and Cargo.toml (what
    /// cargo-leptos builds from) must describe the same site, or the binary
    /// would serve files from where the build did not put them.
    #[test]
    fn leptos_toml_agrees_with_cargo_metadata() {
        let shipped = get_config_from_str(include_str!("../../Leptos.toml")).unwrap();
        let built = get_config_from_str(include_str!("../../Cargo.toml")).unwrap();
        assert_eq!(shipped.output_name, built.output_name);
        assert_eq!(shipped.site_root, built.site_root);
        assert_eq!(shipped.site_pkg_dir, built.site_pkg_dir);
        assert_eq!(shipped.site_addr, built.site_addr);
        assert_eq!(shipped.reload_port, built.reload_port);
        assert_eq!(&*shipped.output_name, env!("CARGO_PKG_NAME"));
    }

    /// A request that outlasts `HTTP_REQUEST_TIMEOUT_MS` gets a complete 408:
    /// the security headers, `no-store` and an `x-request-id`, like every other
    /// answer (it used to be hyper's bare 408 from outside the stack). Real
    /// socket, the public router as served; nothing reaches Hydra.
    #[tokio::test]
    async fn a_request_timeout_is_a_complete_answer() {
        use std::time::Duration;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let closed = "http://127.0.0.1:9";
        let mut config = super::Config::for_tests(closed.parse().unwrap(), closed.parse().unwrap());
        config.operations.listen.request_timeout = Duration::from_millis(500);
        let listen = config.operations.listen.clone();
        let options = leptos::config::LeptosOptions::builder()
            .output_name("hydra-logout-ui")
            .build();
        let app = super::router(super::build_state(config, options).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            super::serve::serve(listener, app, &listen, async {
                let _ = stopped.await;
            })
            .await;
        });
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(
            b"POST /api/logout/decide HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nticket=",
        )
        .await
        .unwrap();
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
            .await
            .expect("no answer within the request bound")
            .unwrap();
        let head = String::from_utf8_lossy(&buf[..n]).to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 408"), "{head}");
        for expected in [
            "x-request-id: ",
            "x-frame-options: deny",
            "x-content-type-options: nosniff",
            "cache-control: no-store",
            "content-security-policy: ",
        ] {
            assert!(head.contains(expected), "no {expected:?} in {head}");
        }
        let _ = stop.send(());
    }

    /// A decision sent chunked (no `Content-Length`) and larger than the body
    /// limit gets the 413 page like a declared one; it used to surface as a
    /// decode failure (400 `"bad_request"`). A small chunked body still works.
    #[tokio::test]
    async fn a_chunked_body_over_the_limit_gets_413() {
        use axum::body::{to_bytes, Body};
        use http::{header, Request, StatusCode};
        use tower::ServiceExt;

        let closed = "http://127.0.0.1:9";
        let config = super::Config::for_tests(closed.parse().unwrap(), closed.parse().unwrap());
        let options = leptos::config::LeptosOptions::builder()
            .output_name("hydra-logout-ui")
            .build();
        let app = super::router(super::build_state(config, options).unwrap());
        let chunked = |size: usize| {
            let chunks = std::iter::once(axum::body::Bytes::from_static(b"ticket="))
                .chain((0..size / 8192).map(|_| axum::body::Bytes::from(vec![b'a'; 8192])))
                .map(Ok::<_, std::io::Error>);
            Request::post("/api/logout/decide")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::TRANSFER_ENCODING, "chunked")
                .header(header::ACCEPT, "*/*")
                .body(Body::from_stream(futures_util::stream::iter(chunks)))
                .unwrap()
        };
        let res = app.clone().oneshot(chunked(200 * 1024)).await.unwrap();
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let body = to_bytes(res.into_body(), 1 << 20).await.unwrap();
        assert!(String::from_utf8_lossy(&body).contains("too large"));
        // Within the limit the decision is read and judged (its ticket is not valid).
        let res = app.oneshot(chunked(16 * 1024)).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    }

    /// A decision's errors reach the client with their own status in one step,
    /// also when its fields do not decode and `decide` never runs: 400 and the
    /// error's code for tools and the hydrated form, our error page (303) for
    /// a browser's plain post, the refusal's own 403 for the hydrated form.
    /// Nothing here reaches Hydra (a closed port).
    #[tokio::test]
    async fn decision_errors_carry_their_own_status() {
        use axum::body::{to_bytes, Body};
        use http::{header, Request, StatusCode};
        use tower::ServiceExt;

        let closed = "http://127.0.0.1:9";
        let config = super::Config::from_env(&[
            ("HYDRA_ADMIN_URL", closed),
            ("HYDRA_PUBLIC_URL", closed),
            ("PUBLIC_URL", "https://auth.example.com/ui/"),
        ])
        .unwrap();
        let options = leptos::config::LeptosOptions::builder()
            .output_name("hydra-logout-ui")
            .build();
        let app = super::router(super::build_state(config, options).unwrap());
        let post = |body: &'static str, headers: &[(&str, &str)]| {
            let mut req = Request::post("/api/logout/decide")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            req.body(Body::from(body)).unwrap()
        };
        let fetch = (crate::logout::form::FETCH_HEADER, "1");
        for (why, request, status, location, body) in [
            (
                "undecodable, a tool",
                post("ticket=x", &[("accept", "*/*")]),
                StatusCode::BAD_REQUEST,
                None,
                "\"bad_request\"",
            ),
            (
                "undecodable, the hydrated form",
                post("ticket=x", &[("accept", "application/json"), fetch]),
                StatusCode::BAD_REQUEST,
                None,
                "\"bad_request\"",
            ),
            (
                "undecodable, a browser's plain post",
                post("decision=maybe&ticket=x", &[("accept", "text/html")]),
                StatusCode::SEE_OTHER,
                Some("/ui/error?error=bad_request"),
                "",
            ),
            (
                "cross-site, the hydrated form",
                post(
                    "ticket=x&decision=accept",
                    &[
                        ("accept", "application/json"),
                        ("sec-fetch-site", "cross-site"),
                        fetch,
                    ],
                ),
                StatusCode::FORBIDDEN,
                None,
                "\"forbidden\"",
            ),
        ] {
            let response = app.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), status, "{why}");
            let got = response.headers().get(header::LOCATION);
            assert_eq!(got.map(|v| v.to_str().unwrap()), location, "{why}");
            let bytes = to_bytes(response.into_body(), 1024).await.unwrap();
            if location.is_none() {
                assert_eq!(String::from_utf8_lossy(&bytes), body, "{why}");
            }
        }
    }
}
