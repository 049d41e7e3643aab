import { expect, type Locator, type Page, type Request } from "@playwright/test";
import { APP_URL } from "./urls";

/** Prefix of the URL Hydra sends the browser to (urls.logout). */
export const PROMPT_URL_PREFIX = `${APP_URL}/logout?logout_challenge=`;

/** What the browser did after a decision button was pressed. */
export interface Submitted {
  /** The form submission to the app (a document POST without JS, a fetch when hydrated). */
  submission: Request;
  /** Every request URL the page made from the click until it settled on the destination. */
  requests: string[];
}

/** The decision buttons' labels in one language. */
export interface PromptLabels {
  signOut: string;
  stay: string;
}

export const ENGLISH_LABELS: PromptLabels = { signOut: "Sign out", stay: "Stay signed in" };

/**
 * hydra-logout-ui's prompt at `/logout?logout_challenge=…`: a heading naming the
 * app, the signed-in subject, and one form with "Sign out" (`#accept`) and
 * "Stay signed in" (`#reject`).
 */
export class LogoutPrompt {
  readonly heading: Locator;
  readonly subject: Locator;
  readonly signOutButton: Locator;
  readonly staySignedInButton: Locator;
  readonly form: Locator;
  /** The hidden form field carrying the sealed challenge. */
  readonly ticketInput: Locator;
  /** The app's logo (`logo_uri`), shown only for http(s) URLs. */
  readonly logo: Locator;
  /** "Visit the app" (`client_uri`). */
  readonly appLink: Locator;
  /** "Privacy policy" (`policy_uri`). */
  readonly policyLink: Locator;
  /** "Terms of service" (`tos_uri`). */
  readonly tosLink: Locator;

  /**
   * `labels`: the buttons' accessible names in the page's language (English by
   * default), e.g. `{ signOut: "Abmelden", stay: "Angemeldet bleiben" }`.
   */
  constructor(
    private readonly page: Page,
    labels: PromptLabels = ENGLISH_LABELS,
  ) {
    this.heading = page.getByRole("heading", { level: 1 });
    this.subject = page.getByTestId("subject");
    this.signOutButton = page.getByRole("button", { name: labels.signOut, exact: true });
    this.staySignedInButton = page.getByRole("button", { name: labels.stay, exact: true });
    this.form = page.locator("form");
    this.ticketInput = page.locator('form input[type="hidden"][name="ticket"]');
    this.logo = page.locator("main img");
    this.appLink = page.getByRole("link", { name: "Visit the app", exact: true });
    this.policyLink = page.getByRole("link", { name: "Privacy policy", exact: true });
    this.tosLink = page.getByRole("link", { name: "Terms of service", exact: true });
  }

  /** The form's ticket (what a forged cross-site post would have to replay). */
  async ticket(): Promise<string> {
    await expect(this.ticketInput).toHaveCount(1);
    const value = await this.ticketInput.inputValue();
    expect(value, "the form carries a ticket").not.toBe("");
    return value;
  }

  /**
   * Waits until the page is usable: loaded and, when JavaScript runs, hydrated.
   * There is no hydration marker; the WASM bundle is fetched after `load`, so
   * waiting for the network to go idle covers hydration. Harmless without JS.
   */
  async ready(): Promise<void> {
    await expect(this.page).toHaveURL((u) => u.href.startsWith(PROMPT_URL_PREFIX));
    await this.page.waitForLoadState("load");
    await this.page.waitForLoadState("networkidle");
    await expect(this.signOutButton).toBeEnabled();
    await expect(this.staySignedInButton).toBeEnabled();
  }

  /** Presses "Sign out" and waits until the browser reaches `destination`. */
  accept(destination: string | RegExp | ((url: URL) => boolean)): Promise<Submitted> {
    return this.submit(this.signOutButton, destination);
  }

  /** Presses "Stay signed in" and waits until the browser reaches `destination`. */
  reject(destination: string | RegExp | ((url: URL) => boolean)): Promise<Submitted> {
    return this.submit(this.staySignedInButton, destination);
  }

  private async submit(button: Locator, destination: string | RegExp | ((url: URL) => boolean)): Promise<Submitted> {
    const requests: string[] = [];
    const onRequest = (r: Request) => requests.push(r.url());
    this.page.on("request", onRequest);
    try {
      const submission = this.page.waitForRequest(
        (r) => r.method() === "POST" && r.url().startsWith(`${APP_URL}/`),
      );
      await button.click();
      const sent = await submission;
      await this.page.waitForURL(destination);
      await this.page.waitForLoadState("load");
      return { submission: sent, requests };
    } finally {
      this.page.off("request", onRequest);
    }
  }
}

/** An error page of the app: `<h1 data-error="…">`. */
export class AppErrorPage {
  readonly heading: Locator;

  constructor(page: Page) {
    this.heading = page.locator("h1[data-error]");
  }
}
