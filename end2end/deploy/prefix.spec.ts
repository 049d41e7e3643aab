import { expect, test, type Page, type Request } from "@playwright/test";
import { escape, PREFIX, rpName, signInAndStartLogout, startUserInitiatedLogout, Traffic } from "./deployment";

// The app behind a reverse proxy that mounts it under /auth/ and strips the prefix
// (PUBLIC_URL=http://127.0.0.1:3052/auth/, Hydra urls.logout = …/auth/logout). The proxy
// answers 404 for anything outside /auth/, so every URL the app generates — assets, brand
// stylesheet, form action, the island's fetch, redirects to its own pages, the cookie path —
// must carry the prefix for these tests to pass. Two replicas behind the proxy (GETs to one,
// POSTs to the other; from the container image when podman works here). Runs in the js and
// nojs projects.

const BASE = new URL(PREFIX.publicUrl).pathname; // "/auth"

async function ready(page: Page): Promise<void> {
  await page.waitForLoadState("load");
  await page.waitForLoadState("networkidle");
  await expect(page.locator("#accept")).toBeEnabled();
}

async function submit(page: Page, button: "#accept" | "#reject"): Promise<Request> {
  const posted = page.waitForRequest((r) => r.method() === "POST");
  await page.locator(button).click();
  return posted;
}

test("the prompt, its assets and the decision all live under the prefix", async ({ page, context }, testInfo) => {
  const traffic = new Traffic(page, PREFIX);
  const rp = rpName(testInfo, "out");
  await signInAndStartLogout(page, PREFIX, rp);
  await ready(page);

  await expect(page.locator("form[method=post]")).toHaveAttribute("action", `${BASE}/api/logout/decide`);
  const sheets = await page.locator("link[rel=stylesheet]").evaluateAll((ls) => ls.map((l) => l.getAttribute("href")));
  expect(sheets).toEqual([`${BASE}/pkg/hydra-logout-ui.css`, `${BASE}/brand.css`]);
  const cookie = (await context.cookies(PREFIX.publicUrl)).find((c) => c.name === "logout_csrf");
  expect(cookie, "the CSRF cookie is set").toBeTruthy();
  expect(cookie?.path, "the CSRF cookie is scoped to the base path").toBe(BASE);
  expect(cookie?.httpOnly).toBe(true);

  if (testInfo.project.name === "js") {
    const wasm = traffic.responses.find((r) => /\.wasm$/.test(new URL(r.url()).pathname));
    expect(wasm?.url(), "the hydration bundle is fetched under the prefix").toMatch(
      new RegExp(`^${escape(PREFIX.publicUrl)}/pkg/`),
    );
    expect(wasm?.status()).toBe(200);
  }

  const decided = page.waitForResponse((r) => r.request().method() === "POST");
  const post = await submit(page, "#accept");
  expect(post.url()).toBe(`${PREFIX.publicUrl}/api/logout/decide`);
  // The proxy sends GETs to one replica and POSTs to the other.
  const promptReplica = traffic.responses.find((r) => new URL(r.url()).pathname === `${BASE}/logout`)?.headers()["x-replica"];
  const decisionReplica = (await decided).headers()["x-replica"];
  expect(promptReplica && decisionReplica && promptReplica !== decisionReplica, `prompt from ${promptReplica}, decision on ${decisionReplica}`).toBe(true);
  expect(post.resourceType(), "hydrated: fetch; without JS: the form itself").toBe(
    testInfo.project.name === "js" ? "fetch" : "document",
  );
  await page.waitForURL(`${PREFIX.supportUrl}/rp/${rp}/logged-out?**`);
  await expect(page.locator("#state-check")).toHaveText("issued");

  expect(traffic.outsideBasePath(), "nothing requested outside /auth/").toEqual([]);
  expect(traffic.failures(), "no 4xx/5xx from the app's origin").toEqual([]);
  expect(traffic.consoleErrors).toEqual([]);
});

test("staying signed in without a return address lands on our page under the prefix", async ({ page }, testInfo) => {
  const traffic = new Traffic(page, PREFIX);
  const rp = rpName(testInfo, "stay");
  // User-initiated (no relying party) and no HOME_URL: "Stay signed in" ends on /stayed.
  await startUserInitiatedLogout(page, PREFIX, rp);
  await ready(page);
  await submit(page, "#reject");
  await page.waitForURL(`${PREFIX.publicUrl}/stayed`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You are still signed in");
  expect(traffic.outsideBasePath()).toEqual([]);
  expect(traffic.failures()).toEqual([]);
});

test("a failed decision without JavaScript returns to the prompt under the prefix", async ({ page, context }, testInfo) => {
  test.skip(testInfo.project.name === "js", "the no-JS failure path");
  const rp = rpName(testInfo, "fail");
  await signInAndStartLogout(page, PREFIX, rp);
  await ready(page);
  // The cookie is gone: the ticket does not open for this browser, and the plain post
  // is sent back to the prompt for the same sign-out (issue 11), under the prefix.
  await context.clearCookies({ name: "logout_csrf" });
  await submit(page, "#accept");
  await page.waitForURL(
    (u) => u.href.startsWith(`${PREFIX.publicUrl}/logout?logout_challenge=`) && u.searchParams.get("failed") === "1",
  );
  await expect(page.getByRole("alert").filter({ hasText: "Please try again" })).toBeVisible();
});
