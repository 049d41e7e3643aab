import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

// Deployment tests (scripts/deploy-test.sh starts Hydra, the app and the proxies first).
// Same Chromium and flags as playwright.config.ts; the TLS project additionally trusts the
// run's self-signed certificate by its public-key hash (DEPLOY_TLS_SPKI, set by the script).
// That flag makes Chromium accept the certificate as valid, so the page is a secure context,
// unlike Playwright's ignoreHTTPSErrors, which only skips the error and leaves the page
// "Not secure". Chromium honours it only with a --user-data-dir, which Playwright always passes.
const CHROMIUM = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find((p) => existsSync(p));
if (!CHROMIUM) throw new Error("Chromium not found (apt-get install chromium)");
const SPKI = process.env.DEPLOY_TLS_SPKI ?? "";

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  ...(SPKI ? [`--ignore-certificate-errors-spki-list=${SPKI}`] : []),
];

export default defineConfig({
  testDir: "deploy",
  workers: Number.parseInt(process.env.E2E_WORKERS ?? "2", 10),
  fullyParallel: true,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["./summary-reporter.ts"]],
  use: {
    browserName: "chromium",
    launchOptions: { executablePath: CHROMIUM, args: ARGS },
    navigationTimeout: 15_000,
    actionTimeout: 10_000,
    trace: "retain-on-failure",
  },
  projects: [
    { name: "js", use: { javaScriptEnabled: true } },
    { name: "nojs", use: { javaScriptEnabled: false } },
  ],
});
