import { existsSync } from "node:fs";

// Debian's Chromium (apt package `chromium`); Playwright never downloads a browser here.
// /usr/bin/chromium is a wrapper script that prints a harmless warning, so prefer the binary.
// Shared by playwright.config.ts and deploy.config.ts.

/** The Chromium binary the Playwright projects launch. */
export const CHROMIUM = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find((p) => existsSync(p));
if (!CHROMIUM) {
  throw new Error("Chromium not found at /usr/lib/chromium/chromium or /usr/bin/chromium (apt-get install chromium)");
}

/** Its flags: no sandbox (containers), no GPU, no background traffic, no QUIC. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
