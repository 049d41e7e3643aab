import type { Page, Response } from "@playwright/test";
import { HYDRA_LOGOUT_URL } from "./urls";

/**
 * Starts a user-initiated (OP-initiated) logout: the browser opens Hydra's logout
 * endpoint without parameters, as a "Sign out everywhere" link at the provider
 * would. Hydra needs its session cookie, so use the context that signed in.
 * Returns the final response of the navigation (the app's prompt, normally).
 */
export function startUserInitiatedLogout(page: Page): Promise<Response | null> {
  return page.goto(HYDRA_LOGOUT_URL);
}
