import { test, expect } from "../fixtures";
import { escapeHtml, ForeignSite } from "../pages/foreign-site";
import { AppErrorPage, LogoutPrompt } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { APP_URL, DECIDE_URL, SUPPORT_URL } from "../pages/urls";

// Cross-site request forgery against the decision endpoint. The victim has reached
// the prompt in their own browser (so they hold the app's CSRF cookie and Hydra has
// a pending logout request); the attacker learned the form's ticket somehow (here:
// read from the page) and makes the victim's browser post "accept" from another
// origin. The app must refuse — 303 to /error?error=forbidden, a 403 page — and
// Hydra's session must survive.
//
// The attacker page is served by Playwright's routing. With JavaScript it submits
// itself, as a real attack would; the nojs project has no script, so Playwright
// clicks the page's submit button (the browser still sends a cross-site form post).

function attackerPage(ticket: string, autoSubmit: boolean): string {
  return `<!doctype html><html><head><title>Win a prize</title></head><body>
<form method="post" action="${DECIDE_URL}">
<input type="hidden" name="ticket" value="${escapeHtml(ticket)}">
<input type="hidden" name="decision" value="accept">
<button type="submit" id="claim">Claim your prize</button>
</form>
${autoSubmit ? "<script>document.forms[0].submit()</script>" : ""}
</body></html>`;
}

for (const target of [
  // Another site: the SameSite=Lax cookie stays home, so two defences apply.
  { title: "a cross-site page", origin: "http://attacker.test", tag: "csrf-x", cookieSent: false },
  // Same site, another origin: the cookie is sent and the ticket would open, so
  // only the fetch-metadata / Origin check stands in the way.
  { title: "a same-site page on another port", origin: "http://127.0.0.1:5599", tag: "csrf-s", cookieSent: true },
]) {
  test(`a forged Sign out from ${target.title} is refused and the session survives`, async ({
    page,
    request,
  }, testInfo) => {
    const rp = new RelyingParty(page, request, uniqueRpName(testInfo, target.tag));
    const signedIn = await rp.signIn();
    await rp.signOutStart();
    const prompt = new LogoutPrompt(page);
    await prompt.ready();
    const ticket = await prompt.ticket();
    // The victim holds the app's CSRF cookie.
    const cookies = await page.context().cookies(APP_URL);
    expect(cookies.map((c) => c.name)).toContain("logout_csrf");

    const attacker = new ForeignSite(page, target.origin);
    const js = testInfo.project.use.javaScriptEnabled !== false;
    await attacker.serve("/prize", attackerPage(ticket, js));
    const posted = page.waitForRequest((r) => r.method() === "POST" && r.url() === DECIDE_URL);
    const forbiddenPage = page.waitForResponse((r) => r.url() === `${APP_URL}/error?error=forbidden`);
    await page.goto(attacker.url("/prize"));
    if (!js) await page.locator("#claim").click();
    const post = await posted;

    // The browser did send it from the attacker's origin (with the victim's cookie
    // when the attacker is same-site).
    const sent = await post.allHeaders();
    expect(sent["origin"]).toBe(target.origin);
    expect(/(^|;\s*)logout_csrf=/.test(sent["cookie"] ?? ""), "the CSRF cookie went along").toBe(target.cookieSent);

    // The app refused it: 303 to its forbidden page, which answers 403.
    const answer = await post.response();
    expect(answer?.status()).toBe(303);
    expect(answer?.headers()["location"]).toBe("/error?error=forbidden");
    expect((await forbiddenPage).status()).toBe(403);
    await expect(page).toHaveURL(`${APP_URL}/error?error=forbidden`);
    await expect(new AppErrorPage(page).heading).toHaveAttribute("data-error", "forbidden");

    // Hydra's session survived: no logout token, and the next sign-in skips the login.
    await rp.expectNoBackchannel(3_000);
    const login = await rp.loginDuring(async () => {
      await page.goto(`${SUPPORT_URL}/rp/${rp.name}/start`);
      await expect(rp.subject).toHaveText("alice");
    });
    expect(login.skip, "Hydra still had the session (skip: true)").toBe(true);
    expect(login.session_id).toBe(signedIn.sid);
  });
}
