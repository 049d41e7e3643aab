import { test, expect } from "../fixtures";
import { createIdentity } from "../pages/kratos";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { PROMPT_URL_PREFIX } from "../pages/logout-prompt";
import { HYDRA_LOGOUT_URL } from "../pages/urls";

// Where Hydra sits behind Ory Kratos, its `subject` is an identity id. The app runs
// with KRATOS_ADMIN_URL (scripts/test.sh), reads the identity and shows the
// person's name, with the e-mail address as a second line, instead of the id.
// Both projects: the page is rendered on the server.

const PEOPLE = {
  en: { name: "Ada Lovelace", signedInAs: (n: string) => `You are signed in as ${n}.` },
  de: { name: "Émilie du Châtelet", signedInAs: (n: string) => `Sie sind angemeldet als ${n}.` },
  fr: { name: "Sophie Germain", signedInAs: (n: string) => `Vous êtes connecté en tant que ${n}.` },
  es: { name: "Ada Byron", signedInAs: (n: string) => `Has iniciado sesión como ${n}.` },
  ja: { name: "山田 花子", signedInAs: (n: string) => `${n} としてサインインしています。` },
} as const;

for (const [tag, person] of Object.entries(PEOPLE)) {
  test(`the prompt names the Kratos identity and shows its e-mail (${tag})`, async ({ page, request }, testInfo) => {
    const identity = await createIdentity(request, person.name);
    const rp = new RelyingParty(page, request, uniqueRpName(testInfo, `who-${tag}`));
    // The auto-acceptor signs in as the login_hint: Hydra's subject is the identity id.
    await page.goto(`${rp.url("start")}?login_hint=${identity.id}`);
    await expect(rp.subject).toHaveText(identity.id);

    const { response } = await rp.signOutStart({ ui_locales: tag });
    expect(response?.status()).toBe(200);
    expect(page.url().startsWith(PROMPT_URL_PREFIX)).toBe(true);
    await expect(page.locator("html")).toHaveAttribute("lang", tag);
    const name = page.getByTestId("display-name");
    await expect(name).toHaveText(person.name);
    await expect(page.locator("p", { has: name })).toHaveText(person.signedInAs(person.name));
    await expect(page.getByTestId("email")).toHaveText(identity.email);
    await expect(page.getByTestId("subject")).toHaveCount(0);
    await expect(page.locator("main")).not.toContainText(identity.id);
  });
}

test("a subject that is no Kratos identity is shown as before", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "who-none"));
  await rp.signIn();
  await rp.signOutStart();
  await expect(page.getByTestId("subject")).toHaveText("alice");
  await expect(page.getByTestId("display-name")).toHaveCount(0);
  await expect(page.getByTestId("email")).toHaveCount(0);
});

// Hydra v2.3 gives user-initiated logouts an `expires_at` (ttl.login_consent_request,
// 30 minutes in the test Hydra); the prompt says how long the link stays valid.
for (const [tag, text] of [
  ["en", /^This link expires in (30|29) minutes\.$/],
  ["de", /^Dieser Link läuft in (30|29) Minuten ab\.$/],
  ["ja", /^このリンクの有効期限はあと(30|29)分です。$/],
] as const) {
  test(`a user-initiated prompt says when the link expires (${tag})`, async ({ page, request }, testInfo) => {
    const rp = new RelyingParty(page, request, uniqueRpName(testInfo, `deadline-${tag}`));
    await rp.signIn();
    const response = await page.goto(`${HYDRA_LOGOUT_URL}?ui_locales=${tag}`);
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId("expires-in")).toHaveText(text);
  });
}

test("an RP-initiated prompt (no expires_at from Hydra v2.3) shows no deadline", async ({ page, request }, testInfo) => {
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "deadline-rp"));
  await rp.signIn();
  await rp.signOutStart();
  await expect(page.getByTestId("subject")).toHaveText("alice");
  await expect(page.getByTestId("expires-in")).toHaveCount(0);
});
