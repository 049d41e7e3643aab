import type { Frame, Response } from "@playwright/test";
import { test, expect } from "../fixtures";
import { FramingPage } from "../pages/framing-page";
import { LogoutPrompt } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { APP_LOGGED_OUT_URL, APP_URL } from "../pages/urls";

// Clickjacking: no page of the app may be shown inside another site's frame, least
// of all the prompt (a hidden frame over a decoy button would sign the user out).
// Every page carries X-Frame-Options: DENY and CSP frame-ancestors 'none'; Chromium
// then replaces the frame's document with its own error page.

/** The security headers every page of the app carries. */
function expectSecurityHeaders(response: Response | null): void {
  expect(response, "a response").not.toBeNull();
  const h = (response as Response).headers();
  expect(h["x-frame-options"]).toBe("DENY");
  const csp = (h["content-security-policy"] ?? "").split(";").map((d) => d.trim());
  expect(csp, `CSP: ${h["content-security-policy"]}`).toContain("frame-ancestors 'none'");
  expect((h["cache-control"] ?? "").split(",").map((d) => d.trim())).toContain("no-store");
  expect(h["referrer-policy"]).toBe("no-referrer");
}

/** The frame shows none of the app's content (Chromium shows its own error page instead). */
async function expectBlocked(frame: Frame, failure: () => string | null): Promise<void> {
  // Refused because of the response's headers, not for any network reason.
  await expect.poll(failure, { message: "the frame's load was blocked by the response" }).toBe(
    "net::ERR_BLOCKED_BY_RESPONSE",
  );
  await expect
    .poll(() => frame.url(), { message: "the frame did not stay on the app's page" })
    .toMatch(/^chrome-error:/);
  expect(frame.url().startsWith(`${APP_URL}/`)).toBe(false);
  await expect(frame.getByRole("heading", { name: /signed out|sign out/i })).toHaveCount(0);
  await expect(frame.getByRole("button")).toHaveCount(0);
}

test("the signed-out page cannot be framed by another site", async ({ page }) => {
  const framer = new FramingPage(page, FramingPage.CROSS_SITE_ORIGIN);
  const { response, frame, failure } = await framer.embed(APP_LOGGED_OUT_URL);
  // The app answered the frame's request (this is not a network failure)…
  expect(response.status()).toBe(200);
  expectSecurityHeaders(response);
  // …and the browser refused to show it.
  await expectBlocked(frame, failure);
});

test("the prompt carries its CSP, CSRF cookie, anti-framing, no-store and no-referrer headers and cannot be framed", async ({
  page,
  request,
}, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "frame"));
  await rp.signIn();
  const { response } = await rp.signOutStart();
  expect(response?.status()).toBe(200);
  expectSecurityHeaders(response);
  // The prompt's own headers: the page CSP (scripts only with this response's nonce)
  // and the CSRF cookie its ticket is bound to. Both travel in Leptos' response
  // options; without the cookie the decision cannot be verified.
  const all = await (response as NonNullable<typeof response>).allHeaders();
  expect(all["content-security-policy"] ?? "", "the prompt's page CSP").toMatch(/script-src 'nonce-[^']+'/);
  expect(all["set-cookie"] ?? "", "the prompt sets the CSRF cookie").toMatch(/(^|\n)logout_csrf=[^;\n]+;[^\n]*HttpOnly/i);
  expect(all["set-cookie"] ?? "").toMatch(/logout_csrf=[^\n]*SameSite=Lax/i);
  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  const promptUrl = page.url();

  // The same live prompt, in the same browser, inside a frame of a same-site page
  // (cookies flow, so it would render with its buttons if framing were allowed).
  const framer = new FramingPage(page, FramingPage.SAME_SITE_ORIGIN);
  const { response: framedResponse, frame, failure } = await framer.embed(promptUrl);
  expect(framedResponse.status()).toBe(200);
  expectSecurityHeaders(framedResponse);
  await expectBlocked(frame, failure);
});
