import { expect, test } from "@playwright/test";
import { rpName, signInAndStartLogout, startUserInitiatedLogout, TLS, Traffic } from "./deployment";

// The app behind a TLS-terminating proxy: browsers use https://127.0.0.1:8443 (a certificate
// made for this run and trusted by this browser by its key hash), the app itself speaks plain
// http on :3051. PUBLIC_URL=https://127.0.0.1:8443/ decides that the CSRF cookie is
// `__Host-logout_csrf; Secure; Path=/` and HSTS_MAX_AGE adds Strict-Transport-Security —
// configuration, not a guess from the request. Runs in the js and nojs projects.

test("over https the __Host- cookie carries the decision through", async ({ page, context }, testInfo) => {
  const traffic = new Traffic(page, TLS);
  const rp = rpName(testInfo, "out");
  const prompt = page.waitForResponse((r) => r.url().startsWith(`${TLS.publicUrl}/logout?`));
  await signInAndStartLogout(page, TLS, rp);
  const response = await prompt;
  expect(response.headers()["strict-transport-security"]).toBe("max-age=600; includeSubDomains");
  expect((await response.allHeaders())["set-cookie"] ?? "").toMatch(/^__Host-logout_csrf=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
  // A trusted certificate: the page is a secure context (with Playwright's ignoreHTTPSErrors it
  // would not be). Evaluated only where scripts run.
  if (testInfo.project.name === "js") {
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
  }
  const security = await response.securityDetails();
  expect(security?.protocol, "served over TLS").toMatch(/^TLS/);

  const cookie = (await context.cookies(TLS.publicUrl)).find((c) => c.name === "__Host-logout_csrf");
  expect(cookie, "the browser kept the __Host- cookie").toBeTruthy();
  expect(cookie?.secure).toBe(true);
  expect(cookie?.path).toBe("/");
  expect((await context.cookies(TLS.publicUrl)).some((c) => c.name === "logout_csrf")).toBe(false);

  await page.waitForLoadState("networkidle");
  const posted = page.waitForRequest((r) => r.method() === "POST");
  await page.locator("#accept").click();
  const post = await posted;
  expect(post.url()).toBe(`${TLS.publicUrl}/api/logout/decide`);
  expect((await post.allHeaders()).cookie ?? "", "the decision carries the __Host- cookie").toContain("__Host-logout_csrf=");
  await page.waitForURL(`${TLS.supportUrl}/rp/${rp}/logged-out?**`);
  await expect(page.locator("#state-check")).toHaveText("issued");
  expect(traffic.failures()).toEqual([]);
  expect(traffic.consoleErrors).toEqual([]);
});

test("over https staying signed in ends on our page", async ({ page }, testInfo) => {
  const rp = rpName(testInfo, "stay");
  await startUserInitiatedLogout(page, TLS, rp);
  await page.waitForLoadState("networkidle");
  await page.locator("#reject").click();
  await page.waitForURL(`${TLS.publicUrl}/stayed`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You are still signed in");
});
