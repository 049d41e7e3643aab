//! Languages: English, German, French, Spanish and Japanese, from the Fluent
//! resource files in `locales/<lang>/main.ftl`.
//!
//! The language of a page comes from the relying party's `ui_locales` (OpenID
//! Connect RP-Initiated Logout; Hydra ignores it but keeps it in `request_url`),
//! then the browser's `Accept-Language`, then `DEFAULT_LOCALE`.
//!
//! Pages are rendered on the server only (islands), so the catalogue and the
//! negotiation live in the server build; the browser bundle carries no text.

/// Whether `c` is a Unicode bidirectional control (embeddings, overrides,
/// isolates, marks). Text from others (client names, identity traits, Hydra's
/// error descriptions) loses them before it is put into our sentences, where
/// they could reorder the words around them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Supported languages, in the order they are offered.
pub const SUPPORTED: [&str; 5] = ["en", "de", "fr", "es", "ja"];

/// A supported language (a BCP 47 primary tag from [`SUPPORTED`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang(&'static str);

impl Default for Lang {
    fn default() -> Self {
        Lang("en")
    }
}

impl Lang {
    /// The supported language for a tag like `de`, `de-CH` or `DE_ch`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        SUPPORTED.iter().find(|l| **l == primary).map(|l| Lang(l))
    }

    pub fn tag(self) -> &'static str {
        self.0
    }

    /// The message `key` in this language.
    pub fn t(self, key: &str) -> String {
        catalogue::lookup(self, key, None)
    }

    /// The message `key` with one variable (`{ $name }`) filled in.
    pub fn t1(self, key: &str, name: &'static str, value: &str) -> String {
        catalogue::lookup(self, key, Some((name, value)))
    }

    /// The message `key` with one number (`{ $name }`), so the message can pick
    /// its plural form (`{ $minutes -> [one] … *[other] … }`).
    pub fn t_count(self, key: &str, name: &'static str, value: u32) -> String {
        catalogue::lookup_number(self, key, name, value)
    }
}

#[cfg(feature = "ssr")]
mod catalogue {
    use std::{borrow::Cow, cell::RefCell, collections::HashMap};

    use fluent_templates::{fluent_bundle::FluentValue, LanguageIdentifier, Loader};

    use super::Lang;

    fluent_templates::static_loader! {
        static LOCALES = {
            locales: "./locales",
            fallback_language: "en",
            // No Unicode isolation marks around variables: names and subjects are
            // shown in their own elements already.
            customise: |bundle| bundle.set_use_isolating(false),
        };
    }

    /// Most entries of [`PLAIN`] there can be: every message of every language
    /// is far fewer (keys come from our code, not from requests).
    const PLAIN_MAX: usize = 1024;

    thread_local! {
        /// Messages without variables, formatted once per thread: a page asks
        /// for ~30 of them, and each Fluent lookup costs more than the rest of
        /// the text's rendering (BENCHMARKS.md, "Ways there").
        static PLAIN: RefCell<HashMap<&'static str, HashMap<Box<str>, String>>> =
            RefCell::new(HashMap::new());
    }

    pub fn lookup(lang: Lang, key: &str, arg: Option<(&'static str, &str)>) -> String {
        if arg.is_none() {
            let cached = PLAIN.with(|plain| {
                plain
                    .try_borrow()
                    .ok()
                    .and_then(|p| p.get(lang.tag())?.get(key).cloned())
            });
            if let Some(text) = cached {
                return text;
            }
        }
        let Ok(id) = lang.tag().parse::<LanguageIdentifier>() else {
            return key.to_owned();
        };
        let result = match arg {
            None => {
                let text = LOCALES.try_lookup(&id, key);
                if let Some(text) = &text {
                    PLAIN.with(|plain| {
                        if let Ok(mut p) = plain.try_borrow_mut() {
                            if p.values().map(HashMap::len).sum::<usize>() < PLAIN_MAX {
                                p.entry(lang.tag())
                                    .or_default()
                                    .insert(Box::from(key), text.clone());
                            }
                        }
                    });
                }
                text
            }
            Some((name, value)) => {
                let args: HashMap<Cow<'static, str>, FluentValue<'_>> =
                    HashMap::from([(Cow::Borrowed(name), FluentValue::from(value.to_owned()))]);
                LOCALES.try_lookup_with_args(&id, key, &args)
            }
        };
        result.unwrap_or_else(|| {
            tracing::error!(key, lang = lang.tag(), "missing translation");
            key.to_owned()
        })
    }

    pub fn lookup_number(lang: Lang, key: &str, name: &'static str, value: u32) -> String {
        let Ok(id) = lang.tag().parse::<LanguageIdentifier>() else {
            return key.to_owned();
        };
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> =
            HashMap::from([(Cow::Borrowed(name), FluentValue::from(value))]);
        LOCALES
            .try_lookup_with_args(&id, key, &args)
            .unwrap_or_else(|| {
                tracing::error!(key, lang = lang.tag(), "missing translation");
                key.to_owned()
            })
    }
}

#[cfg(not(feature = "ssr"))]
mod catalogue {
    use super::Lang;

    /// The browser build never renders translated text (only the island runs
    /// there, and its texts come from the server-rendered page).
    pub fn lookup(_lang: Lang, key: &str, _arg: Option<(&'static str, &str)>) -> String {
        key.to_owned()
    }

    pub fn lookup_number(_lang: Lang, key: &str, _name: &'static str, _value: u32) -> String {
        key.to_owned()
    }
}

/// Picks the page language: the first supported tag of `ui_locales` (space
/// separated, in preference order), else the best supported language of
/// `Accept-Language` by quality, else `default`.
#[cfg(feature = "ssr")]
pub fn negotiate(ui_locales: Option<&str>, accept_language: Option<&str>, default: Lang) -> Lang {
    if let Some(lang) = ui_locales
        .into_iter()
        .flat_map(str::split_whitespace)
        .find_map(Lang::from_tag)
    {
        return lang;
    }
    if let Some(header) = accept_language {
        // Ordered by quality (a stable sort keeps the header's order on ties);
        // fluent-langneg parses each tag.
        let mut ranked: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (q > 0.0).then_some((q, tag))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        let found = ranked.iter().find_map(|(_, tag)| {
            fluent_langneg::convert_vec_str_to_langids_lossy([*tag])
                .first()
                .and_then(|id| Lang::from_tag(id.language.as_str()))
        });
        if let Some(lang) = found {
            return lang;
        }
    }
    default
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn ui_locales_win_then_accept_language_then_default() {
        let de = Lang::from_tag("de").unwrap();
        let ja = Lang::from_tag("ja").unwrap();
        let en = Lang::default();
        assert_eq!(negotiate(Some("xx ja-JP de"), Some("de"), en), ja);
        assert_eq!(
            negotiate(Some("xx"), Some("fr;q=0.5, de-CH, en;q=0.8"), en).tag(),
            "de"
        );
        assert_eq!(negotiate(None, Some("pt-BR, es;q=0.4"), de).tag(), "es");
        assert_eq!(negotiate(None, Some("pt-BR"), de), de);
        assert_eq!(negotiate(None, None, ja), ja);
        assert_eq!(negotiate(Some(""), Some("*"), en), en);
    }

    #[test]
    fn every_language_has_every_message() {
        let keys: Vec<(String, &'static str)> = include_str!("../locales/en/main.ftl")
            .lines()
            .filter_map(|l| {
                let (k, v) = l.split_once(" = ")?;
                let var = if v.contains("$subject") {
                    "subject"
                } else if v.contains("$minutes") {
                    "minutes"
                } else if v.contains("$hours") {
                    "hours"
                } else {
                    "app"
                };
                Some((k.trim().to_owned(), var))
            })
            .collect();
        assert!(keys.len() > 30);
        for tag in SUPPORTED {
            let lang = Lang::from_tag(tag).unwrap();
            for (key, var) in &keys {
                let text = lang.t1(key, var, "X");
                assert_ne!(&text, key, "{tag} lacks {key}");
            }
        }
        assert_eq!(
            Lang::from_tag("de")
                .unwrap()
                .t1("prompt-title-app", "app", "Shop"),
            "Von Shop abmelden?"
        );
    }

    #[test]
    fn cached_messages_stay_per_language() {
        let en = Lang::default();
        let de = Lang::from_tag("de").unwrap();
        for _ in 0..2 {
            assert_eq!(en.t("action-restart"), "Start signing out again");
            assert_ne!(de.t("action-restart"), en.t("action-restart"));
            assert_eq!(
                de.t1("prompt-title-app", "app", "Shop"),
                "Von Shop abmelden?"
            );
            assert_eq!(de.t("no-such-message"), "no-such-message");
        }
    }

    #[test]
    fn the_deadline_uses_each_languages_plural_forms() {
        let t = |tag: &str, n: u32| {
            Lang::from_tag(tag)
                .unwrap()
                .t_count("prompt-expires-in", "minutes", n)
        };
        assert_eq!(t("en", 1), "This link expires in 1 minute.");
        assert_eq!(t("en", 12), "This link expires in 12 minutes.");
        assert_eq!(t("de", 1), "Dieser Link läuft in 1 Minute ab.");
        assert_eq!(t("de", 12), "Dieser Link läuft in 12 Minuten ab.");
        assert_eq!(t("fr", 12), "Ce lien expire dans 12 minutes.");
        assert_eq!(t("es", 1), "Este enlace caduca en 1 minuto.");
        assert_eq!(t("ja", 12), "このリンクの有効期限はあと12分です。");
    }
}
