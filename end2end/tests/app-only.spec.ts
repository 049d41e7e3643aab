import { test, expect } from "../fixtures";
import { LogoutPrompt, PROMPT_URL_PREFIX, englishLabels } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { HYDRA_PUBLIC_URL, SUPPORT_URL } from "../pages/urls";

// RP-initiated logout, "Sign out of {App} only": the app has already dropped its own
// session; the single sign-on session is kept. The browser goes straight back to the
// app's registered post_logout_redirect_uri with its state, Hydra runs no logout (no
// back-channel token to any app), and another app in the same browser stays signed in
// without logging in again.
test("Sign out of {App} only returns to the app and keeps the single sign-on session", async ({
  page,
  request,
  bundle,
}, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "only"));
  const other = new RelyingParty(page, request, uniqueRpName(testInfo, "only-other"));

  const signedIn = await rp.signIn();
  const otherSignedIn = await other.signIn();
  expect(otherSignedIn.sid, "one browser, one Hydra session").toBe(signedIn.sid);

  const { response, state } = await rp.signOutStart();
  expect(response?.status()).toBe(200);
  expect(page.url().startsWith(PROMPT_URL_PREFIX), `on the prompt: ${page.url()}`).toBe(true);

  const prompt = new LogoutPrompt(page, englishLabels(rp.clientName));
  await prompt.ready();
  if (testInfo.project.use.javaScriptEnabled !== false) {
    expect(bundle.wasmLoaded(), "the hydration bundle (.wasm) was loaded").toBe(true);
  }
  await expect(prompt.heading).toHaveText(`Sign out of ${rp.clientName}?`);
  await expect(prompt.subject).toHaveText(signedIn.subject);
  await expect(prompt.explanation).toContainText("Sign out everywhere");
  await expect(prompt.explanation).toContainText(`Sign out of ${rp.clientName} only`);

  const { submission, requests } = await prompt.reject((u) => u.href.startsWith(rp.loggedOutUrl));
  testInfo.annotations.push({ type: "submission", description: `${submission.resourceType()} ${submission.method()}` });
  expect(new URLSearchParams(submission.postData() ?? "").get("decision")).toBe("reject");
  const expectedReturn = `${rp.loggedOutUrl}?state=${encodeURIComponent(state)}`;
  if (testInfo.project.use.javaScriptEnabled === false) {
    // A plain form post: the app answers 303 directly to the RP's return URL.
    const answer = await submission.response();
    expect(answer?.status()).toBe(303);
    expect(answer?.headers()["location"]).toBe(expectedReturn);
  }
  expect(page.url()).toBe(expectedReturn);
  // Directly: Hydra was not involved after the click.
  expect(
    requests.filter((u) => u.startsWith(`${HYDRA_PUBLIC_URL}/`)),
    "no request to Hydra's public endpoint after Sign out of {App} only",
  ).toEqual([]);

  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Signed out of ${rp.clientName}`);
  await expect(rp.returnedState).toHaveText(state);
  await expect(rp.stateCheck).toHaveText("issued");

  // No logout happened at Hydra: no back-channel token reaches either app.
  await rp.expectNoBackchannel(3_000);
  await other.expectNoBackchannel(500);

  // The other app is still signed in, in the same session.
  await page.goto(`${SUPPORT_URL}/rp/${other.name}/`);
  await expect(other.subject).toHaveText("alice");
  await expect(page.locator("#sid")).toHaveText(signedIn.sid);

  // Hydra's session survived: a new authorization request skips the login.
  const login = await rp.loginDuring(async () => {
    await page.goto(`${SUPPORT_URL}/rp/${rp.name}/start`);
    await expect(rp.subject).toHaveText("alice");
  });
  expect(login.skip, "Hydra still had the session (skip: true)").toBe(true);
  expect(login.subject).toBe("alice");
  expect(login.session_id).toBe(signedIn.sid);
});

// "Sign out everywhere" for comparison: both apps of the session are notified.
test("Sign out everywhere ends the session for every app", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "everywhere"));
  const other = new RelyingParty(page, request, uniqueRpName(testInfo, "everywhere-other"));
  const signedIn = await rp.signIn();
  await other.signIn();

  const { state } = await rp.signOutStart();
  const prompt = new LogoutPrompt(page, englishLabels(rp.clientName));
  await prompt.ready();
  await prompt.accept((u) => u.href.startsWith(rp.loggedOutUrl));
  expect(page.url()).toBe(`${rp.loggedOutUrl}?state=${encodeURIComponent(state)}`);

  for (const app of [rp, other]) {
    const token = await app.waitForBackchannel(10_000, signedIn.sid);
    expect(token.verification, JSON.stringify(token.verification)).toEqual({ ok: true, errors: [] });
  }
  const login = await other.loginDuring(async () => {
    await page.goto(`${SUPPORT_URL}/rp/${other.name}/start`);
    await expect(other.subject).toHaveText("alice");
  });
  expect(login.skip, "Hydra asked to log in again (skip: false)").toBe(false);
});

// OpenID Connect RP-Initiated Logout 1.0 §2: a client_id that is not the ID token's
// client makes the request inconsistent. Neither button is offered; nothing is
// signed out; no relying-party address is visited.
test("a client_id that contradicts the ID token gets a 400 page and keeps the session", async ({
  page,
  request,
}, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "mismatch"));
  const signedIn = await rp.signIn();

  const visited: string[] = [];
  page.on("request", (r) => visited.push(r.url()));
  const { response } = await rp.signOutStart({ client_id: "rp-someone-else" });
  expect(response?.status()).toBe(400);
  await expect(page.locator("h1[data-error=inconsistent]")).toHaveText("Sign-out link inconsistent");
  await expect(page.locator("form button")).toHaveCount(0);
  expect(
    visited.filter((u) => u.startsWith(rp.loggedOutUrl)),
    "no redirect to the relying party's post-logout address",
  ).toEqual([]);

  await rp.expectNoBackchannel(1_500);
  const login = await rp.loginDuring(async () => {
    await page.goto(`${SUPPORT_URL}/rp/${rp.name}/start`);
    await expect(rp.subject).toHaveText("alice");
  });
  expect(login.skip, "Hydra still had the session (skip: true)").toBe(true);
  expect(login.session_id).toBe(signedIn.sid);
});
