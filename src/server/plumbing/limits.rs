//! Bounds on request size, enforced before any handler runs.
//!
//! The largest legitimate requests carry a 63 KiB challenge
//! (`logout::challenge::MAX_CHALLENGE_LEN`): the prompt URL (about 63 KiB) and
//! the decision post with its ticket (about 84 KiB). Anything beyond is refused
//! at once with a short page and the matching 4xx status.

use axum::{
    body::Body,
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, StatusCode};

/// Longest accepted path + query: the longest challenge plus 512 bytes for the
/// path and other parameters. Just below the 65 534 bytes the `http` crate can
/// represent at all (hyper answers longer ones with a bare 414 itself).
pub const MAX_URI_BYTES: usize = crate::logout::challenge::MAX_CHALLENGE_LEN + 512;
/// Largest accepted sum of header names and values.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Largest accepted request body (a decision carries the ticket of the longest
/// challenge, about 84 KiB); enforced by `tower_http`'s `RequestBodyLimitLayer`
/// in the router's stack, which wraps the body itself, so it also bounds
/// handlers that read the raw body (Leptos' server functions).
pub const MAX_BODY_BYTES: usize = 128 * 1024;

fn refuse(status: StatusCode, message: &'static str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{message}</title></head>\
         <body><h1>{message}</h1><p>Please go back and try again.</p></body></html>"
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::from(body),
    )
        .into_response()
}

/// Refuses over-long URIs (414) and oversized header sets (431), and turns the
/// body limit's bare 413 into the same short page.
pub async fn bound_request(request: Request, next: Next) -> Response {
    let uri_len = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return refuse(StatusCode::URI_TOO_LONG, "This address is too long");
    }
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return refuse(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "This request is too large",
        );
    }
    let request = match read_chunked_body(request).await {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "This request is too large");
    }
    response
}

/// A body sent without `Content-Length` (chunked) is only found too large
/// while a handler reads it, where Leptos reports a decode failure (400). Read
/// here, within [`MAX_BODY_BYTES`], it gets the same 413 page as a declared
/// one; a body that breaks off gets 400. Other requests pass untouched.
async fn read_chunked_body(request: Request) -> Result<Request, Response> {
    let headers = request.headers();
    if !headers.contains_key(header::TRANSFER_ENCODING)
        || headers.contains_key(header::CONTENT_LENGTH)
    {
        return Ok(request);
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => Ok(Request::from_parts(parts, Body::from(bytes))),
        Err(error) => {
            let too_large = std::error::Error::source(&error)
                .is_some_and(|e| e.is::<http_body_util::LengthLimitError>())
                || error.into_inner().is::<http_body_util::LengthLimitError>();
            Err(if too_large {
                refuse(StatusCode::PAYLOAD_TOO_LARGE, "This request is too large")
            } else {
                refuse(StatusCode::BAD_REQUEST, "This request could not be read")
            })
        }
    }
}
