import { execFileSync } from "node:child_process";
import path from "node:path";
import type { FullConfig } from "@playwright/test";

/** The repository root (this file lives in end2end/). */
const ROOT = path.resolve(__dirname, "..");
const APP_ALIVE_URL = "http://127.0.0.1:3000/health/alive";
const APP_WAIT_MS = 30_000;

function run(script: string): void {
  // Both scripts are idempotent and wait for readiness themselves (bounded).
  // hydra.sh may build Hydra first on a cold machine (~3 min), hence the generous timeout.
  execFileSync(path.join(ROOT, script), ["start"], {
    cwd: ROOT,
    stdio: "inherit",
    env: process.env,
    timeout: 10 * 60_000,
  });
}

async function waitForApp(): Promise<void> {
  const deadline = Date.now() + APP_WAIT_MS;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(APP_ALIVE_URL, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String((err as Error & { cause?: { code?: string } }).cause?.code ?? err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `hydra-logout-ui is not answering at ${APP_ALIVE_URL} after ${APP_WAIT_MS / 1000} s (${last}). ` +
      "Run the suite with `cargo leptos end-to-end --release` (or start the app first).",
  );
}

export default async function globalSetup(_config: FullConfig): Promise<void> {
  run("scripts/hydra.sh");
  run("scripts/support.sh");
  await waitForApp();
  // Hydra and the support server are left running: the caller's script stops them.
}
