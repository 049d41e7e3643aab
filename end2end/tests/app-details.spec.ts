import type { Dialog } from "@playwright/test";
import { test, expect } from "../fixtures";
import { LogoutPrompt } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";

// The prompt shows what the client registered at Hydra about itself: name, logo and
// links. All of it is client-controlled, so only http(s) URIs become links or
// images, and the name is text.

// There is no internet here: the logo's host is answered by Playwright's routing.
const LOGO_URL = "https://logo.e2e.example/brand/logo.png";
const CLIENT_URI = "https://app.e2e.example/";
const POLICY_URI = "https://app.e2e.example/legal/privacy";
const TOS_URI = "https://app.e2e.example/legal/terms?lang=en";
// A 1×1 transparent PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

test("the prompt shows the client's logo and links, opening in a new tab without referrer", async ({
  page,
  request,
}, testInfo) => {
  const logoRequests: string[] = [];
  await page.route(`${new URL(LOGO_URL).origin}/**`, (route) => {
    logoRequests.push(route.request().url());
    return route.fulfill({ status: 200, contentType: "image/png", body: PNG });
  });
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "details"));
  await rp.signIn("alice", { logo_uri: LOGO_URL, client_uri: CLIENT_URI, policy_uri: POLICY_URI, tos_uri: TOS_URI });
  await rp.signOutStart();
  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  await expect(prompt.heading).toHaveText(`Sign out of ${rp.clientName}?`);

  await expect(prompt.logo).toHaveCount(1);
  await expect(prompt.logo).toHaveAttribute("src", LOGO_URL);
  // The CSP allows https images: the browser fetched it and it rendered.
  expect(logoRequests).toContain(LOGO_URL);
  await expect
    .poll(() => prompt.logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
      message: "the logo loaded",
    })
    .toBe(1);

  for (const [link, href] of [
    [prompt.appLink, CLIENT_URI],
    [prompt.policyLink, POLICY_URI],
    [prompt.tosLink, TOS_URI],
  ] as const) {
    await expect(link).toHaveCount(1);
    await expect(link).toHaveAttribute("href", href);
    await expect(link).toHaveAttribute("target", "_blank");
    // Both tokens, whatever the order or spacing.
    const rel = ((await link.getAttribute("rel")) ?? "").split(/\s+/).filter(Boolean).sort();
    expect(rel, `rel of ${href}`).toEqual(["noopener", "noreferrer"]);
  }
});

// Hostile metadata: markup in the name (including an attempt to break out of the
// hydration data script), script and data URLs everywhere, a 5000-character name.
const HOSTILE_PREFIX = "<img src=x onerror=window.__pwned=1>Evil</script><script>window.__pwned=2</script>";
const HOSTILE_NAME = HOSTILE_PREFIX + "W".repeat(5000 - HOSTILE_PREFIX.length);

test("hostile client metadata is shown as text and never becomes a link or an image", async ({
  page,
  request,
}, testInfo) => {
  const dialogs: string[] = [];
  const onDialog = (d: Dialog) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  };
  page.on("dialog", onDialog);
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "hostile"));
  expect(HOSTILE_NAME).toHaveLength(5000);
  await rp.signIn("alice", {
    client_name: HOSTILE_NAME,
    client_uri: "javascript:alert(1)",
    policy_uri: "data:text/html,<script>alert(1)</script>",
    logo_uri: "javascript:alert(1)",
    tos_uri: " JaVaScRiPt:alert(3)",
  });
  await rp.signOutStart();
  const prompt = new LogoutPrompt(page);
  await prompt.ready();

  // The name is text, cut to 120 characters (119 + an ellipsis).
  const shown = `${HOSTILE_NAME.slice(0, 119)}…`;
  await expect(prompt.heading).toHaveText(`Sign out of ${shown}?`);
  await expect(prompt.heading).toContainText("<img src=x onerror=window.__pwned=1>Evil</script>");
  await expect(prompt.heading.locator("*")).toHaveCount(0);

  // No unsafe URL made it into the page, and nothing was rendered from the markup.
  await expect(page.locator("img")).toHaveCount(0);
  await expect(page.locator("[onerror]")).toHaveCount(0);
  for (const attr of ["href", "src", "action", "formaction"]) {
    for (const scheme of ["javascript:", "data:"]) {
      await expect(page.locator(`[${attr}*="${scheme}" i]`), `no ${attr} with ${scheme}`).toHaveCount(0);
    }
  }
  await expect(prompt.appLink).toHaveCount(0);
  await expect(prompt.policyLink).toHaveCount(0);
  await expect(prompt.tosLink).toHaveCount(0);

  if (testInfo.project.use.javaScriptEnabled !== false) {
    // The page is hydrated and no injected script ran.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  }

  // The prompt still works: "sign out of {App} only" returns to the RP.
  await prompt.reject((u) => u.href.startsWith(rp.loggedOutUrl));
  expect(dialogs, "no dialog was opened").toEqual([]);
  page.off("dialog", onDialog);
});
