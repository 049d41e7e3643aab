import type { Locator, Page, TestInfo } from "@playwright/test";
import { test, expect } from "../fixtures";
import { describeFocus, expectVisibleFocus, focusIndicator, tabTo } from "../pages/keyboard";
import { LogoutPrompt, PROMPT_URL_PREFIX } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { DECIDE_URL } from "../pages/urls";

// Keyboard only: from the moment the prompt is shown, no mouse. Tab reaches each
// decision button, which shows a visible focus indicator, and Enter or Space
// completes the decision (a plain form post without JS, the island's fetch with JS).

/** Opens the prompt of a fresh RP-initiated logout; returns the RP, the state and the prompt. */
async function openPrompt(page: Page, rp: RelyingParty) {
  await rp.signIn();
  const { state } = await rp.signOutStart();
  expect(page.url().startsWith(PROMPT_URL_PREFIX), `on the prompt: ${page.url()}`).toBe(true);
  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  return { state, prompt };
}

/** Tabs to `button`, checks its focus indicator, presses `key`; returns the posted decision. */
async function decideWithKeyboard(
  page: Page,
  testInfo: TestInfo,
  button: Locator,
  key: "Enter" | "Space",
  destination: (u: URL) => boolean,
): Promise<string | null> {
  testInfo.annotations.push({ type: "initial focus", description: await describeFocus(page) });
  const path = await tabTo(page, button);
  testInfo.annotations.push({ type: "focus path", description: path.join(" → ") });
  await expect(button).toBeFocused();
  const indicator = await focusIndicator(button);
  testInfo.annotations.push({ type: "focus indicator", description: JSON.stringify(indicator) });
  expectVisibleFocus(indicator, "the focused button");

  const posted = page.waitForRequest((r) => r.method() === "POST" && r.url().startsWith(DECIDE_URL));
  await page.keyboard.press(key);
  const decision = new URLSearchParams((await posted).postData() ?? "").get("decision");
  await page.waitForURL(destination);
  await page.waitForLoadState("load");
  return decision;
}

test("keyboard only: Tab to Sign out everywhere, Enter signs out", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "kbd-out"));
  const { state, prompt } = await openPrompt(page, rp);

  const decision = await decideWithKeyboard(page, testInfo, prompt.acceptButton, "Enter", (u) =>
    u.href.startsWith(rp.loggedOutUrl),
  );
  expect(decision).toBe("accept");
  expect(page.url()).toBe(`${rp.loggedOutUrl}?state=${encodeURIComponent(state)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Signed out of ${rp.clientName}`);
  // Hydra really ended the session.
  const token = await rp.waitForBackchannel(10_000);
  expect(token.verification, JSON.stringify(token.verification)).toEqual({ ok: true, errors: [] });
});

test("keyboard only: Tab to Sign out of the app only, Space keeps the session", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "kbd-stay"));
  const { state, prompt } = await openPrompt(page, rp);

  const decision = await decideWithKeyboard(page, testInfo, prompt.rejectButton, "Space", (u) =>
    u.href.startsWith(rp.loggedOutUrl),
  );
  expect(decision).toBe("reject");
  expect(page.url()).toBe(`${rp.loggedOutUrl}?state=${encodeURIComponent(state)}`);
  await expect(rp.stateCheck).toHaveText("issued");
  await rp.expectNoBackchannel(1_500);
});

test("keyboard only: Enter on Sign out of the app only keeps the session", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "kbd-stay-enter"));
  const { prompt } = await openPrompt(page, rp);

  const decision = await decideWithKeyboard(page, testInfo, prompt.rejectButton, "Enter", (u) =>
    u.href.startsWith(rp.loggedOutUrl),
  );
  expect(decision).toBe("reject");
  await expect(rp.stateCheck).toHaveText("issued");
  await rp.expectNoBackchannel(1_500);
});

// Nothing on the prompt is focused on arrival, so a stray Enter cannot sign out;
// Tab then reaches the primary action first (DOM order), then the other, then the
// app's link.
test("the prompt's focus order: nothing focused first, then Sign out everywhere, Sign out of the app only, the app's link", async ({
  page,
  request,
}, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "kbd-order"));
  await openPrompt(page, rp);

  const seen = [await describeFocus(page)];
  for (let i = 0; i < 3; i += 1) {
    await page.keyboard.press("Tab");
    seen.push(await describeFocus(page));
  }
  testInfo.annotations.push({ type: "focus path", description: seen.join(" → ") });
  expect(seen).toEqual([
    "body",
    'button#accept "Sign out everywhere"',
    `button#reject "Sign out of ${rp.clientName} only"`,
    'a "Visit the app"',
  ]);
});

test.describe("phone", () => {
  test.use({ viewport: { width: 375, height: 740 } });

  // The buttons stack on narrow screens: focus moves down the page, as the eye does.
  test("on a phone, Tab moves down the stacked buttons", async ({ page, request }, testInfo) => {
    const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "kbd-phone"));
    const { prompt } = await openPrompt(page, rp);
    const tops: number[] = [];
    for (const button of [prompt.acceptButton, prompt.rejectButton]) {
      await page.keyboard.press("Tab");
      await expect(button).toBeFocused();
      tops.push((await button.boundingBox())?.y ?? Number.NaN);
    }
    expect(tops[1], `the second stop is below the first: ${tops.join(", ")}`).toBeGreaterThan(tops[0]);
  });
});

test.describe("dark colour scheme", () => {
  test.use({ colorScheme: "dark" });

  test("keyboard focus on both buttons is visible in the dark colour scheme", async ({ page, request }, testInfo) => {
    const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "kbd-dark"));
    const { prompt } = await openPrompt(page, rp);
    for (const [button, what] of [
      [prompt.rejectButton, "Sign out of the app only"],
      [prompt.acceptButton, "Sign out everywhere"],
    ] as const) {
      await tabTo(page, button);
      const indicator = await focusIndicator(button);
      testInfo.annotations.push({ type: `focus indicator (${what})`, description: JSON.stringify(indicator) });
      expectVisibleFocus(indicator, what);
    }
  });
});
