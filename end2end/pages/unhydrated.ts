import type { Browser, BrowserContext, BrowserContextOptions, Page } from "@playwright/test";
import { APP_URL } from "./urls";

/** The app's hydration bundle: `/pkg/<name>.js` and `/pkg/<name>.wasm` (any query). */
export const BUNDLE_URL_PATTERN = new RegExp(
  `^${APP_URL.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/pkg/[^?#]*\\.(?:js|wasm)(?:[?#].*)?$`,
);

/** A JavaScript-enabled page that never gets the app's hydration bundle. */
export interface UnhydratedPage {
  context: BrowserContext;
  page: Page;
  /** URLs of the bundle requests that were aborted so far. */
  blocked: string[];
}

/**
 * Opens a page that shows the app exactly as the server rendered it, with script
 * running: a new JavaScript-enabled context in which every request for the app's
 * hydration bundle (`/pkg/*.js`, `/pkg/*.wasm`) is aborted. The server sends the
 * same HTML whether or not the browser runs script, so this is what a browser
 * without JavaScript shows, yet tools that inject a script (axe-core) can run in it.
 *
 * The page's inline loader (`import("/pkg/….js")`) fails there, and Chromium logs
 * the aborted loads: that is the point, so the fixtures' page-error guard is not
 * attached to this page. The caller closes `context`.
 */
export async function openUnhydratedPage(browser: Browser, options: BrowserContextOptions): Promise<UnhydratedPage> {
  const context = await browser.newContext({ ...options, javaScriptEnabled: true });
  const blocked: string[] = [];
  await context.route(BUNDLE_URL_PATTERN, (route) => {
    blocked.push(route.request().url());
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  return { context, page, blocked };
}
