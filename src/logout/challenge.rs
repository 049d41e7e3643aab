//! The logout challenge: an opaque capability Hydra hands to the browser.

/// Upper bound on a challenge's length: 63 KiB. Hydra v2.3 sends UUIDs; newer
/// (stateless) Hydra and Ory Network send encrypted challenges that embed the ID
/// token and the client, and a 12 KB ID token is realistic. A full 64 KiB cannot
/// arrive at all: HTTP/1 request targets are capped at 65 534 bytes by the `http`
/// crate (and hyper), and the challenge must also fit, with the path, into our
/// URL and into the admin API's. 63 KiB is the round figure below that bound;
/// anything longer is refused before any call to Hydra.
pub const MAX_CHALLENGE_LEN: usize = 63 * 1024;

/// A syntactically acceptable logout challenge. Deliberately opaque: no UUID or
/// other format is assumed, only a sane length and printable ASCII (what can
/// travel in a URL query without being mangled).
///
/// It is a capability: `Debug` is redacted so it never lands in a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct LogoutChallenge(String);

impl LogoutChallenge {
    /// Validates a raw challenge from the query string or a sealed ticket.
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = !raw.is_empty()
            && raw.len() <= MAX_CHALLENGE_LEN
            && raw.bytes().all(|b| b.is_ascii_graphic());
        ok.then(|| LogoutChallenge(raw.to_owned()))
    }

    /// The raw value, for the one place that sends it to Hydra (percent-encoded).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for LogoutChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogoutChallenge(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_uuid_and_opaque_blobs() {
        assert!(LogoutChallenge::parse("5f6d9c1e-8a4b-4c1f-9d2e-3b7a6c5d4e3f").is_some());
        let blob = format!("ory_lo_{}", "Ab-_9".repeat(120));
        assert!(LogoutChallenge::parse(&blob).is_some());
    }

    #[test]
    fn rejects_empty_long_and_unprintable() {
        assert!(LogoutChallenge::parse("").is_none());
        assert!(LogoutChallenge::parse(&"a".repeat(MAX_CHALLENGE_LEN + 1)).is_none());
        assert!(LogoutChallenge::parse(&"a".repeat(MAX_CHALLENGE_LEN)).is_some());
        assert!(LogoutChallenge::parse("abc def").is_none());
        assert!(LogoutChallenge::parse("abc\n").is_none());
        assert!(LogoutChallenge::parse("défi").is_none());
    }

    proptest::proptest! {
        // Strings around the 63 KiB bound are slow to generate: few cases.
        #![proptest_config(proptest::test_runner::Config::with_cases(24))]
        #[test]
        fn parse_never_panics_and_accepts_only_bounded_printable_ascii(raw in ".{0,64}|[ -~]{64500,64530}") {
            if let Some(c) = LogoutChallenge::parse(&raw) {
                proptest::prop_assert!(c.as_str().len() <= MAX_CHALLENGE_LEN);
                proptest::prop_assert!(c.as_str().bytes().all(|b| b.is_ascii_graphic()));
                proptest::prop_assert_eq!(c.as_str(), raw.as_str());
            }
        }
    }

    #[test]
    fn debug_is_redacted() {
        let c = LogoutChallenge::parse("secret-challenge").unwrap();
        assert!(!format!("{c:?}").contains("secret"));
    }
}
