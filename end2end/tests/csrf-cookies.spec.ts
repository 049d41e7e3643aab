import { test, expect } from "../fixtures";
import { LogoutPrompt, PROMPT_URL_PREFIX } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";

// CSRF cookie edge cases in a real browser (SECURITY.md row 21). The prompt sets
// `logout_csrf` for Path=/; the decision must still work when another cookie of the
// same name was planted for a more specific path (Chromium sends that one first on
// /api/…), and a decision whose cookie is gone must lead back to the prompt for the
// same sign-out, never to a dead end.

test("a logout_csrf cookie planted for /api does not block Sign out", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "plant"));
  await rp.signIn();
  await rp.signOutStart();
  const prompt = new LogoutPrompt(page);
  await prompt.ready();

  await page.context().addCookies([
    { name: "logout_csrf", value: "x", domain: "127.0.0.1", path: "/api", httpOnly: true, sameSite: "Lax" },
  ]);
  const { submission } = await prompt.accept((u) => u.href.startsWith(rp.loggedOutUrl));
  // Both cookies were sent with the decision.
  const sent = (await submission.allHeaders())["cookie"] ?? "";
  expect(sent).toContain("logout_csrf=x");
  expect(sent.match(/logout_csrf=/g)?.length).toBe(2);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Signed out of ${rp.clientName}`);
});

test("a decision whose CSRF cookie is gone leads back to the prompt, then works", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "nocookie"));
  await rp.signIn();
  await rp.signOutStart();
  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  const firstUrl = page.url();

  // The cookie expired or was cleared while the prompt stood open.
  await page.context().clearCookies({ name: "logout_csrf" });
  await prompt.accept((u) => u.href.startsWith(PROMPT_URL_PREFIX) && u.searchParams.get("failed") === "1");
  // The same sign-out, asking again, with a fresh cookie.
  expect(new URL(page.url()).searchParams.get("logout_challenge")).toBe(
    new URL(firstUrl).searchParams.get("logout_challenge"),
  );
  await prompt.ready();
  await expect(page.getByRole("alert").filter({ hasText: "Please try again" })).toBeVisible();
  const cookies = await page.context().cookies();
  expect(cookies.map((c) => c.name)).toContain("logout_csrf");

  await prompt.accept((u) => u.href.startsWith(rp.loggedOutUrl));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Signed out of ${rp.clientName}`);
});
