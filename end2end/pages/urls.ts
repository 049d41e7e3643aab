// Addresses of the test environment (testenv/README.md). Always 127.0.0.1, never
// localhost: cookies are per host.

/** hydra-logout-ui, started by cargo-leptos before Playwright runs. */
export const APP_URL = "http://127.0.0.1:3000";
/** Ory Hydra's public endpoint (issuer). */
export const HYDRA_PUBLIC_URL = "http://127.0.0.1:4444";
/** The support server: login/consent auto-acceptor and sample relying parties. */
export const SUPPORT_URL = "http://127.0.0.1:5555";

/** Hydra's logout endpoint. Without parameters: user-initiated (OP-initiated) logout. */
export const HYDRA_LOGOUT_URL = `${HYDRA_PUBLIC_URL}/oauth2/sessions/logout`;
/** The app's "You have signed out" page (Hydra's urls.post_logout_redirect). */
export const APP_LOGGED_OUT_URL = `${APP_URL}/logged-out`;
/** The app's decision endpoint (form post or hydrated fetch). */
export const DECIDE_URL = `${APP_URL}/api/logout/decide`;

/**
 * The app's HOME_URL, where "Cancel" of a user-initiated logout goes.
 * The app must run with HOME_URL set to this (see the run command in README.md).
 */
export const HOME_URL = `${SUPPORT_URL}/`;

/**
 * Client ids the app must run with in SKIP_LOGOUT_CONSENT_CLIENTS, one per project:
 * the support server's relying party `allowlisted-{project}` has client id
 * `rp-allowlisted-{project}`.
 */
export function allowlistedRpName(project: string): string {
  return `allowlisted-${project}`;
}
