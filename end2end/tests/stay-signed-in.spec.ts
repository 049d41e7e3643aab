import { test, expect } from "../fixtures";
import { LogoutPrompt, PROMPT_URL_PREFIX } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { HYDRA_PUBLIC_URL, SUPPORT_URL } from "../pages/urls";

// RP-initiated logout, "Stay signed in": the browser goes straight back to the RP's
// post_logout_redirect_uri with its state, no logout happens at Hydra (no back-channel
// token), and Hydra's session survives (the next authorization request skips login).
test("Stay signed in returns to the relying party and keeps Hydra's session", async ({ page, request, bundle }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "stay"));

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
  await expect(prompt.subject).toHaveText(signedIn.subject);

  const { submission, requests } = await prompt.reject((u) => u.href.startsWith(rp.loggedOutUrl));
  testInfo.annotations.push({ type: "submission", description: `${submission.resourceType()} ${submission.method()}` });
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
    "no request to Hydra's public endpoint after Stay signed in",
  ).toEqual([]);

  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Signed out of ${rp.clientName}`);
  await expect(rp.returnedState).toHaveText(state);
  await expect(rp.stateCheck).toHaveText("issued");

  // No logout happened at Hydra: no back-channel token arrives.
  await rp.expectNoBackchannel(3_000);

  // Hydra's session survived: a new authorization request skips the login.
  const login = await rp.loginDuring(async () => {
    await page.goto(`${SUPPORT_URL}/rp/${rp.name}/start`);
    await expect(rp.subject).toHaveText("alice");
  });
  expect(login.skip, "Hydra still had the session (skip: true)").toBe(true);
  expect(login.subject).toBe("alice");
  expect(login.session_id).toBe(signedIn.sid);
  await expect(page.locator("#sid")).toHaveText(signedIn.sid);
});
