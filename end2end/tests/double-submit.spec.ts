import type { Response } from "@playwright/test";
import { test, expect } from "../fixtures";
import { AppErrorPage, LogoutPrompt } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { APP_URL, DECIDE_URL, HYDRA_PUBLIC_URL } from "../pages/urls";

// Double submits and resubmits are harmless (README, "What users see").

test("while a hydrated decision is in flight both buttons are disabled, then the flow completes", async ({
  page,
  request,
  bundle,
}, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled === false, "disabling the buttons is done by the hydrated page");
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "inflight"));
  const signedIn = await rp.signIn();
  const { state } = await rp.signOutStart();
  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  expect(bundle.wasmLoaded(), "the hydration bundle (.wasm) was loaded").toBe(true);

  // Hold the decision for a second so the in-flight state can be observed.
  const decisions: string[] = [];
  await page.route(DECIDE_URL, async (route) => {
    decisions.push(route.request().method());
    await new Promise((r) => setTimeout(r, 1_000));
    await route.continue();
  });
  const released = page.waitForResponse((r) => r.url() === DECIDE_URL);
  await prompt.acceptButton.click();
  await expect(prompt.acceptButton).toBeDisabled({ timeout: 900 });
  await expect(prompt.rejectButton).toBeDisabled({ timeout: 900 });
  await expect(prompt.acceptButton).toHaveAttribute("disabled");
  await expect(prompt.rejectButton).toHaveAttribute("disabled");
  // A second click on the disabled button sends nothing more.
  await prompt.acceptButton.click({ force: true }).catch(() => {});
  expect((await released).status()).toBeLessThan(400);

  // The flow then completes as usual.
  await page.waitForURL((u) => u.href.startsWith(rp.loggedOutUrl));
  await expect(rp.returnedState).toHaveText(state);
  expect(decisions, "exactly one decision was posted").toEqual(["POST"]);
  const token = await rp.waitForBackchannel(10_000);
  expect(token.claims?.sid).toBe(signedIn.sid);
});

test("going back to the prompt after signing out continues, without an error", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "back"));
  await rp.signIn();
  const { state } = await rp.signOutStart();
  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  const promptUrl = page.url();
  await prompt.accept((u) => u.href.startsWith(rp.loggedOutUrl));
  await expect(rp.returnedState).toHaveText(state);
  await rp.waitForBackchannel(10_000);

  // Back to the prompt's URL (Cache-Control: no-store, so the browser asks the app again).
  const responses: Response[] = [];
  page.on("response", (r) => {
    if (r.request().isNavigationRequest() && r.request().frame() === page.mainFrame()) responses.push(r);
  });
  await page.goBack();
  await page.waitForURL((u) => u.href.startsWith(rp.loggedOutUrl) || u.href.startsWith(APP_URL));
  await page.waitForLoadState("load");

  const statuses = responses.map((r) => `${r.status()} ${r.url().split("?")[0]}`);
  const again = responses.find((r) => r.url() === promptUrl);
  expect(again, `the browser asked the app for the prompt again: ${statuses.join(", ")}`).toBeDefined();
  // Hydra says the request is completed (410): the app sends the user on to Hydra.
  expect([302, 303], `app answered ${again?.status()}`).toContain(again?.status());
  expect(again?.headers()["location"] ?? "").toMatch(new RegExp(`^${HYDRA_PUBLIC_URL.replace(/\./g, "\\.")}/`));
  expect(responses.filter((r) => r.status() >= 500), `no server error: ${statuses.join(", ")}`).toEqual([]);

  // …and Hydra, the session being gone, on to the RP's post-logout page.
  await page.waitForURL((u) => u.href.startsWith(rp.loggedOutUrl));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Signed out of ${rp.clientName}`);
  await expect(new AppErrorPage(page).heading).toHaveCount(0);
  await expect(prompt.acceptButton).toHaveCount(0);
});
