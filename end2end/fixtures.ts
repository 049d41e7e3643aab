import { test as base, expect, type Response } from "@playwright/test";
import { APP_URL } from "./pages/urls";

export { expect };

/** What the browser fetched from the app's `/pkg/` directory (the hydration bundle). */
export interface AppBundle {
  responses: { url: string; status: number }[];
  /** True when the page fetched a `.wasm` from the app with a 2xx status. */
  wasmLoaded(): boolean;
}

/**
 * The Playwright test with two additions:
 *  - `bundle`: records the app's `/pkg/` responses, so hydrated tests can check that
 *    the WASM bundle was actually loaded;
 *  - an automatic guard that fails the test on any uncaught exception in a page of
 *    the app, and on console errors there (e.g. a hydration panic, or a broken
 *    bundle such as `WebAssembly.Table.set(): Argument 1 is invalid`). Chromium's
 *    "Failed to load resource" lines are ignored: error pages are served with 4xx
 *    statuses on purpose.
 */
export const test = base.extend<{ bundle: AppBundle; pageErrorGuard: void }>({
  bundle: async ({ page }, use) => {
    const responses: { url: string; status: number }[] = [];
    const onResponse = (r: Response) => {
      if (r.url().startsWith(`${APP_URL}/pkg/`)) responses.push({ url: r.url(), status: r.status() });
    };
    page.on("response", onResponse);
    await use({
      responses,
      wasmLoaded: () => responses.some((r) => /\.wasm(\?|$)/.test(r.url) && r.status >= 200 && r.status < 300),
    });
    page.off("response", onResponse);
  },

  pageErrorGuard: [
    async ({ page }, use, testInfo) => {
      const problems: string[] = [];
      const log: string[] = [];
      page.on("pageerror", (err) => {
        const where = page.url();
        log.push(`[pageerror] ${where}: ${err.stack ?? err.message}`);
        if (where.startsWith(`${APP_URL}/`)) problems.push(`uncaught exception on ${where}: ${err.message}`);
      });
      page.on("console", (msg) => {
        const where = msg.location().url || page.url();
        log.push(`[console.${msg.type()}] ${where}: ${msg.text()}`);
        if (
          msg.type() === "error" &&
          page.url().startsWith(`${APP_URL}/`) &&
          !msg.text().startsWith("Failed to load resource")
        ) {
          problems.push(`console error on ${page.url()}: ${msg.text()}`);
        }
      });
      await use();
      if (log.length > 0) {
        await testInfo.attach("browser-console.txt", { body: log.join("\n"), contentType: "text/plain" });
      }
      expect(problems, "no script errors in the app's pages").toEqual([]);
    },
    { auto: true },
  ],
});
