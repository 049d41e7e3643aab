import { test, expect } from "../fixtures";
import { LogoutPrompt, PROMPT_URL_PREFIX } from "../pages/logout-prompt";
import { type BackchannelRecord, RelyingParty, uniqueRpName } from "../pages/relying-party";
import { HYDRA_PUBLIC_URL } from "../pages/urls";

const BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout";

/** A logout token as OpenID Connect Back-Channel Logout 1.0 and Hydra v2.3 make it. */
function expectLogoutToken(token: BackchannelRecord, clientId: string, sid: string): void {
  expect(token.verification, `${clientId}: ${JSON.stringify(token.verification)}`).toEqual({ ok: true, errors: [] });
  const claims = token.claims ?? {};
  expect(claims.iss).toBe(HYDRA_PUBLIC_URL);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  expect(aud).toContain(clientId);
  expect(claims.sid).toBe(sid);
  expect(Object.keys((claims.events ?? {}) as object)).toContain(BACKCHANNEL_EVENT);
  // A logout token must not be mistaken for an ID token: Hydra sets no exp (and no
  // nonce). `sub` is optional when `sid` is present, so it is not required here.
  expect(claims).not.toHaveProperty("exp");
  expect(claims).not.toHaveProperty("nonce");
}

// Two relying parties share one Hydra session (one browser, the second sign-in skips
// the login). Signing out of A through the prompt ends the session for both: each
// gets a back-channel logout token, B's front-channel logout URI is loaded by
// Hydra's iframe page, and the browser ends on A's post-logout page with A's state.
//
// Without JavaScript, Hydra's front-channel page still works: its iframes load
// without script and its <meta http-equiv="refresh" content="7; URL=…"> moves on
// after 7 s (the JS redirect would be faster). So the nojs project checks the same
// things, it just waits longer.
test("signing out of one relying party signs the user out of both, over both channels", async ({
  page,
  request,
}, testInfo) => {
  test.slow(); // Hydra's front-channel page waits up to 7 s without JavaScript.
  const rpA = new RelyingParty(page, request, uniqueRpName(testInfo, "two-a"));
  const rpB = new RelyingParty(page, request, uniqueRpName(testInfo, "two-b", { frontChannel: true }));

  const signedInA = await rpA.signIn();
  // Hydra remembers the browser: the second sign-in does not ask to log in again
  // and joins the same session (same sid).
  const loginB = await rpB.loginDuring(() => rpB.signIn());
  expect(loginB.skip, "second sign-in reuses Hydra's session (skip: true)").toBe(true);
  await expect(page.locator("#sid")).toHaveText(signedInA.sid);
  const sid = signedInA.sid;

  const { response, state } = await rpA.signOutStart();
  expect(response?.status()).toBe(200);
  expect(page.url().startsWith(PROMPT_URL_PREFIX), `on the prompt: ${page.url()}`).toBe(true);
  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  await expect(prompt.heading).toHaveText(`Sign out of ${rpA.clientName}?`);

  // Hydra serves its front-channel page (iframes to B) before redirecting to A.
  const frontChannelPage = page.waitForResponse(
    (r) => r.url().startsWith(`${HYDRA_PUBLIC_URL}/oauth2/sessions/logout?`) && r.status() === 200,
  );
  const { requests } = await prompt.accept((u) => u.href.startsWith(rpA.loggedOutUrl));
  expect((await frontChannelPage).headers()["content-type"] ?? "").toContain("text/html");
  expect(
    requests.some((u) => u.startsWith(`${rpB.url("frontchannel")}?`)),
    `the browser loaded B's front-channel URI; requests: ${requests.join(", ")}`,
  ).toBe(true);

  // The browser ends on A's post-logout page with A's state.
  expect(page.url()).toBe(`${rpA.loggedOutUrl}?state=${encodeURIComponent(state)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Signed out of ${rpA.clientName}`);
  await expect(rpA.returnedState).toHaveText(state);
  await expect(rpA.stateCheck).toHaveText("issued");

  // Both got a valid back-channel logout token for the session.
  expectLogoutToken(await rpA.waitForBackchannel(10_000), rpA.clientId, sid);
  expectLogoutToken(await rpB.waitForBackchannel(10_000), rpB.clientId, sid);

  // B's front-channel URI got the right iss and sid; only B has one.
  const front = await rpB.waitForFrontchannel(10_000);
  expect(front).toMatchObject({ iss: HYDRA_PUBLIC_URL, sid });
  expect((await rpB.events()).frontchannel).toHaveLength(1);
  expect((await rpA.events()).frontchannel).toEqual([]);

  // B ended its session for that sid (the notification was acted on).
  expect((await rpB.events()).session).toBeNull();
});
