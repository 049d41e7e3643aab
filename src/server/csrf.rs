//! Cross-site request forgery defence for the decision endpoint.
//!
//! Two independent checks, both of which work without JavaScript:
//! 1. **Double submit, signed and bound**: the prompt sets a random cookie
//!    (`__Host-logout_csrf` over https, `__Secure-logout_csrf` over https under a
//!    base path, `logout_csrf` otherwise; HttpOnly, SameSite=Lax, `Path` = the
//!    base path; see [`Site`]) and seals the same value into the form's ticket
//!    (`server::ticket`). A decision opens only with the cookie the ticket was
//!    sealed for; another site can neither read the cookie nor forge a ticket,
//!    and any replica sharing `LOGOUT_UI_SECRET` can verify it.
//! 2. **Fetch metadata / Origin**: a decision whose `Sec-Fetch-Site` says
//!    cross-site, or whose `Origin` names another host, is refused before the
//!    ticket is even looked at.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use http::{header, request::Parts, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::{
    config::Site,
    ticket::{Binding, BINDING_LEN},
};

fn decode(value: &str) -> Option<Binding> {
    let raw = URL_SAFE_NO_PAD.decode(value.trim()).ok()?;
    <Binding>::try_from(raw.as_slice()).ok()
}

/// The binding carried by the request's CSRF cookie, if any. The cookie's name
/// ([`Site::cookie_name`]): the `__Host-` prefix makes browsers refuse it unless
/// it is Secure, host-only and `Path=/`, so a sibling subdomain cannot plant
/// one; under a base path `__Secure-` at least demands Secure.
pub fn binding_from(parts: &Parts, site: &Site) -> Option<Binding> {
    let name = site.cookie_name();
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| decode(v))
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
/// metadata, else by `Origin`.
///
/// `Sec-Fetch-Site` is authoritative when present (every current browser sends
/// it): only `same-origin` and `none` (typed or bookmarked) pass. `Origin` is
/// consulted only without it: our pages use `Referrer-Policy: no-referrer`, under
/// which Chromium sends `Origin: null` even for our own form posts, so "null" is
/// treated as absent. Requests with neither header (old browsers, tools) pass
/// this check and still need a ticket bound to their cookie.
pub fn same_origin_request(parts: &Parts) -> bool {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match (header("origin"), header("host")) {
        (None | Some("null"), _) => true,
        (Some(origin), Some(host)) => url::Url::parse(origin)
            .ok()
            .and_then(|o| {
                let h = o.host_str()?;
                Some(match o.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_owned(),
                })
            })
            .is_some_and(|authority| authority.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn cross_site_requests_are_refused() {
        assert!(same_origin_request(&parts(&[])));
        assert!(same_origin_request(&parts(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ])));
        assert!(!same_origin_request(&parts(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(!same_origin_request(&parts(&[(
            "sec-fetch-site",
            "same-site"
        )])));
        assert!(!same_origin_request(&parts(&[
            ("origin", "https://evil.test"),
            ("host", "logout.example.com"),
        ])));
        // What Chromium sends for our own no-JS post under no-referrer.
        assert!(same_origin_request(&parts(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "null"),
            ("host", "logout.example.com"),
        ])));
        // Fetch metadata wins over a matching Origin.
        assert!(!same_origin_request(&parts(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://logout.example.com"),
            ("host", "logout.example.com"),
        ])));
        assert!(same_origin_request(&parts(&[
            ("origin", "https://logout.example.com"),
            ("host", "logout.example.com"),
        ])));
    }
}
