//! Sealed tickets: how the prompt page carries the challenge without showing it.
//!
//! The challenge is a single-use capability that Hydra put in the page's URL. We do
//! not echo it into the HTML (where it would be copied into caches, screenshots,
//! support tickets and hydration data). The form instead carries a *ticket*: the
//! challenge encrypted and authenticated (XChaCha20-Poly1305) under a key derived
//! from `LOGOUT_UI_SECRET`, with the time it was issued. Any replica with the same
//! secret can open it, so the service stays stateless.
//!
//! A ticket is also bound to the browser's CSRF cookie (`logout::ssr::csrf`): it opens
//! only together with the cookie value it was sealed for. The binding is checked
//! after decryption, so an authentic ticket presented without its cookie (cleared,
//! expired, another browser) still names its challenge: the decision then leads
//! back to the prompt for that challenge instead of to a dead end. This makes a
//! ticket exactly as powerful as the prompt URL the browser already holds, and
//! no more: acting still needs the cookie that the prompt sets.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use chacha20poly1305::{
    aead::{Aead, KeyInit, Payload},
    XChaCha20Poly1305, XNonce,
};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::logout::challenge::{LogoutChallenge, MAX_CHALLENGE_LEN};

const AAD: &[u8] = b"hydra-logout-ui ticket v1";
const NONCE_LEN: usize = 24;
/// Longer than Hydra's default request lifetime (30 min): Hydra remains the
/// authority on expiry; this only bounds how long a copied form stays useful.
pub const TICKET_LIFETIME: Duration = Duration::from_secs(2 * 60 * 60);
/// Length of the browser binding (the CSRF cookie's raw value).
pub const BINDING_LEN: usize = 16;
/// Largest ticket we try to open: nonce + timestamp + binding + challenge + tag, base64.
pub const MAX_TICKET_LEN: usize =
    (NONCE_LEN + 8 + BINDING_LEN + MAX_CHALLENGE_LEN + 16) * 4 / 3 + 4;

/// The per-browser value a ticket is bound to.
pub type Binding = [u8; BINDING_LEN];

/// Most CSRF cookie values tried against one ticket (several cookies of our
/// name can arrive, e.g. one planted with `Path=/api` beside ours).
pub const MAX_BINDING_CANDIDATES: usize = 4;

/// Why a ticket could not be opened. The authentic cases carry the challenge,
/// so the browser can be sent back to its prompt.
#[derive(Debug, PartialEq, Eq)]
pub enum TicketError {
    /// Not one of ours, or tampered with.
    Invalid,
    /// Ours, but sealed for another browser (CSRF cookie missing or different).
    WrongBrowser(LogoutChallenge),
    /// Ours, but older than [`TICKET_LIFETIME`].
    Expired(LogoutChallenge),
}

/// Seals and opens tickets. Cheap to clone.
#[derive(Clone)]
pub struct TicketKey {
    cipher: XChaCha20Poly1305,
}

impl TicketKey {
    pub fn from_secret(secret: &SecretString) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"hydra-logout-ui ticket key v1\0");
        hasher.update(secret.expose_secret().as_bytes());
        let key = hasher.finalize();
        TicketKey {
            cipher: XChaCha20Poly1305::new(&key),
        }
    }

    /// A key no other process shares; for single-instance setups without a secret.
    pub fn random() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes)?;
        Ok(TicketKey {
            cipher: XChaCha20Poly1305::new(&bytes.into()),
        })
    }

    pub fn seal(&self, challenge: &LogoutChallenge, binding: &Binding) -> Option<String> {
        self.seal_at(challenge, binding, SystemTime::now())
    }

    fn seal_at(
        &self,
        challenge: &LogoutChallenge,
        binding: &Binding,
        now: SystemTime,
    ) -> Option<String> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::getrandom(&mut nonce).ok()?;
        let issued = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
        let mut plain = Vec::with_capacity(8 + BINDING_LEN + challenge.as_str().len());
        plain.extend_from_slice(&issued.to_be_bytes());
        plain.extend_from_slice(binding);
        plain.extend_from_slice(challenge.as_str().as_bytes());
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: AAD,
                },
            )
            .ok()?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Some(URL_SAFE_NO_PAD.encode(out))
    }

    /// Opens a ticket presented together with `binding` (`None`: the browser sent
    /// no CSRF cookie).
    pub fn open(
        &self,
        ticket: &str,
        binding: Option<&Binding>,
    ) -> Result<LogoutChallenge, TicketError> {
        let bindings = binding.map(std::slice::from_ref).unwrap_or_default();
        self.open_at(ticket, bindings, SystemTime::now())
    }

    /// Opens a ticket presented together with every CSRF cookie value the
    /// browser sent; it opens when sealed for any of the first
    /// [`MAX_BINDING_CANDIDATES`].
    pub fn open_any(
        &self,
        ticket: &str,
        bindings: &[Binding],
    ) -> Result<LogoutChallenge, TicketError> {
        self.open_at(ticket, bindings, SystemTime::now())
    }

    fn open_at(
        &self,
        ticket: &str,
        bindings: &[Binding],
        now: SystemTime,
    ) -> Result<LogoutChallenge, TicketError> {
        if ticket.len() > MAX_TICKET_LEN {
            return Err(TicketError::Invalid);
        }
        let raw = URL_SAFE_NO_PAD
            .decode(ticket.trim())
            .map_err(|_| TicketError::Invalid)?;
        if raw.len() < NONCE_LEN {
            return Err(TicketError::Invalid);
        }
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: AAD,
                },
            )
            .map_err(|_| TicketError::Invalid)?;
        let (issued, rest) = plain.split_first_chunk::<8>().ok_or(TicketError::Invalid)?;
        let (sealed_binding, challenge) = rest
            .split_first_chunk::<BINDING_LEN>()
            .ok_or(TicketError::Invalid)?;
        let challenge = std::str::from_utf8(challenge)
            .ok()
            .and_then(LogoutChallenge::parse)
            .ok_or(TicketError::Invalid)?;
        let issued = UNIX_EPOCH + Duration::from_secs(u64::from_be_bytes(*issued));
        match now.duration_since(issued) {
            Ok(age) if age > TICKET_LIFETIME => return Err(TicketError::Expired(challenge)),
            // A ticket from the future means clocks between replicas disagree;
            // tolerate small skew, refuse the rest.
            Err(skew) if skew.duration() > Duration::from_secs(300) => {
                return Err(TicketError::Invalid)
            }
            _ => {}
        }
        // Both values are secret-derived and fixed-length; a plain comparison
        // leaks nothing an attacker could not learn from the cookie itself.
        if !bindings
            .iter()
            .take(MAX_BINDING_CANDIDATES)
            .any(|b| b == sealed_binding)
        {
            return Err(TicketError::WrongBrowser(challenge));
        }
        Ok(challenge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Binding = [7u8; BINDING_LEN];

    fn key(s: &str) -> TicketKey {
        TicketKey::from_secret(&SecretString::from(s.to_owned()))
    }

    #[test]
    fn round_trip_hides_the_challenge() {
        let k = key("0123456789abcdef0123456789abcdef");
        let c = LogoutChallenge::parse("my-very-visible-challenge").unwrap();
        let t = k.seal(&c, &B).unwrap();
        assert!(!t.contains("visible"));
        assert_eq!(k.open(&t, Some(&B)).unwrap(), c);
        // Two seals of the same challenge differ (fresh nonce).
        assert_ne!(t, k.seal(&c, &B).unwrap());
    }

    #[test]
    fn replicas_with_the_same_secret_agree() {
        let c = LogoutChallenge::parse("abc").unwrap();
        let t = key("0123456789abcdef0123456789abcdef")
            .seal(&c, &B)
            .unwrap();
        assert_eq!(
            key("0123456789abcdef0123456789abcdef")
                .open(&t, Some(&B))
                .unwrap(),
            c
        );
        assert_eq!(
            key("another-secret-another-secret-xx").open(&t, Some(&B)),
            Err(TicketError::Invalid)
        );
    }

    #[test]
    fn tampering_and_garbage_are_invalid() {
        let k = key("0123456789abcdef0123456789abcdef");
        let t = k.seal(&LogoutChallenge::parse("abc").unwrap(), &B).unwrap();
        let mut bytes = t.clone().into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        assert_eq!(k.open(&tampered, Some(&B)), Err(TicketError::Invalid));
        for junk in ["", "%%%", "abc", &"A".repeat(MAX_TICKET_LEN + 1)] {
            assert_eq!(
                k.open(junk, Some(&B)),
                Err(TicketError::Invalid),
                "{junk:.20}"
            );
        }
    }

    #[test]
    fn a_ticket_opens_only_with_its_browser_binding() {
        let k = key("0123456789abcdef0123456789abcdef");
        let c = LogoutChallenge::parse("abc").unwrap();
        let t = k.seal(&c, &B).unwrap();
        // Refused, but the authentic ticket still names its challenge.
        assert_eq!(k.open(&t, None), Err(TicketError::WrongBrowser(c.clone())));
        assert_eq!(
            k.open(&t, Some(&[8u8; BINDING_LEN])),
            Err(TicketError::WrongBrowser(c.clone()))
        );
        assert!(k.open(&t, Some(&B)).is_ok());
    }

    #[test]
    fn any_of_the_browsers_cookies_opens_the_ticket_within_the_bound() {
        let k = key("0123456789abcdef0123456789abcdef");
        let c = LogoutChallenge::parse("abc").unwrap();
        let t = k.seal(&c, &B).unwrap();
        let other = [8u8; BINDING_LEN];
        assert_eq!(k.open_any(&t, &[other, B]).unwrap(), c);
        assert_eq!(k.open_any(&t, &[B, other]).unwrap(), c);
        let mut many = vec![other; MAX_BINDING_CANDIDATES];
        many.push(B);
        assert_eq!(k.open_any(&t, &many), Err(TicketError::WrongBrowser(c)));
    }

    #[test]
    fn old_tickets_expire() {
        let k = key("0123456789abcdef0123456789abcdef");
        let c = LogoutChallenge::parse("abc").unwrap();
        let then = SystemTime::now() - TICKET_LIFETIME - Duration::from_secs(1);
        let t = k.seal_at(&c, &B, then).unwrap();
        assert_eq!(k.open(&t, Some(&B)), Err(TicketError::Expired(c.clone())));
        let future = SystemTime::now() + Duration::from_secs(3600);
        let t = k.seal_at(&c, &B, future).unwrap();
        assert_eq!(k.open(&t, Some(&B)), Err(TicketError::Invalid));
    }

    proptest::proptest! {
        #[test]
        fn open_never_panics_on_arbitrary_input(raw in "\\PC{0,300}") {
            let k = key("0123456789abcdef0123456789abcdef");
            proptest::prop_assert!(k.open(&raw, Some(&B)).is_err());
        }

        #[test]
        fn any_valid_challenge_round_trips(raw in "[!-~]{1,512}") {
            let k = key("0123456789abcdef0123456789abcdef");
            let c = LogoutChallenge::parse(&raw).unwrap();
            let t = k.seal(&c, &B).unwrap();
            proptest::prop_assert_eq!(k.open(&t, Some(&B)).unwrap(), c);
        }
    }

    #[test]
    fn longest_challenge_fits_the_ticket_bound() {
        let k = key("0123456789abcdef0123456789abcdef");
        let c = LogoutChallenge::parse(&"x".repeat(MAX_CHALLENGE_LEN)).unwrap();
        let t = k.seal(&c, &B).unwrap();
        assert!(t.len() <= MAX_TICKET_LEN);
        assert_eq!(k.open(&t, Some(&B)).unwrap(), c);
    }
}
