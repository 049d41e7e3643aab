import { defineConfig } from "@playwright/test";
import { CHROMIUM, CHROMIUM_ARGS } from "./chromium";
import { APP_URL } from "./pages/urls";

export default defineConfig({
  testDir: "tests",
  globalSetup: "./global-setup.ts",
  // 2-core machine: at most two browsers at once. Override with E2E_WORKERS=1 when debugging.
  workers: Number.parseInt(process.env.E2E_WORKERS ?? "2", 10),
  fullyParallel: true,
  // One retry, and every retried test is named in the summary line's "flaky" count:
  // the test Hydra runs on SQLite, which stalls a write for seconds now and then
  // under two parallel browsers ("database is locked"; the support server's token
  // exchange then times out during sign-in). Set E2E_RETRIES=0 to see them fail.
  retries: Number.parseInt(process.env.E2E_RETRIES ?? "1", 10),
  forbidOnly: Boolean(process.env.CI),
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["./summary-reporter.ts"]],
  use: {
    baseURL: APP_URL,
    browserName: "chromium",
    launchOptions: {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    },
    navigationTimeout: 15_000,
    actionTimeout: 10_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  // Both projects run every flow spec. Each test gets its own fresh browser context
  // (Playwright's default), which is where Hydra's session cookie lives.
  // The axe scan injects a script; in the nojs project it scans the server's rendering
  // in a script-enabled context without the hydration bundle (accessibility.spec.ts).
  // screenshots.spec.ts writes docs/screenshots/ once, from the js project.
  projects: [
    { name: "js", use: { javaScriptEnabled: true } },
    { name: "nojs", use: { javaScriptEnabled: false }, testIgnore: /screenshots\.spec\.ts$/ },
  ],
});
