import { test, expect } from "../fixtures";
import { startUserInitiatedLogout } from "../pages/hydra";
import { LogoutPrompt, PROMPT_URL_PREFIX, englishLabels } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { APP_LOGGED_OUT_URL, HOME_URL, HYDRA_LOGOUT_URL, SUPPORT_URL } from "../pages/urls";

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
  const prompt = new LogoutPrompt(page, englishLabels());
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

test("user-initiated Cancel keeps Hydra's session and goes to HOME_URL", async ({
  page,
  request,
}, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "op-stay"));
  const signedIn = await rp.signIn();

  await startUserInitiatedLogout(page);
  const prompt = new LogoutPrompt(page, englishLabels());
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

// Hydra accepts its logout endpoint by POST and reads the body before the query,
// but keeps only the query as request_url. A page on another origin posts empty
// parameters in the body and an attacker's address in the query: Hydra creates a
// valid user-initiated request whose request_url names that address. Cancel must
// never go there (it goes to HOME_URL), and Sign out ends at Hydra's own target.
test("a return address smuggled into request_url by a POST is never used", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "op-smuggle"));
  const signedIn = await rp.signIn();

  const evil = "http://evil.test/phish";
  const action = `${HYDRA_LOGOUT_URL}?${new URLSearchParams({ post_logout_redirect_uri: evil, state: "x" })}`;
  const visited: string[] = [];
  page.on("request", (r) => visited.push(r.url()));
  // A plain form on the support server's origin (works with and without JavaScript).
  await page.goto(
    `${SUPPORT_URL}/support/form?${new URLSearchParams({
      action,
      "field.post_logout_redirect_uri": "",
      "field.state": "",
    })}`,
  );
  await page.locator("#submit").click();
  await expect(page).toHaveURL((u) => u.href.startsWith(PROMPT_URL_PREFIX));

  const prompt = new LogoutPrompt(page, englishLabels());
  await prompt.ready();
  await expect(prompt.heading).toHaveText("Sign out?");
  await expect(prompt.subject).toHaveText(signedIn.subject);
  await expect(page.locator("body")).not.toContainText("evil.test");

  const { submission } = await prompt.reject((u) => u.href === HOME_URL);
  if (testInfo.project.use.javaScriptEnabled === false) {
    const answer = await submission.response();
    expect(answer?.status()).toBe(303);
    expect(answer?.headers()["location"]).toBe(HOME_URL);
  }
  expect(page.url()).toBe(HOME_URL);
  // (Its URL appears in the query of the form page and of Hydra's endpoint; no
  // request may go to its host.)
  expect(
    visited.filter((u) => new URL(u).hostname === "evil.test"),
    "no request to the smuggled address",
  ).toEqual([]);
  await rp.expectNoBackchannel(1_500);
});
