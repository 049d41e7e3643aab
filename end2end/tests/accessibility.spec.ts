import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test as base, expect, type AppBundle } from "../fixtures";
import { startUserInitiatedLogout } from "../pages/hydra";
import { LogoutPrompt } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { openUnhydratedPage } from "../pages/unhydrated";

// axe-core scan (WCAG 2.0, 2.1 and 2.2, levels A and AA) of every page of the app,
// in light and dark colour schemes: zero violations allowed.
//
// Both projects run it, on the page as each kind of browser shows it:
//  - js: the page itself, hydrated (the .wasm bundle was loaded);
//  - nojs: axe is a script injected into the page, which a JavaScript-disabled
//    context cannot run. The server renders the same HTML either way, so the
//    no-JS rendering is scanned in a separate JavaScript-enabled context in which
//    the app's hydration bundle (`/pkg/*.js`, `/pkg/*.wasm`) is aborted: the page
//    stays exactly as rendered, unhydrated (see pages/unhydrated.ts).
//
// axe's best-practice rules are reported as an annotation (`axe best-practice`),
// without failing the test.

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** The page to scan and how to check it is in the intended state. */
interface ScanTarget {
  page: Page;
  /** Waits until the page settled; checks it is hydrated (js) or unhydrated (nojs). */
  settle(): Promise<void>;
}

const test = base.extend<{ target: ScanTarget }>({
  target: async ({ page, bundle, browser, colorScheme, locale, viewport }, use, testInfo) => {
    if (testInfo.project.use.javaScriptEnabled !== false) {
      await use({ page, settle: () => settleHydrated(page, bundle) });
      return;
    }
    const unhydrated = await openUnhydratedPage(browser, { colorScheme, locale, viewport });
    await use({
      page: unhydrated.page,
      settle: async () => {
        await unhydrated.page.waitForLoadState("networkidle");
        expect(
          unhydrated.blocked.some((u) => /\.js(?:[?#]|$)/.test(u)),
          "the page asked for the hydration script, and it was blocked",
        ).toBe(true);
      },
    });
    await unhydrated.context.close();
  },
});

async function settleHydrated(page: Page, bundle: AppBundle): Promise<void> {
  await page.waitForLoadState("networkidle");
  expect(bundle.wasmLoaded(), "hydrated: the .wasm bundle was loaded").toBe(true);
}

async function expectNoViolations(page: Page, testInfo: import("@playwright/test").TestInfo): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags([...WCAG_TAGS, "best-practice"]).analyze();
  const describe = (v: (typeof results.violations)[number]) =>
    `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(" ")} ${n.failureSummary ?? ""}`).join("; ")}`;
  const isWcag = (v: (typeof results.violations)[number]) => v.tags.some((t) => WCAG_TAGS.includes(t));
  const advice = results.violations.filter((v) => !isWcag(v)).map(describe);
  if (advice.length > 0) {
    testInfo.annotations.push({ type: "axe best-practice", description: `${page.url()}: ${advice.join(" | ")}` });
  }
  expect(results.violations.filter(isWcag).map(describe), `axe WCAG violations on ${page.url()}`).toEqual([]);
  // The scan really covered the page (axe ran its rules on the content).
  expect(results.passes.length, "axe checked something").toBeGreaterThan(0);
}

/** Checks the colour scheme the page was rendered with really is `scheme`. */
async function expectScheme(page: Page, scheme: "light" | "dark"): Promise<void> {
  const state = await page.evaluate(() => {
    const rgb = getComputedStyle(document.querySelector("main") ?? document.body).backgroundColor;
    const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? ["0", "0", "0"]).slice(0, 3).map((c) => {
      const s = Number(c) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return { dark: matchMedia("(prefers-color-scheme: dark)").matches, luminance: 0.2126 * r + 0.7152 * g + 0.0722 * b };
  });
  expect(state.dark, "prefers-color-scheme").toBe(scheme === "dark");
  if (scheme === "dark") expect(state.luminance, "a dark page background").toBeLessThan(0.2);
  else expect(state.luminance, "a light page background").toBeGreaterThan(0.5);
}

// The app's pages without a logout request: error pages (each with its status) and notices.
const STATIC_PAGES = [
  { name: "400 bad_request (/logout without a challenge)", path: "/logout", status: 400 },
  { name: "404 not_found (unknown challenge)", path: "/logout?logout_challenge=nope", status: 404 },
  { name: "404 page_not_found", path: "/nope", status: 404 },
  { name: "410 expired", path: "/error?error=expired", status: 410 },
  { name: "403 forbidden", path: "/error?error=forbidden", status: 403 },
  { name: "503 unavailable (Try again)", path: "/error?error=unavailable", status: 503 },
  {
    name: "Hydra's /error",
    path: `/error?${new URLSearchParams({ error: "invalid_request", error_description: "The request is missing a required parameter." })}`,
    status: 400,
  },
  { name: "/logged-out", path: "/logged-out", status: 200 },
  { name: "/stayed", path: "/stayed", status: 200 },
];

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme} colour scheme`, () => {
    test.use({ colorScheme: scheme });

    test(`the prompt of an app (logo, links) has no axe violations (${scheme})`, async ({ target, request }, testInfo) => {
      const { page } = target;
      // A logo on a host nobody serves: answered by routing (as in app-details.spec.ts).
      await page.route("https://logo.e2e.example/**", (route) =>
        route.fulfill({ status: 200, contentType: "image/svg+xml", body: LOGO_SVG }),
      );
      const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "a11y-app"));
      await rp.signIn("alice", {
        logo_uri: "https://logo.e2e.example/logo.svg",
        client_uri: "https://app.e2e.example/",
        policy_uri: "https://app.e2e.example/privacy",
        tos_uri: "https://app.e2e.example/terms",
      });
      await rp.signOutStart();
      const prompt = new LogoutPrompt(page);
      await prompt.ready();
      await target.settle();
      await expect(prompt.heading).toHaveText(`Sign out of ${rp.clientName}?`);
      await expect(prompt.tosLink).toBeVisible();
      await expectScheme(page, scheme);
      await expectNoViolations(page, testInfo);
    });

    test(`the prompt without an app (user-initiated) has no axe violations (${scheme})`, async ({
      target,
      request,
    }, testInfo) => {
      const { page } = target;
      const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "a11y-op"));
      await rp.signIn();
      await startUserInitiatedLogout(page);
      const prompt = new LogoutPrompt(page);
      await prompt.ready();
      await target.settle();
      await expect(prompt.heading).toHaveText("Sign out?");
      await expectScheme(page, scheme);
      await expectNoViolations(page, testInfo);
    });

    // The no-JS failure notice (`failed=1`): an alert in the danger colours.
    test(`the prompt with its failure notice has no axe violations (${scheme})`, async ({ target, request }, testInfo) => {
      const { page } = target;
      const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "a11y-failed"));
      await rp.signIn();
      await rp.signOutStart();
      await page.goto(`${page.url()}&failed=1`);
      const prompt = new LogoutPrompt(page);
      await prompt.ready();
      await target.settle();
      await expect(page.getByRole("alert").filter({ visible: true })).toHaveCount(1);
      await expectScheme(page, scheme);
      await expectNoViolations(page, testInfo);
    });

    for (const p of STATIC_PAGES) {
      test(`${p.name} has no axe violations (${scheme})`, async ({ target }, testInfo) => {
        const { page } = target;
        const response = await page.goto(p.path);
        expect(response?.status()).toBe(p.status);
        await target.settle();
        await expect(page.getByRole("heading", { level: 1 })).toHaveCount(1);
        await expectScheme(page, scheme);
        await expectNoViolations(page, testInfo);
      });
    }
  });
}

/** A 48×48 logo: a rounded square with a letter. */
const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48">
<rect width="48" height="48" rx="10" fill="#0f766e"/>
<text x="24" y="32" font-family="sans-serif" font-size="24" font-weight="700" fill="#fff" text-anchor="middle">A</text>
</svg>`;
