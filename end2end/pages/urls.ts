// Addresses of the test environment (testenv/README.md). Always 127.0.0.1, never
// localhost: cookies are per host.

/** hydra-logout-ui, started by cargo-leptos before Playwright runs. */
export const APP_URL = "http://127.0.0.1:3000";
/** Ory Hydra's public endpoint (issuer). */
export const HYDRA_PUBLIC_URL = "http://127.0.0.1:4444";
/** The support server: login/consent auto-acceptor and sample relying parties. */
export const SUPPORT_URL = "http://127.0.0.1:5555";
