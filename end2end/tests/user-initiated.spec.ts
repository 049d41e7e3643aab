import { test, expect } from "../fixtures";
import { startUserInitiatedLogout } from "../pages/hydra";
import { LogoutPrompt, PROMPT_URL_PREFIX } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { APP_LOGGED_OUT_URL, HOME_URL, SUPPORT_URL } from "../pages/urls";

// User-initiated logout: the browser opens Hydra's logout endpoint without an
// id_token_hint (e.g. a "sign out" link at the provider). The prompt asks without
// naming an app; the user's choice decides whether Hydra's session ends.

test("user-initiated Sign out ends Hydra's session and shows the app's signed-out page", async ({
  page,
  request,
}, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "op-out"));
  const signedIn = await rp.signIn();

  const response = await startUserInitiatedLogout(page);
  expect(response?.status()).toBe(200);
  expect(page.url().startsWith(PROMPT_URL_PREFIX), `on the prompt: ${page.url()}`).toBe(true);
  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  await expect(prompt.heading).toHaveText("Sign out?");
  await expect(prompt.subject).toHaveText(signedIn.subject);
  // No app: no logo, no app links.
  await expect(prompt.logo).toHaveCount(0);
  await expect(prompt.appLink).toHaveCount(0);

  await prompt.accept((u) => u.href.startsWith(APP_LOGGED_OUT_URL));
  expect(page.url()).toBe(APP_LOGGED_OUT_URL);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("You have signed out");

  // Hydra ended the session: the RP that shared it is notified over the back channel…
  const token = await rp.waitForBackchannel(10_000);
  expect(token.verification, JSON.stringify(token.verification)).toEqual({ ok: true, errors: [] });
  expect(token.claims?.sid).toBe(signedIn.sid);

  // …and the next authorization request has to log in again.
  const login = await rp.loginDuring(async () => {
    await page.goto(`${SUPPORT_URL}/rp/${rp.name}/start`);
    await expect(rp.subject).toHaveText("alice");
  });
  expect(login.skip, "Hydra asked to log in again (skip: false)").toBe(false);
  expect(login.session_id).not.toBe(signedIn.sid);
});

test("user-initiated Stay signed in keeps Hydra's session and goes to HOME_URL", async ({
  page,
  request,
}, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "op-stay"));
  const signedIn = await rp.signIn();

  await startUserInitiatedLogout(page);
  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  await expect(prompt.heading).toHaveText("Sign out?");

  // No relying party and no client to return to: the operator's HOME_URL.
  const { submission } = await prompt.reject((u) => u.href === HOME_URL);
  if (testInfo.project.use.javaScriptEnabled === false) {
    const answer = await submission.response();
    expect(answer?.status()).toBe(303);
    expect(answer?.headers()["location"]).toBe(HOME_URL);
  }
  expect(page.url()).toBe(HOME_URL);

  // Nothing was signed out.
  await rp.expectNoBackchannel(3_000);
  const login = await rp.loginDuring(async () => {
    await page.goto(`${SUPPORT_URL}/rp/${rp.name}/start`);
    await expect(rp.subject).toHaveText("alice");
  });
  expect(login.skip, "Hydra still had the session (skip: true)").toBe(true);
  expect(login.session_id).toBe(signedIn.sid);
});
