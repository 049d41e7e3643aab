import type { Page, Response } from "@playwright/test";
import { test, expect } from "../fixtures";
import { startUserInitiatedLogout } from "../pages/hydra";
import { LogoutPrompt, PROMPT_URL_PREFIX } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { allowlistedRpName, DECIDE_URL } from "../pages/urls";

/** Records every response of the app's prompt URL and every request to the decision endpoint. */
function watchPrompt(page: Page): { prompts: Response[]; decisions: string[] } {
  const seen = { prompts: [] as Response[], decisions: [] as string[] };
  page.on("response", (r) => {
    if (r.url().startsWith(PROMPT_URL_PREFIX)) seen.prompts.push(r);
  });
  page.on("request", (r) => {
    if (r.url().startsWith(DECIDE_URL)) seen.decisions.push(r.url());
  });
  return seen;
}

/**
 * RP-initiated logout of a client that skips the question: Hydra sends the browser
 * to the app's /logout, which answers with a redirect (no page), and the browser
 * runs straight through Hydra to the RP's post-logout page.
 */
async function expectSilentSignOut(page: Page, rp: RelyingParty, sid: string): Promise<void> {
  const seen = watchPrompt(page);
  const { state } = await rp.signOutStart();

  // The app was asked (Hydra always goes through urls.logout), but only redirected.
  expect(seen.prompts.length, "Hydra sent the browser to the app's /logout").toBeGreaterThan(0);
  for (const r of seen.prompts) {
    expect([302, 303], `the app's /logout answered with a redirect, not a page (${r.status()})`).toContain(
      r.status(),
    );
  }
  expect(seen.decisions, "no decision was posted").toEqual([]);

  // The browser ends on the RP's post-logout page with its state; no prompt in between.
  expect(page.url()).toBe(`${rp.loggedOutUrl}?state=${encodeURIComponent(state)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Signed out of ${rp.clientName}`);
  await expect(rp.returnedState).toHaveText(state);
  await expect(rp.stateCheck).toHaveText("issued");
  await expect(new LogoutPrompt(page).acceptButton).toHaveCount(0);

  // Hydra really completed the logout.
  const token = await rp.waitForBackchannel(10_000, sid);
  expect(token.verification, JSON.stringify(token.verification)).toEqual({ ok: true, errors: [] });
}

test("a client with skip_logout_consent: true is signed out without a prompt", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "skip"));
  const signedIn = await rp.signIn("alice", { skip_logout_consent: true });
  await expectSilentSignOut(page, rp, signedIn.sid);
});

// The app runs with SKIP_LOGOUT_CONSENT_CLIENTS=rp-allowlisted-js,rp-allowlisted-nojs:
// fixed client ids, one per project. The client itself says skip_logout_consent:
// false here, so only the allow-list can explain a skipped prompt. Events of
// earlier runs may remain on this fixed-name RP, so tokens are matched by sid.
test("a client in SKIP_LOGOUT_CONSENT_CLIENTS is signed out without a prompt", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, allowlistedRpName(testInfo.project.name));
  const signedIn = await rp.signIn("alice", { skip_logout_consent: false });
  await expectSilentSignOut(page, rp, signedIn.sid);
});

// Skipping applies to RP-initiated logouts only: a user-initiated logout could be
// triggered by any page linking to Hydra, so it is always confirmed.
test("a user-initiated logout still asks, even for a user of a skipping client", async ({
  page,
  request,
}, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "skip-op"));
  await rp.signIn("alice", { skip_logout_consent: true });

  const seen = watchPrompt(page);
  const response = await startUserInitiatedLogout(page);
  expect(response?.status()).toBe(200);
  expect(page.url().startsWith(PROMPT_URL_PREFIX), `on the prompt: ${page.url()}`).toBe(true);
  expect(seen.prompts.map((r) => r.status())).toEqual([200]);
  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  await expect(prompt.heading).toHaveText("Sign out?");
  await expect(prompt.acceptButton).toBeVisible();
  await expect(prompt.rejectButton).toBeVisible();
  expect(seen.decisions).toEqual([]);
  await rp.expectNoBackchannel(1_000);
});
