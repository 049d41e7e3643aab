import path from "node:path";
import type { Page } from "@playwright/test";
import { test, expect } from "../fixtures";
import { startUserInitiatedLogout } from "../pages/hydra";
import { LogoutPrompt, englishLabels, type PromptLabels } from "../pages/logout-prompt";
import { createIdentity } from "../pages/kratos";
import { RelyingParty, uniqueRpName, type ClientSettings } from "../pages/relying-party";

// Full-page screenshots of the app for docs/screenshots/ (overwritten on every run;
// names are fixed, and so is what they show: the client's name, logo and links are
// set by the test). Runs in the `js` project only (see playwright.config.ts): the
// pages look the same without JavaScript. Plus a layout check at 320 px.

const SCREENSHOT_DIR = path.resolve(__dirname, "../../docs/screenshots");

const VIEWPORTS = {
  phone: { width: 375, height: 740 },
  desktop: { width: 1280, height: 800 },
} as const;

type Scheme = "light" | "dark";
type Device = keyof typeof VIEWPORTS;

/** A client that looks like a real one: name, logo (answered by routing) and links. */
const ACME: ClientSettings = {
  client_name: "Acme Shop",
  logo_uri: "https://logo.e2e.example/acme.svg",
  client_uri: "https://shop.e2e.example/",
  policy_uri: "https://shop.e2e.example/privacy",
  tos_uri: "https://shop.e2e.example/terms",
};

const ACME_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">
<rect width="96" height="96" rx="20" fill="#0f766e"/>
<path d="M48 20 L74 76 H62 L56.5 63 H39.5 L34 76 H22 Z M43.5 53 H52.5 L48 42 Z" fill="#fff"/>
</svg>`;

async function serveLogo(page: Page): Promise<void> {
  await page.route("https://logo.e2e.example/**", (route) =>
    route.fulfill({ status: 200, contentType: "image/svg+xml", body: ACME_LOGO }),
  );
}

/** Sets the colour scheme and viewport, waits for images and fonts, saves `name`.png. */
async function shoot(page: Page, name: string, scheme: Scheme, device: Device): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await page.setViewportSize(VIEWPORTS[device]);
  await page.mouse.move(0, 0);
  await page.evaluate(async () => {
    await document.fonts.ready;
    await Promise.all(
      Array.from(document.images).map((img) =>
        img.complete ? null : new Promise((resolve) => img.addEventListener("load", resolve, { once: true })),
      ),
    );
  });
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `${name}.png`),
    fullPage: true,
    animations: "disabled",
    caret: "hide",
  });
}

/** Signs in to a fresh RP with the Acme client and opens its logout prompt. */
async function openAcmePrompt(
  page: Page,
  rp: RelyingParty,
  query: Record<string, string> = {},
  labels?: PromptLabels,
  client: ClientSettings = ACME,
): Promise<LogoutPrompt> {
  await serveLogo(page);
  await rp.signIn("alice", client);
  await rp.signOutStart(query);
  const prompt = new LogoutPrompt(page, labels);
  await prompt.ready();
  return prompt;
}

test("screenshots: the prompt of an app, light and dark, phone and desktop", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "shot-app"));
  const prompt = await openAcmePrompt(page, rp, {}, englishLabels("Acme Shop"));
  await expect(prompt.heading).toHaveText("Sign out of Acme Shop?");
  await expect(prompt.logo).toBeVisible();
  for (const scheme of ["light", "dark"] as const) {
    for (const device of ["phone", "desktop"] as const) {
      await shoot(page, `prompt-${scheme}-${device}`, scheme, device);
    }
  }
});

test("screenshot: the prompt without an app (user-initiated), light desktop", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "shot-op"));
  await rp.signIn();
  await startUserInitiatedLogout(page);
  const prompt = new LogoutPrompt(page, englishLabels());
  await prompt.ready();
  await expect(prompt.heading).toHaveText("Sign out?");
  await shoot(page, "prompt-no-app-light-desktop", "light", "desktop");
});

/**
 * Whether the browser has a font for Japanese: "サ" is drawn unlike a code point
 * no font has (which every missing glyph is drawn as: the same empty box).
 */
function hasJapaneseFont(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const draw = (text: string) => {
      const canvas = document.createElement("canvas");
      canvas.width = 40;
      canvas.height = 40;
      const ctx = canvas.getContext("2d")!;
      ctx.font = "32px sans-serif";
      ctx.fillText(text, 2, 32);
      return Array.from(ctx.getImageData(0, 0, 40, 40).data).join(",");
    };
    return draw("サ") !== draw("\u{10FFFD}");
  });
}

test("screenshot: the prompt in Japanese (ui_locales=ja), light phone", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "shot-ja"));
  const prompt = await openAcmePrompt(page, rp, { ui_locales: "ja" }, { accept: "すべてからサインアウト", reject: "Acme Shop のみサインアウト" });
  await expect(prompt.heading).toHaveText("Acme Shop からサインアウトしますか？");
  // Without a Japanese font the screenshot would show empty boxes: do not write it.
  test.skip(
    !(await hasJapaneseFont(page)),
    "no Japanese font for Chromium (Debian: apt-get install fonts-ipafont-gothic); not overwriting the screenshot",
  );
  await shoot(page, "prompt-ja-light-phone", "light", "phone");
});

for (const shot of [
  { name: "error-not-found-light-phone", path: "/logout?logout_challenge=nope", status: 404, scheme: "light", device: "phone" },
  { name: "error-expired-light-phone", path: "/error?error=expired", status: 410, scheme: "light", device: "phone" },
  { name: "logged-out-dark-desktop", path: "/logged-out", status: 200, scheme: "dark", device: "desktop" },
  { name: "signed-out-of-app-light-phone", path: "/stayed?signed_out=app", status: 200, scheme: "light", device: "phone" },
] as const) {
  test(`screenshot: ${shot.name}`, async ({ page }) => {
    const response = await page.goto(shot.path);
    expect(response?.status()).toBe(shot.status);
    await page.waitForLoadState("networkidle");
    await expect(page.getByRole("heading", { level: 1 })).toHaveCount(1);
    await shoot(page, shot.name, shot.scheme, shot.device);
  });
}

// The narrowest common phone width (WCAG 1.4.10 reflow: 320 CSS px). Worst cases:
// a long German name with the longest button labels, and a name without spaces.
const NARROW = [
  {
    case: "a long app name in German",
    file: "prompt-de-light-320",
    locale: "de-DE",
    clientName: "Acme Internationale Handelsgesellschaft Kundenportal",
    labels: {
      accept: "Überall abmelden",
      reject: "Nur von Acme Internationale Handelsgesellschaft Kundenportal abmelden",
    },
  },
  {
    case: "an app name without spaces",
    file: "prompt-long-word-light-320",
    locale: "en-US",
    clientName: `Acme${"Enterprise".repeat(6)}Portal`,
    labels: undefined,
  },
] as const;

for (const n of NARROW) {
  test.describe(`320 px: ${n.case}`, () => {
    test.use({ viewport: { width: 320, height: 640 }, locale: n.locale });

    test(`at 320×640 the prompt does not scroll sideways and both buttons are fully visible (${n.case})`, async ({
      page,
      request,
    }, testInfo) => {
      const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "shot-narrow"));
      const prompt = await openAcmePrompt(page, rp, {}, n.labels, { ...ACME, client_name: n.clientName });
      await expect(prompt.heading).toContainText(n.clientName.slice(0, 10));

      const width = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(width.scroll, `no horizontal scroll: ${JSON.stringify(width)}`).toBeLessThanOrEqual(320);
      expect(width.body, `no horizontal scroll: ${JSON.stringify(width)}`).toBeLessThanOrEqual(320);

      for (const button of [prompt.acceptButton, prompt.rejectButton]) {
        await button.scrollIntoViewIfNeeded();
        await expect(button).toBeInViewport({ ratio: 1 });
        const box = await button.boundingBox();
        expect(box, "the button is laid out").not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(320);
        // The label is not cut off inside the button.
        const clipped = await button.evaluate((el) => el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight);
        expect(clipped, "the button's label fits").toBe(false);
      }
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${n.file}.png`), fullPage: true, animations: "disabled", caret: "hide" });
    });
  });
}

test("screenshots: behind Ory Kratos, the person's name and the link's deadline", async ({ page, request }, testInfo) => {
  const identity = await createIdentity(request, "Ada Lovelace");
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "shot-kratos"));
  await page.goto(`${rp.url("start")}?login_hint=${identity.id}`);
  await expect(rp.subject).toHaveText(identity.id);
  // User-initiated: Hydra v2.3 sets expires_at, so the deadline shows too.
  await startUserInitiatedLogout(page);
  const prompt = new LogoutPrompt(page, englishLabels());
  await prompt.ready();
  await expect(page.getByTestId("display-name")).toHaveText("Ada Lovelace");
  await expect(page.getByTestId("expires-in")).toHaveText(/^This link expires in (30|29) minutes\.$/);
  // The address is random per run; show a stable one in the picture.
  await page.getByTestId("email").evaluate((el) => {
    el.textContent = "ada@example.com";
  });
  await shoot(page, "prompt-kratos-light-desktop", "light", "desktop");
});
