//! URL query strings the way Hydra's Go code reads and writes them, so that the
//! address we send a browser to after "sign out of {App} only" is byte for byte
//! the one Hydra would have sent it to after "sign out everywhere".
//!
//! Hydra v2.3.0 reads end-session parameters with `r.ParseForm()` and builds the
//! post-logout redirect with ory/x `urlx.SetQuery(registered, {"state": …})`,
//! i.e. `url.URL.Query()` + `url.Values.Encode()` (Go's `net/url`):
//! - pairs are separated by `&` only; a pair containing `;` is dropped;
//! - `+` is a space, `%XX` a byte; a pair with a bad escape is dropped;
//! - values are byte strings (not necessarily UTF-8);
//! - encoding sorts keys (values of one key keep their order) and escapes every
//!   byte but `A–Z a–z 0–9 - _ . ~`, with space as `+`.

/// One decoded `key=value` pair, as bytes.
pub type Pair = (Vec<u8>, Vec<u8>);

/// Index of the first `a` or `b` in `hay`. Eight bytes at a time: the query of
/// an RP-initiated logout is mostly its `id_token_hint`, a kilobyte that holds
/// neither `%`, `+` nor `;`, and each prompt reads it twice.
fn find2(hay: &[u8], a: u8, b: u8) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    // Non-zero when some byte of `w` is zero (exact for "some", which is all we ask).
    let has_zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS;
    let (a8, b8) = (ONES * u64::from(a), ONES * u64::from(b));
    let mut start = 0;
    for chunk in hay.chunks_exact(8) {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let w = u64::from_ne_bytes(bytes);
        if has_zero(w ^ a8) | has_zero(w ^ b8) != 0 {
            break;
        }
        start += 8;
    }
    hay.get(start..)?
        .iter()
        .position(|&c| c == a || c == b)
        .map(|at| at + start)
}

/// Go's `url.QueryUnescape`: `None` on a malformed escape. Runs of plain bytes
/// are copied whole.
fn unescape(raw: &str) -> Option<Vec<u8>> {
    let mut rest = raw.as_bytes();
    let mut out = Vec::with_capacity(rest.len());
    while let Some(at) = find2(rest, b'%', b'+') {
        let (plain, special) = rest.split_at(at);
        out.extend_from_slice(plain);
        if special.first() == Some(&b'+') {
            out.push(b' ');
            rest = special.get(1..)?;
        } else {
            let hex = special.get(1..3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            rest = special.get(3..)?;
        }
    }
    out.extend_from_slice(rest);
    Some(out)
}

/// Go's `url.ParseQuery`, keeping the pairs it accepts (in order).
pub fn parse(query: &str) -> Vec<Pair> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty() && find2(pair.as_bytes(), b';', b';').is_none())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((unescape(k)?, unescape(v)?))
        })
        .collect()
}

/// The first value of `name` (Go's `url.Values.Get`).
pub fn get<'a>(pairs: &'a [Pair], name: &str) -> Option<&'a [u8]> {
    pairs
        .iter()
        .find(|(k, _)| k == name.as_bytes())
        .map(|(_, v)| v.as_slice())
}

/// Every value of `name`.
pub fn get_all<'a>(pairs: &'a [Pair], name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
    pairs
        .iter()
        .filter(move |(k, _)| k == name.as_bytes())
        .map(|(_, v)| v.as_slice())
}

/// Go's `url.QueryEscape`.
fn escape(raw: &[u8], out: &mut String) {
    for &b in raw {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

/// Go's `url.Values.Encode`: keys sorted (stable), each pair escaped.
pub fn encode(mut pairs: Vec<Pair>) -> String {
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::new();
    for (k, v) in &pairs {
        if !out.is_empty() {
            out.push('&');
        }
        escape(k, &mut out);
        out.push('=');
        escape(v, &mut out);
    }
    out
}

/// ory/x `urlx.SetQuery(u, {name: value})` applied to a query string: `name`
/// replaced (or added), everything re-encoded as Go does.
pub fn set(query: &str, name: &str, value: Option<&[u8]>) -> String {
    let mut pairs: Vec<Pair> = parse(query)
        .into_iter()
        .filter(|(k, _)| value.is_none() || k != name.as_bytes())
        .collect();
    if let Some(value) = value {
        pairs.push((name.as_bytes().to_vec(), value.to_vec()));
    }
    encode(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_go() {
        let pairs = parse("a=1&b=x+y%21&c;d=2&e=%zz&f&&g=%FF");
        assert_eq!(
            pairs,
            vec![
                (b"a".to_vec(), b"1".to_vec()),
                (b"b".to_vec(), b"x y!".to_vec()),
                (b"f".to_vec(), b"".to_vec()),
                (b"g".to_vec(), vec![0xFF]),
            ]
        );
        assert_eq!(get(&pairs, "b"), Some(&b"x y!"[..]));
        assert_eq!(get(&pairs, "nope"), None);
    }

    #[test]
    fn unescapes_around_long_plain_runs() {
        let token = "eyJhbGciOiJSUzI1NiJ9.".repeat(40);
        let pairs = parse(&format!(
            "id_token_hint={token}&s=%41+b%2&ui_locales=de+fr%2Bx"
        ));
        assert_eq!(
            pairs,
            vec![
                (b"id_token_hint".to_vec(), token.into_bytes()),
                (b"ui_locales".to_vec(), b"de fr+x".to_vec()),
            ]
        );
    }

    #[test]
    fn finds_either_byte_at_any_offset() {
        for len in 0..40 {
            for at in 0..len {
                for (byte, other) in [(b'%', b'+'), (b'+', b'%')] {
                    let mut hay = vec![b'x'; len];
                    hay[at] = byte;
                    assert_eq!(find2(&hay, b'%', b'+'), Some(at), "{len} {at}");
                    if at + 1 < len {
                        hay[at + 1] = other;
                        assert_eq!(find2(&hay, b'%', b'+'), Some(at), "{len} {at}");
                    }
                }
            }
            // 0x80-heavy and near-miss bytes never match.
            let hay: Vec<u8> = (0..len)
                .map(|i| [0x24, 0x26, 0xA5, 0x2A, 0x2C][i % 5])
                .collect();
            assert_eq!(find2(&hay, b'%', b'+'), None, "{len}");
        }
    }

    #[test]
    fn sets_and_encodes_like_hydra() {
        // The cases an outside review compared against real Hydra v2.3.0.
        assert_eq!(set("a=1;b=2", "state", Some(b"S")), "state=S");
        assert_eq!(set("a=1;b=2", "state", None), "");
        assert_eq!(set("x=%zz", "state", Some(b"S")), "state=S");
        assert_eq!(set("b=2&a=1", "state", None), "a=1&b=2");
        assert_eq!(set("x=%7e&y=a%20b", "state", None), "x=~&y=a+b");
        assert_eq!(
            set("tenant=7", "state", Some(&[0xFF])),
            "state=%FF&tenant=7"
        );
        assert_eq!(set("state=old&a=1", "state", Some(b"new")), "a=1&state=new");
        assert_eq!(
            set("tenant=7", "state", Some("a+b c&d=e;f%g/?#é~*".as_bytes())),
            "state=a%2Bb+c%26d%3De%3Bf%25g%2F%3F%23%C3%A9~%2A&tenant=7"
        );
    }
}
