import { defineConfig } from "@playwright/test";
import { CHROMIUM, CHROMIUM_ARGS } from "./chromium";

// Deployment tests (scripts/deploy-test.sh starts Hydra, the app and the proxies first).
// Same Chromium and flags as playwright.config.ts; the TLS project additionally trusts the
// run's self-signed certificate by its public-key hash (DEPLOY_TLS_SPKI, set by the script).
// That flag makes Chromium accept the certificate as valid, so the page is a secure context,
// unlike Playwright's ignoreHTTPSErrors, which only skips the error and leaves the page
// "Not secure". Chromium honours it only with a --user-data-dir, which Playwright always passes.
const SPKI = process.env.DEPLOY_TLS_SPKI ?? "";

const ARGS = [...CHROMIUM_ARGS, ...(SPKI ? [`--ignore-certificate-errors-spki-list=${SPKI}`] : [])];

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
