import { test, expect } from "../fixtures";
import { LogoutPrompt, PROMPT_URL_PREFIX } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { HYDRA_PUBLIC_URL, SUPPORT_URL } from "../pages/urls";

// RP-initiated logout, "Sign out": Hydra completes the logout, notifies the RP over
// the back channel, returns the browser to the RP with its state, and forgets the
// session (the next authorization request asks to log in again).
test("Sign out ends Hydra's session and returns to the relying party", async ({ page, request, bundle }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "out"));

  const signedIn = await rp.signIn();

  const { response, state } = await rp.signOutStart();
  expect(response?.status()).toBe(200);
  expect(page.url().startsWith(PROMPT_URL_PREFIX), `on the prompt: ${page.url()}`).toBe(true);

  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  if (testInfo.project.use.javaScriptEnabled !== false) {
    expect(bundle.wasmLoaded(), "the hydration bundle (.wasm) was loaded").toBe(true);
  }
  await expect(prompt.heading).toHaveText(`Sign out of ${rp.clientName}?`);
  await expect(prompt.heading).toContainText("Sample App E2e-");
  await expect(prompt.subject).toHaveText(signedIn.subject);
  await expect(prompt.form).toHaveCount(1);

  const { submission, requests } = await prompt.accept((u) => u.href.startsWith(rp.loggedOutUrl));
  testInfo.annotations.push({ type: "submission", description: `${submission.resourceType()} ${submission.method()}` });
  if (testInfo.project.use.javaScriptEnabled === false) {
    // A plain form post: the app answers 303 to Hydra's logout endpoint (with the verifier).
    const answer = await submission.response();
    expect(answer?.status()).toBe(303);
    expect(answer?.headers()["location"] ?? "").toMatch(
      new RegExp(`^${HYDRA_PUBLIC_URL.replace(/\./g, "\\.")}/oauth2/sessions/logout\\?`),
    );
  }
  // The browser went through Hydra to complete the logout, then to the RP.
  expect(
    requests.some((u) => u.startsWith(`${HYDRA_PUBLIC_URL}/oauth2/sessions/logout?`) && u.includes("logout_verifier=")),
    `Hydra's logout endpoint was visited with a logout_verifier; requests: ${requests.join(", ")}`,
  ).toBe(true);

  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Signed out of ${rp.clientName}`);
  await expect(rp.returnedState).toHaveText(state);
  await expect(rp.stateCheck).toHaveText("issued");
  expect(new URL(page.url()).searchParams.get("state")).toBe(state);

  // Hydra completed the logout: the RP got a valid back-channel logout token for the session.
  const token = await rp.waitForBackchannel(10_000);
  expect(token.verification, JSON.stringify(token.verification)).toEqual({ ok: true, errors: [] });
  expect(token.claims?.sid).toBe(signedIn.sid);

  // Hydra forgot the session: a new authorization request has to log in again.
  const login = await rp.loginDuring(async () => {
    await page.goto(`${SUPPORT_URL}/rp/${rp.name}/start`);
    await expect(rp.subject).toHaveText("alice");
  });
  expect(login.skip, "Hydra asked to log in again (skip: false)").toBe(false);
  expect(login.session_id).not.toBe(signedIn.sid);
});
