//! The accept loop: HTTP/1.1 with bounds on what a client can hold.
//!
//! `axum::serve` cannot bound how long a client may take to send its request
//! header, so 200 connections that sent half a header stayed open for as long
//! as their clients liked (slow loris). Here, from [`Listen`]:
//! - **header read**: hyper closes a connection whose request header is not
//!   complete within `header_read_timeout` of hyper starting to wait for it —
//!   also between requests on a kept-alive connection, so idle connections go too;
//! - **whole request**: once the header is in, reading the body and answering
//!   must finish within `request_timeout`, else `408 Request Timeout`. The
//!   routers apply it ([`with_request_timeout`] for the metrics router; the
//!   public router inside its middleware stack, so its 408 gets the security
//!   headers, a request id and an access-log line like every other answer);
//! - **connections**: at most `max_connections` at once; the next `accept`
//!   waits for a free slot, so excess clients queue in the kernel's backlog
//!   instead of costing us memory and file descriptors.
//!
//! HTTP/1.1 only: what reverse proxies and load balancers speak to a backend
//! (HTTP/2 between browser and ingress is unaffected).

use std::{future::Future, sync::Arc, time::Duration};

use axum::Router;
use http::StatusCode;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::Semaphore};

use crate::server::config::Listen;

/// The whole-request bound of `listen`: `408 Request Timeout` when reading the
/// body and answering take longer than `request_timeout`.
pub fn request_timeout(listen: &Listen) -> tower_http::timeout::TimeoutLayer {
    tower_http::timeout::TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        listen.request_timeout,
    )
}

/// Adds the whole-request bound to `app` (`408` when exceeded).
pub fn with_request_timeout(app: Router, listen: &Listen) -> Router {
    app.layer(request_timeout(listen))
}

/// Serves `app` on `listener` within the connection bounds of `listen` (header
/// read time, number of connections; `app` carries the whole-request bound)
/// until `shutdown` resolves; then stops accepting and waits for open
/// connections to finish their requests (the caller bounds that wait). Returns
/// when all are closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    listen: &Listen,
    shutdown: impl Future<Output = ()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(listen.header_read_timeout)
        .keep_alive(true);
    let slots = Arc::new(Semaphore::new(listen.max_connections));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break, // the semaphore is never closed
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // E.g. EMFILE: back off instead of spinning, keep serving.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // Errors here are the client's (reset, header timeout, bad request
            // line); hyper has already answered or closed. Nothing to log per line.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

#[cfg(test)]
mod tests {
    //! Real sockets against an in-process server with short bounds. Timing
    //! assertions are only "closed within the bound plus slack".
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use std::time::Instant;

    use axum::{body::Bytes, routing::post};
    use tokio::{
        io::{AsyncReadExt, AsyncWriteExt},
        net::TcpStream,
    };

    use super::*;

    const HEADER: Duration = Duration::from_millis(400);
    const REQUEST: Duration = Duration::from_millis(600);
    const SLACK: Duration = Duration::from_millis(1500);

    async fn start(
        max_connections: usize,
    ) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
        let listen = Listen {
            header_read_timeout: HEADER,
            request_timeout: REQUEST,
            max_connections,
        };
        let app = Router::new()
            .route("/", axum::routing::get(|| async { "ok" }))
            .route("/echo", post(|body: Bytes| async move { body }));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            serve(
                listener,
                with_request_timeout(app, &listen),
                &listen,
                async {
                    let _ = rx.await;
                },
            )
            .await;
        });
        (addr, tx)
    }

    /// Reads until EOF (or a reset); returns what arrived and when it ended.
    async fn read_to_close(stream: &mut TcpStream, limit: Duration) -> Option<(String, Instant)> {
        let mut seen = Vec::new();
        let mut buf = [0u8; 1024];
        let end = tokio::time::timeout(limit, async {
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
        })
        .await;
        end.ok()
            .map(|()| (String::from_utf8_lossy(&seen).into_owned(), Instant::now()))
    }

    #[tokio::test]
    async fn half_a_header_is_cut_off() {
        let (addr, _stop) = start(1000).await;
        let mut held = Vec::new();
        let t0 = Instant::now();
        for _ in 0..50 {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: a\r\nX-Half: ")
                .await
                .unwrap();
            held.push(s);
        }
        for s in &mut held {
            let closed = read_to_close(s, HEADER + SLACK).await;
            assert!(
                closed.is_some(),
                "a half-sent header was held open past {:?}",
                HEADER + SLACK
            );
        }
        assert!(t0.elapsed() < HEADER + SLACK + SLACK);
    }

    #[tokio::test]
    async fn a_trickled_header_is_cut_off() {
        let (addr, _stop) = start(1000).await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: a\r\n").await.unwrap();
        let t0 = Instant::now();
        // A header line every 100 ms: each arrives well within any per-read
        // timeout, the whole header never completes.
        let mut cut = false;
        for i in 0..60 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if s.write_all(format!("X-Trickle-{i}: 1\r\n").as_bytes())
                .await
                .is_err()
            {
                cut = true;
                break;
            }
            let mut probe = [0u8; 64];
            if let Ok(Ok(0) | Err(_)) =
                tokio::time::timeout(Duration::from_millis(1), s.read(&mut probe)).await
            {
                cut = true;
                break;
            }
        }
        assert!(cut, "a trickled header was never cut off");
        assert!(
            t0.elapsed() < HEADER + SLACK,
            "cut off after {:?}",
            t0.elapsed()
        );
    }

    #[tokio::test]
    async fn a_trickled_body_gets_408_within_the_request_bound() {
        let (addr, _stop) = start(1000).await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\nx")
            .await
            .unwrap();
        let t0 = Instant::now();
        let (mut r, mut w) = s.into_split();
        let trickle = tokio::spawn(async move {
            for _ in 0..100 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if w.write_all(b"x").await.is_err() {
                    break;
                }
            }
        });
        let mut buf = vec![0u8; 256];
        let n = tokio::time::timeout(REQUEST + SLACK, r.read(&mut buf))
            .await
            .expect("no answer within the request bound")
            .unwrap();
        let head = String::from_utf8_lossy(&buf[..n]);
        assert!(head.starts_with("HTTP/1.1 408"), "{head}");
        assert!(t0.elapsed() >= REQUEST.saturating_sub(Duration::from_millis(50)));
        trickle.abort();
    }

    #[tokio::test]
    async fn idle_keep_alive_connections_are_closed() {
        let (addr, _stop) = start(1000).await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            .await
            .unwrap();
        let (seen, _) = read_to_close(&mut s, HEADER + SLACK)
            .await
            .expect("an idle kept-alive connection stayed open");
        assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");
    }

    #[tokio::test]
    async fn connections_beyond_the_limit_wait_for_a_free_slot() {
        let (addr, _stop) = start(2).await;
        // Two complete requests hold both slots (kept alive, idle).
        let mut a = TcpStream::connect(addr).await.unwrap();
        let mut b = TcpStream::connect(addr).await.unwrap();
        for s in [&mut a, &mut b] {
            s.write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                .await
                .unwrap();
            let mut buf = [0u8; 256];
            let n = s.read(&mut buf).await.unwrap();
            assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        }
        // The third is accepted by the kernel but not served while both are held.
        let mut c = TcpStream::connect(addr).await.unwrap();
        c.write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 256];
        let early = tokio::time::timeout(Duration::from_millis(150), c.read(&mut buf)).await;
        assert!(
            early.is_err(),
            "a third connection was served beyond the limit of 2"
        );
        // Freeing a slot lets it through.
        drop(a);
        let n = tokio::time::timeout(SLACK, c.read(&mut buf))
            .await
            .expect("the waiting connection was not served after a slot freed")
            .unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    }

    #[tokio::test]
    async fn shutdown_stops_accepting_and_finishes() {
        let (addr, stop) = start(10).await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let (seen, _) = read_to_close(&mut s, SLACK).await.unwrap();
        assert!(seen.starts_with("HTTP/1.1 200"));
        stop.send(()).unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            TcpStream::connect(addr).await.is_err(),
            "still accepting after shutdown"
        );
    }
}
