import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect } from "../fixtures";
import { LogoutPrompt } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";

// axe-core scan (WCAG 2.x A and AA rules) of the app's pages, hydrated.
// Runs in the `js` project only: axe is injected as a script (see playwright.config.ts).
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function expectNoViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

test("the sign-out prompt has no axe violations", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "a11y"));
  await rp.signIn();
  await rp.signOutStart();
  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  await expectNoViolations(page);
});

for (const path of ["/logout", "/logged-out", "/stayed", "/error?error=invalid_request&error_description=Example"]) {
  test(`${path} has no axe violations`, async ({ page }) => {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    await expect(page.getByRole("heading", { level: 1 })).toHaveCount(1);
    await expectNoViolations(page);
  });
}
