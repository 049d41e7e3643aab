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

/** The decision buttons' accessible names in one language. */
export interface PromptLabels {
  /** `#accept`: "Sign out everywhere" (an app started the logout) or "Sign out" (the user did). */
  accept: string;
  /** `#reject`: "Sign out of {App} only" (an app started the logout) or "Cancel" (the user did). */
  reject: string;
}

/** The English labels: for a logout started by the app `appName`, or by the user (no app). */
export function englishLabels(appName?: string): PromptLabels {
  return appName === undefined
    ? { accept: "Sign out", reject: "Cancel" }
    : { accept: "Sign out everywhere", reject: `Sign out of ${appName} only` };
}

/**
 * hydra-logout-ui's prompt at `/logout?logout_challenge=…`: a heading naming the
 * app, the signed-in subject, and one form with two buttons. When an app started
 * the logout: "Sign out everywhere" (`#accept`) and "Sign out of {App} only"
 * (`#reject`); when the user did: "Sign out" (`#accept`) and "Cancel" (`#reject`).
 */
export class LogoutPrompt {
  readonly heading: Locator;
  readonly subject: Locator;
  /** `#accept`: sign out everywhere / sign out. */
  readonly acceptButton: Locator;
  /** `#reject`: sign out of the app only / cancel. */
  readonly rejectButton: Locator;
  /** The sentence under the subject that explains the choice. */
  readonly explanation: Locator;
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
   * `labels`: when given, `ready()` also checks that the buttons carry exactly
   * these accessible names, e.g. `englishLabels("Sample App Demo")` or
   * `{ accept: "Überall abmelden", reject: "Nur von Acme abmelden" }`.
   */
  constructor(
    private readonly page: Page,
    private readonly labels?: PromptLabels,
  ) {
    this.heading = page.getByRole("heading", { level: 1 });
    this.subject = page.getByTestId("subject");
    this.acceptButton = page.locator("form button#accept");
    this.rejectButton = page.locator("form button#reject");
    this.explanation = page.getByTestId("explain");
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
    await expect(this.acceptButton).toBeEnabled();
    await expect(this.rejectButton).toBeEnabled();
    if (this.labels) {
      await expect(this.acceptButton).toHaveAccessibleName(this.labels.accept);
      await expect(this.rejectButton).toHaveAccessibleName(this.labels.reject);
    }
  }

  /** Presses `#accept` ("Sign out everywhere" / "Sign out") and waits until the browser reaches `destination`. */
  accept(destination: string | RegExp | ((url: URL) => boolean)): Promise<Submitted> {
    return this.submit(this.acceptButton, destination);
  }

  /** Presses `#reject` ("Sign out of {App} only" / "Cancel") and waits until the browser reaches `destination`. */
  reject(destination: string | RegExp | ((url: URL) => boolean)): Promise<Submitted> {
    return this.submit(this.rejectButton, destination);
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
