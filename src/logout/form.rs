//! The decision form: the only part of any page that runs in the browser.
//!
//! Without JavaScript it is a plain `<form>` posting to the `decide` server
//! function, which answers `303`. Hydrated (a Leptos island), it posts the same
//! fields with `fetch`, disables both buttons while the request is in flight,
//! follows the server function's redirect, and shows a failure next to the
//! buttons so the same choice can be sent again.
//!
//! It deliberately does not use `<ActionForm>`: that pulls Leptos' whole
//! server-function client (serde_qs, serde_json, streams) into the bundle, about
//! 60 KB of the budget, for one POST whose answer is a redirect or one word.

use leptos::prelude::*;

use crate::{error::AppError, i18n::Lang};

/// Where the form posts: `decide`'s endpoint (named, so it carries no hash),
/// relative to the public base path (`PUBLIC_URL`).
pub const DECIDE_URL: &str = "/api/logout/decide";

/// The request header that marks the hydrated form's `fetch` (value `1`). Only
/// such calls get the redirect as a `200` with `Location`; every other caller
/// gets a real `303`. A custom header also cannot be sent cross-origin without a
/// CORS preflight, which this server never grants.
pub const FETCH_HEADER: &str = "x-logout-ui-fetch";

/// Failures the hydrated form can report; each gets a pre-rendered, translated
/// message that the island reveals, so the browser bundle carries no text.
const REPORTABLE: [AppError; 7] = [
    AppError::Unavailable,
    AppError::Inconsistent,
    AppError::Forbidden,
    AppError::NotFound,
    AppError::Expired,
    AppError::BadRequest,
    AppError::Transport,
];

/// The form as the server renders it; identical with and without JavaScript.
///
/// The buttons say what they do, which depends on who started the logout:
/// - a relying party (`app_name` is its name): that app has dropped its own
///   session already, so the choice is **sign out everywhere** (`accept`: end the
///   single sign-on session) or **sign out of {App} only** (`reject`: the server
///   revokes that app's tokens and keeps the session);
/// - the user (no app): **sign out** (`accept`) or **cancel** (`reject`).
///
/// The server never trusts the form for the meaning: it re-reads the logout
/// request and acts on Hydra's `rp_initiated` and `client`.
#[component]
pub fn DecisionForm(
    /// The sealed challenge (`logout::ssr::ticket`).
    ticket: String,
    /// Whether a previous plain-form decision failed (`?failed=1`).
    failed: bool,
    lang: Lang,
    /// The relying party that started the logout, if one did.
    app_name: Option<String>,
) -> impl IntoView {
    let (accept_label, reject_label) = match &app_name {
        Some(app) => (
            lang.t("button-sign-out-everywhere"),
            lang.t1("button-app-only", "app", app),
        ),
        None => (lang.t("button-sign-out"), lang.t("button-cancel")),
    };
    let alert = "mt-4 rounded-md bg-danger-soft p-3 text-sm text-danger";
    view! {
        {failed.then(|| view! { <p role="alert" class=alert>{lang.t("decision-failed")}</p> })}
        <EnhancedForm>
            {REPORTABLE
                .iter()
                .map(|e| {
                    view! {
                        <p role="alert" class=alert hidden data-error-code=e.code()>
                            {lang.t(&format!("error-{}", e.code()))}
                        </p>
                    }
                })
                .collect_view()}
            <input type="hidden" name="ticket" value=ticket />
            // DOM, tab and visual order agree in every layout: the primary action
            // first (on top on phones, on the left on wide screens).
            <div class="mt-6 flex flex-col gap-3 sm:flex-row sm:justify-end">
                <button id="accept" type="submit" name="decision" value="accept" class="btn btn-primary">
                    {accept_label}
                </button>
                <button id="reject" type="submit" name="decision" value="reject" class="btn btn-secondary">
                    {reject_label}
                </button>
            </div>
        </EnhancedForm>
    }
}

/// The island: a `<form>` around server-rendered fields. It takes no props, so
/// nothing has to be serialized into the page and decoded in the browser; the
/// buttons and messages are found in the DOM when the form is submitted.
#[island]
fn EnhancedForm(children: Children) -> impl IntoView {
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        browser::submit(ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    // The island's server rendering knows the base path; in the browser the
    // island posts to whatever this attribute says (see `browser::post`).
    let action = crate::ui::own_path(DECIDE_URL);
    view! {
        <form method="post" action=action on:submit=on_submit>
            {children()}
        </form>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::window;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{
        FormData, HtmlButtonElement, HtmlElement, HtmlFormElement, Request, RequestInit, Response,
        UrlSearchParams,
    };

    use super::FETCH_HEADER;

    /// What the server said about a submitted decision.
    enum Answer {
        /// Navigate here (Hydra, the relying party, or one of our pages).
        Go(String),
        /// Failed; the `AppError` code the server sent.
        Failed(String),
    }

    /// Shows the pre-rendered message for `code` (or the generic one), hides the rest.
    fn show_error(form: &HtmlFormElement, code: Option<&str>) {
        let Ok(alerts) = form.query_selector_all("[data-error-code]") else {
            return;
        };
        let known = code.is_some_and(|c| {
            form.query_selector(&format!("[data-error-code=\"{c}\"]"))
                .ok()
                .flatten()
                .is_some()
        });
        let wanted = if known {
            code
        } else {
            code.map(|_| "transport")
        };
        for i in 0..alerts.length() {
            if let Some(el) = alerts
                .item(i)
                .and_then(|n| n.dyn_into::<HtmlElement>().ok())
            {
                let this = el.get_attribute("data-error-code");
                el.set_hidden(this.as_deref() != wanted);
            }
        }
    }

    pub fn submit(ev: leptos::ev::SubmitEvent) {
        // Any problem preparing the request: let the browser post the form itself.
        let Some((form, body)) = form_body(&ev) else {
            return;
        };
        ev.prevent_default();
        let buttons = buttons(&form);
        if buttons.iter().any(HtmlButtonElement::disabled) {
            return;
        }
        // Disabled while in flight, and kept so while the browser navigates away.
        let set_pending = move |pending: bool| buttons.iter().for_each(|b| b.set_disabled(pending));
        set_pending(true);
        show_error(&form, None);
        wasm_bindgen_futures::spawn_local(async move {
            let failure = match post(&form.action(), &body).await {
                Ok(Answer::Go(location)) => match window().location().assign(&location) {
                    Ok(()) => return,
                    Err(_) => "transport".to_owned(),
                },
                Ok(Answer::Failed(code)) => code,
                Err(_) => "transport".to_owned(),
            };
            show_error(&form, Some(&failure));
            set_pending(false);
        });
    }

    fn buttons(form: &HtmlFormElement) -> Vec<HtmlButtonElement> {
        let elements = form.elements();
        (0..elements.length())
            .filter_map(|i| elements.item(i))
            .filter_map(|e| e.dyn_into::<HtmlButtonElement>().ok())
            .collect()
    }

    /// The form, and its fields plus the clicked button's `name=value`, url-encoded.
    fn form_body(ev: &leptos::ev::SubmitEvent) -> Option<(HtmlFormElement, UrlSearchParams)> {
        let form: HtmlFormElement = ev.target()?.dyn_into().ok()?;
        let data = FormData::new_with_form(&form).ok()?;
        let button: HtmlButtonElement = ev.submitter()?.dyn_into().ok()?;
        data.append_with_str(&button.name(), &button.value()).ok()?;
        let body = UrlSearchParams::new_with_str_sequence_sequence(&data).ok()?;
        Some((form, body))
    }

    /// Posts to `action`, the server-rendered form's (resolved) action: the
    /// bundle carries no path of its own, so it follows the base path.
    async fn post(action: &str, body: &UrlSearchParams) -> Result<Answer, JsValue> {
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(body);
        let request = Request::new_with_str_and_init(action, &init)?;
        request.headers().set("Accept", "application/json")?;
        request.headers().set(FETCH_HEADER, "1")?;
        let response: Response =
            wasm_bindgen_futures::JsFuture::from(window().fetch_with_request(&request))
                .await?
                .dyn_into()?;
        // Success: the server function's redirect travels in headers (no 3xx, so
        // fetch does not follow it and we can read where to go).
        if response.ok() {
            if let Some(location) = response.headers().get("location")? {
                return Ok(Answer::Go(location));
            }
            return Ok(Answer::Failed("transport".to_owned()));
        }
        let text = wasm_bindgen_futures::JsFuture::from(response.text()?)
            .await?
            .as_string()
            .unwrap_or_default();
        // The body is the error's code as a JSON string, e.g. "unavailable".
        Ok(Answer::Failed(text.trim().trim_matches('"').to_owned()))
    }
}
