import type { Page } from "@playwright/test";
import { test, expect } from "../fixtures";
import { LogoutPrompt, PROMPT_URL_PREFIX, type PromptLabels } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { HYDRA_PUBLIC_URL } from "../pages/urls";

// The page language comes from, in this order: the relying party's `ui_locales` on
// its logout URL (Hydra keeps it in the logout request), the browser's
// Accept-Language (by quality), the app's DEFAULT_LOCALE (unset here: English).
// `<html lang>` follows. Both projects: the choice is made on the server.
//
// Accept-Language is set with the context's `locale`: Chromium replaces an
// Accept-Language given in extraHTTPHeaders with the locale's on navigations.

interface Language {
  tag: string;
  title: string;
  heading: (app: string) => string;
  signedInAs: (subject: string) => string;
  /** The buttons of a logout started by the app `app`. */
  labels: (app: string) => PromptLabels;
  /** The sentence explaining that choice. */
  explain: (app: string) => string;
}

const LANGUAGES: Record<"en" | "de" | "fr" | "es" | "ja", Language> = {
  en: {
    tag: "en",
    title: "Sign out",
    heading: (app) => `Sign out of ${app}?`,
    signedInAs: (s) => `You are signed in as ${s}.`,
    labels: (app) => ({ accept: "Sign out everywhere", reject: `Sign out of ${app} only` }),
    explain: (app) =>
      `“Sign out everywhere” ends your session on this device for every app that uses this account. “Sign out of ${app} only” ends ${app}’s access on all your devices and keeps you signed in to your other apps.`,
  },
  de: {
    tag: "de",
    title: "Abmelden",
    heading: (app) => `Von ${app} abmelden?`,
    signedInAs: (s) => `Sie sind angemeldet als ${s}.`,
    labels: (app) => ({ accept: "Überall abmelden", reject: `Nur von ${app} abmelden` }),
    explain: (app) =>
      `„Überall abmelden“ beendet Ihre Sitzung auf diesem Gerät für alle Apps, die dieses Konto verwenden. „Nur von ${app} abmelden“ beendet den Zugriff von ${app} auf allen Ihren Geräten; bei Ihren anderen Apps bleiben Sie angemeldet.`,
  },
  fr: {
    tag: "fr",
    title: "Se déconnecter",
    heading: (app) => `Se déconnecter de ${app} ?`,
    signedInAs: (s) => `Vous êtes connecté en tant que ${s}.`,
    labels: (app) => ({ accept: "Se déconnecter partout", reject: `Se déconnecter de ${app} uniquement` }),
    explain: (app) =>
      `« Se déconnecter partout » met fin à votre session sur cet appareil pour toutes les applications qui utilisent ce compte. « Se déconnecter de ${app} uniquement » retire l’accès de ${app} sur tous vos appareils et vous laisse connecté à vos autres applications.`,
  },
  es: {
    tag: "es",
    title: "Cerrar sesión",
    heading: (app) => `¿Cerrar sesión en ${app}?`,
    signedInAs: (s) => `Has iniciado sesión como ${s}.`,
    labels: (app) => ({ accept: "Cerrar sesión en todas partes", reject: `Cerrar sesión solo en ${app}` }),
    explain: (app) =>
      `«Cerrar sesión en todas partes» cierra tu sesión en este dispositivo en todas las aplicaciones que usan esta cuenta. «Cerrar sesión solo en ${app}» retira el acceso de ${app} en todos tus dispositivos y mantiene tu sesión en tus otras aplicaciones.`,
  },
  ja: {
    tag: "ja",
    title: "サインアウト",
    heading: (app) => `${app} からサインアウトしますか？`,
    signedInAs: (s) => `${s} としてサインインしています。`,
    labels: (app) => ({ accept: "すべてからサインアウト", reject: `${app} のみサインアウト` }),
    explain: (app) =>
      `「すべてからサインアウト」を選ぶと、このアカウントを使用しているすべてのアプリについて、このデバイスでのセッションが終了します。「${app} のみサインアウト」を選ぶと、すべてのデバイスで ${app} のアクセスが取り消され、他のアプリにはサインインしたままになります。`,
  },
};

/** Signs in to a fresh RP and opens its logout prompt; `query` goes on the RP's logout URL. */
async function openPrompt(
  page: Page,
  rp: RelyingParty,
  language: Language,
  query: Record<string, string> = {},
): Promise<{ prompt: LogoutPrompt; state: string }> {
  await rp.signIn();
  const { response, state } = await rp.signOutStart(query);
  expect(response?.status()).toBe(200);
  expect(page.url().startsWith(PROMPT_URL_PREFIX), `on the prompt: ${page.url()}`).toBe(true);
  const prompt = new LogoutPrompt(page, language.labels(rp.clientName));
  await prompt.ready();
  return { prompt, state };
}

/** The whole prompt is in `language`: lang attribute, title, heading, sentence, buttons. */
async function expectPromptIn(page: Page, prompt: LogoutPrompt, rp: RelyingParty, language: Language): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("lang", language.tag);
  await expect(page).toHaveTitle(new RegExp(`^${language.title}`));
  await expect(prompt.heading).toHaveText(language.heading(rp.clientName));
  await expect(page.locator("p", { has: prompt.subject })).toHaveText(language.signedInAs("alice"));
  await expect(prompt.explanation).toHaveText(language.explain(rp.clientName));
  await expect(prompt.acceptButton).toHaveAccessibleName(language.labels(rp.clientName).accept);
  await expect(prompt.rejectButton).toHaveAccessibleName(language.labels(rp.clientName).reject);
}

test.describe("ui_locales", () => {
  // The browser asks for German, the relying party for Japanese: the RP wins.
  test.use({ locale: "de-DE" });

  test("ui_locales=ja from the relying party shows the prompt in Japanese, over Accept-Language", async ({
    page,
    request,
  }, testInfo) => {
    const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "lang-ja"));
    const hydraLogout = page.waitForRequest((r) => r.url().startsWith(`${HYDRA_PUBLIC_URL}/oauth2/sessions/logout?`));
    const promptRequest = page.waitForRequest((r) => r.url().startsWith(PROMPT_URL_PREFIX));
    const { prompt } = await openPrompt(page, rp, LANGUAGES.ja, { ui_locales: "ja" });
    expect(new URL((await hydraLogout).url()).searchParams.get("ui_locales")).toBe("ja");
    expect((await (await promptRequest).allHeaders())["accept-language"] ?? "").toMatch(/^de/);
    await expectPromptIn(page, prompt, rp, LANGUAGES.ja);
  });
});

test.describe("Accept-Language de", () => {
  test.use({ locale: "de-DE" });

  test("Accept-Language de shows the prompt in German", async ({ page, request }, testInfo) => {
    const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "lang-de"));
    const { prompt } = await openPrompt(page, rp, LANGUAGES.de);
    await expectPromptIn(page, prompt, rp, LANGUAGES.de);
  });

  test("a German sign out completes through the form", async ({ page, request, bundle }, testInfo) => {
    const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "lang-de-out"));
    const { prompt, state } = await openPrompt(page, rp, LANGUAGES.de);
    await expect(prompt.heading).toHaveText(LANGUAGES.de.heading(rp.clientName));
    const hydrated = testInfo.project.use.javaScriptEnabled !== false;
    if (hydrated) expect(bundle.wasmLoaded(), "the hydration bundle (.wasm) was loaded").toBe(true);

    const { submission } = await prompt.accept((u) => u.href.startsWith(rp.loggedOutUrl));
    // Hydrated: the island's fetch; without JS: the browser's form post.
    expect(submission.resourceType()).toBe(hydrated ? "fetch" : "document");
    expect(new URLSearchParams(submission.postData() ?? "").get("decision")).toBe("accept");
    expect(page.url()).toBe(`${rp.loggedOutUrl}?state=${encodeURIComponent(state)}`);
    const token = await rp.waitForBackchannel(10_000);
    expect(token.verification, JSON.stringify(token.verification)).toEqual({ ok: true, errors: [] });
  });

  test("error pages follow Accept-Language too", async ({ page }) => {
    const response = await page.goto("/nope");
    expect(response?.status()).toBe(404);
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expect(page.locator("h1[data-error=page_not_found]")).toHaveText("Seite nicht gefunden");
  });
});

test.describe("Accept-Language fr", () => {
  test.use({ locale: "fr-FR" });

  test("Accept-Language fr shows the prompt in French", async ({ page, request }, testInfo) => {
    const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "lang-fr"));
    const { prompt } = await openPrompt(page, rp, LANGUAGES.fr);
    await expectPromptIn(page, prompt, rp, LANGUAGES.fr);
  });
});

test.describe("Accept-Language es", () => {
  // A regional variant: Mexican Spanish gets the app's Spanish.
  test.use({ locale: "es-MX" });

  test("Accept-Language es-MX shows the prompt in Spanish", async ({ page, request }, testInfo) => {
    const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "lang-es"));
    const promptRequest = page.waitForRequest((r) => r.url().startsWith(PROMPT_URL_PREFIX));
    const { prompt } = await openPrompt(page, rp, LANGUAGES.es);
    expect((await (await promptRequest).allHeaders())["accept-language"] ?? "").toMatch(/^es-MX/);
    await expectPromptIn(page, prompt, rp, LANGUAGES.es);
  });
});

test.describe("no supported language", () => {
  test.use({ locale: "pt-BR" });

  test("Accept-Language pt-BR (not offered) falls back to English", async ({ page, request }, testInfo) => {
    const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "lang-pt"));
    const promptRequest = page.waitForRequest((r) => r.url().startsWith(PROMPT_URL_PREFIX));
    const { prompt } = await openPrompt(page, rp, LANGUAGES.en);
    expect((await (await promptRequest).allHeaders())["accept-language"] ?? "").toMatch(/^pt-BR/);
    await expectPromptIn(page, prompt, rp, LANGUAGES.en);
  });
});
