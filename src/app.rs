//! The HTML shell and the routes. No logic lives here.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    error::AppError,
    logout::page::LogoutPage,
    ui::{use_request_context, ErrorPage, ErrorView, LoggedOutPage, StayedPage},
};

/// The document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let context = use_request_context();
    // Behind a proxy that mounts us under a prefix, the bundle is at <base>/pkg/.
    let base = context.own_path("");
    let favicon = context.own_path("/favicon.ico");
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="referrer" content="no-referrer" />
                <meta name="robots" content="noindex" />
                <AutoReload options=options.clone() />
                <link rel="icon" href=favicon />
                <HydrationScripts options islands=true root=base />
                <MetaTags />
            </head>
            <body class="bg-page text-fg antialiased">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let context = use_request_context();

    view! {
        <Stylesheet id="leptos" href=context.own_path("/pkg/hydra-logout-ui.css") />
        {context
            .site
            .brand_stylesheet
            .then(|| view! { <Stylesheet id="brand" href=context.own_path("/brand.css") /> })}
        <Router>
            <Routes fallback=|| view! { <ErrorView error=AppError::PageNotFound /> }>
                // Async: the status code and any redirect depend on Hydra's answer,
                // so nothing may be streamed before it arrives.
                <Route path=path!("/logout") view=LogoutPage ssr=SsrMode::Async />
                <Route path=path!("/logged-out") view=LoggedOutPage ssr=SsrMode::Async />
                <Route path=path!("/stayed") view=StayedPage ssr=SsrMode::Async />
                <Route path=path!("/error") view=ErrorPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
