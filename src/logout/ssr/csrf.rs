//! Cross-site request forgery defence for the decision endpoint.
//!
//! Two independent checks, both of which work without JavaScript:
//! 1. **Double submit, signed and bound**: the prompt sets a random cookie
//!    (`__Host-logout_csrf` over https, `__Secure-logout_csrf` over https under a
//!    base path, `logout_csrf` otherwise; HttpOnly, SameSite=Lax, `Path` = the
//!    base path; see [`Site`]) and seals the same value into the form's ticket
//!    (`logout::ssr::ticket`). A decision opens only with the cookie the ticket was
//!    sealed for; another site can neither read the cookie nor forge a ticket,
//!    and any replica sharing `LOGOUT_UI_SECRET` can verify it.
//! 2. **Fetch metadata / Origin**: a decision whose `Sec-Fetch-Site` says
//!    cross-site, or whose `Origin` names another host, is refused before the
//!    ticket is even looked at.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use http::{header, request::Parts, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::server::config::Site;

use super::ticket::{Binding, BINDING_LEN, MAX_BINDING_CANDIDATES};

fn decode(value: &str) -> Option<Binding> {
    let raw = URL_SAFE_NO_PAD.decode(value.trim()).ok()?;
    <Binding>::try_from(raw.as_slice()).ok()
}

/// The binding carried by the request's (first well-formed) CSRF cookie, if
/// any. The cookie's name ([`Site::cookie_name`]): the `__Host-` prefix makes
/// browsers refuse it unless it is Secure, host-only and `Path=/`, so a sibling
/// subdomain cannot plant one; under a base path `__Secure-` at least demands
/// Secure.
pub fn binding_from(parts: &Parts, site: &Site) -> Option<Binding> {
    bindings_from(parts, site).into_iter().next()
}

/// Every well-formed CSRF cookie value the request carries, in order, at most
/// [`MAX_BINDING_CANDIDATES`]. Browsers send several cookies of one name when
/// paths or domains differ (a cookie planted with `Path=/api` comes first on
/// `/api/…`); the decision tries each against the ticket instead of trusting
/// the first, so a planted cookie cannot block it.
pub fn bindings_from(parts: &Parts, site: &Site) -> Vec<Binding> {
    let name = site.cookie_name();
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(k, _)| *k == name)
        .filter_map(|(_, v)| decode(v))
        .take(MAX_BINDING_CANDIDATES)
        .collect()
}

/// The binding for the page being rendered: the browser's existing cookie (so
/// several open tabs keep working), else a fresh one set on the response.
pub fn ensure_binding(site: &Site) -> Option<Binding> {
    let parts = use_context::<Parts>()?;
    if let Some(existing) = binding_from(&parts, site) {
        return Some(existing);
    }
    let mut fresh = [0u8; BINDING_LEN];
    getrandom::getrandom(&mut fresh).ok()?;
    let res = use_context::<ResponseOptions>()?;
    let cookie = format!(
        "{}={}; Path={}; HttpOnly; SameSite=Lax{}",
        site.cookie_name(),
        URL_SAFE_NO_PAD.encode(fresh),
        site.cookie_path(),
        if site.cookie_secure { "; Secure" } else { "" }
    );
    res.append_header(header::SET_COOKIE, HeaderValue::from_str(&cookie).ok()?);
    Some(fresh)
}

/// Whether the request comes from a page of ours, judged by the browser's fetch
/// metadata, else by `Origin`, which must equal our origin in scheme, host and
/// port: `PUBLIC_URL`'s origin when it is configured (behind a proxy the
/// request's `Host` is the backend's, e.g. `logout-ui:8080`), else the scheme
/// https when `secure` (the CSRF cookie is `Secure` because the service is
/// reached over https) with the request's `Host`.
///
/// `Sec-Fetch-Site` is authoritative when present (every current browser sends
/// it): only `same-origin` and `none` (typed or bookmarked) pass. `Origin` is
/// consulted only without it: our pages use `Referrer-Policy: no-referrer`, under
/// which Chromium sends `Origin: null` even for our own form posts, so "null" is
/// treated as absent. Requests with neither header (old browsers, tools) pass
/// this check and still need a ticket bound to their cookie.
pub fn same_origin_request(parts: &Parts, secure: bool, public_url: Option<&url::Url>) -> bool {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    if let (Some(public), Some(origin)) = (public_url, header("origin")) {
        if origin == "null" {
            return true;
        }
        return url::Url::parse(origin).is_ok_and(|o| o.origin() == public.origin());
    }
    match (header("origin"), header("host")) {
        (None | Some("null"), _) => true,
        (Some(origin), Some(host)) => origin_matches(origin, host, secure),
        (Some(_), None) => false,
    }
}

/// `Origin` equals `scheme://host` in scheme, host and port (default ports
/// made explicit on both sides).
fn origin_matches(origin: &str, host: &str, secure: bool) -> bool {
    let scheme = if secure { "https" } else { "http" };
    let default_port = if secure { 443 } else { 80 };
    let Ok(origin) = url::Url::parse(origin) else {
        return false;
    };
    let Ok(ours) = host.parse::<http::uri::Authority>() else {
        return false;
    };
    origin.scheme() == scheme
        && origin
            .host_str()
            .is_some_and(|h| h.eq_ignore_ascii_case(ours.host()))
        && origin.port_or_known_default() == Some(ours.port_u16().unwrap_or(default_port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behind_a_proxy_origin_is_compared_with_public_url_not_host() {
        let public = url::Url::parse("https://auth.example.com/ui/").unwrap();
        let check = |origin: &str| {
            same_origin_request(
                &parts(&[("origin", origin), ("host", "logout-ui:8080")]),
                true,
                Some(&public),
            )
        };
        assert!(check("https://auth.example.com"));
        assert!(check("https://auth.example.com:443"));
        assert!(check("null"));
        assert!(
            !check("https://logout-ui:8080"),
            "the backend's Host is not our origin"
        );
        assert!(!check("http://auth.example.com"));
        assert!(!check("https://evil.example.com"));
        assert!(!check("https://auth.example.com:8443"));
    }

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut req = http::Request::post("/api/logout/decide");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(()).unwrap().into_parts().0
    }

    #[test]
    fn reads_the_binding_from_the_right_cookie() {
        let b = [9u8; BINDING_LEN];
        let v = URL_SAFE_NO_PAD.encode(b);
        let site = |secure: bool, base: &str| Site {
            public_url: None,
            base_path: base.into(),
            cookie_secure: secure,
        };
        let p = parts(&[("cookie", &format!("a=1; logout_csrf={v}; z=2"))]);
        assert_eq!(binding_from(&p, &site(false, "")), Some(b));
        assert_eq!(binding_from(&p, &site(false, "/ui")), Some(b));
        assert_eq!(binding_from(&p, &site(true, "")), None);
        let p = parts(&[("cookie", &format!("__Host-logout_csrf={v}"))]);
        assert_eq!(binding_from(&p, &site(true, "")), Some(b));
        assert_eq!(binding_from(&p, &site(true, "/ui")), None);
        let p = parts(&[("cookie", &format!("__Secure-logout_csrf={v}"))]);
        assert_eq!(binding_from(&p, &site(true, "/ui")), Some(b));
        let p = parts(&[("cookie", "logout_csrf=short")]);
        assert_eq!(binding_from(&p, &site(false, "")), None);
    }

    #[test]
    fn every_cookie_of_our_name_is_a_candidate_up_to_the_bound() {
        let (a, b) = ([1u8; BINDING_LEN], [2u8; BINDING_LEN]);
        let (ea, eb) = (URL_SAFE_NO_PAD.encode(a), URL_SAFE_NO_PAD.encode(b));
        let p = parts(&[(
            "cookie",
            &format!("logout_csrf=x; logout_csrf={ea}; other={eb}; logout_csrf={eb}"),
        )]);
        let site = Site {
            public_url: None,
            base_path: String::new(),
            cookie_secure: false,
        };
        assert_eq!(bindings_from(&p, &site), vec![a, b]);
        assert_eq!(binding_from(&p, &site), Some(a));
        let many = vec![format!("logout_csrf={ea}"); 10].join("; ");
        let p = parts(&[("cookie", &many)]);
        assert_eq!(bindings_from(&p, &site).len(), MAX_BINDING_CANDIDATES);
    }

    #[test]
    fn the_origin_fallback_compares_scheme_host_and_port() {
        let check = |origin: &str, host: &str, secure: bool| {
            same_origin_request(&parts(&[("origin", origin), ("host", host)]), secure, None)
        };
        assert!(check("http://127.0.0.1:3000", "127.0.0.1:3000", false));
        assert!(!check("https://127.0.0.1:3000", "127.0.0.1:3000", false));
        assert!(!check("http://127.0.0.1:3001", "127.0.0.1:3000", false));
        assert!(!check("http://127.0.0.2:3000", "127.0.0.1:3000", false));
        assert!(check(
            "https://logout.example.com",
            "logout.example.com",
            true
        ));
        assert!(check(
            "https://logout.example.com",
            "logout.example.com:443",
            true
        ));
        assert!(check(
            "https://LOGOUT.example.com:443",
            "logout.example.com",
            true
        ));
        assert!(!check(
            "http://logout.example.com",
            "logout.example.com",
            true
        ));
        assert!(!check(
            "https://logout.example.com:8443",
            "logout.example.com",
            true
        ));
        assert!(!check(
            "https://logout.example.com",
            "logout.example.com",
            false
        ));
        assert!(!check("not a url", "logout.example.com", false));
    }

    fn same_origin_request_http(p: &Parts) -> bool {
        same_origin_request(p, false, None)
    }

    #[test]
    fn cross_site_requests_are_refused() {
        assert!(same_origin_request_http(&parts(&[])));
        assert!(same_origin_request_http(&parts(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ])));
        assert!(!same_origin_request_http(&parts(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(!same_origin_request_http(&parts(&[(
            "sec-fetch-site",
            "same-site"
        )])));
        assert!(!same_origin_request_http(&parts(&[
            ("origin", "https://evil.test"),
            ("host", "logout.example.com"),
        ])));
        // What Chromium sends for our own no-JS post under no-referrer.
        assert!(same_origin_request_http(&parts(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "null"),
            ("host", "logout.example.com"),
        ])));
        // Fetch metadata wins over a matching Origin.
        assert!(!same_origin_request_http(&parts(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://logout.example.com"),
            ("host", "logout.example.com"),
        ])));
        assert!(same_origin_request(
            &parts(&[
                ("origin", "https://logout.example.com"),
                ("host", "logout.example.com"),
            ]),
            true,
            None
        ));
    }
}
