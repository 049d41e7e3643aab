//! Tells Cargo that the translations are compile-time inputs of the crate.
//!
//! `fluent_templates::static_loader!` (`src/i18n.rs`) reads every `.ftl` file under
//! `locales/` while the crate compiles. The `include_str!`s it expands to make Cargo
//! notice edits to files it has already seen, but not a file or language added
//! since; watching the directory covers both. `cargo leptos watch` is told to
//! rebuild on changes there by `watch-additional-files` in `Cargo.toml`.

fn main() {
    println!("cargo:rerun-if-changed=locales");
}
