import { randomBytes } from "node:crypto";
import { expect, type Page, type Request, type Response, type TestInfo } from "@playwright/test";

/** One deployment of the app as scripts/deploy-test.sh sets it up. */
export interface Deployment {
  /** PUBLIC_URL without the trailing slash: what browsers use. */
  publicUrl: string;
  /** The support server (sample relying parties) of this deployment's Hydra. */
  supportUrl: string;
  hydraPublicUrl: string;
}

export const PREFIX: Deployment = {
  publicUrl: "http://127.0.0.1:3052/auth",
  supportUrl: "http://127.0.0.1:3055",
  hydraPublicUrl: "http://127.0.0.1:3053",
};

export const TLS: Deployment = {
  publicUrl: "https://127.0.0.1:8443",
  supportUrl: "http://127.0.0.1:3058",
  hydraPublicUrl: "http://127.0.0.1:3056",
};

/** Everything the browser asked of the app's public origin, and console errors there. */
export class Traffic {
  readonly requests: Request[] = [];
  readonly responses: Response[] = [];
  readonly consoleErrors: string[] = [];

  constructor(page: Page, private readonly d: Deployment) {
    const origin = new URL(d.publicUrl).origin;
    page.on("request", (r) => {
      if (r.url().startsWith(origin)) this.requests.push(r);
    });
    page.on("response", (r) => {
      if (r.url().startsWith(origin)) this.responses.push(r);
    });
    page.on("console", (m) => {
      if (m.type() === "error" && page.url().startsWith(origin)) this.consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => this.consoleErrors.push(e.message));
  }

  /** Paths of the app's origin the browser requested that are not under the base path. */
  outsideBasePath(): string[] {
    const base = new URL(this.d.publicUrl);
    const prefix = base.pathname.replace(/\/$/, "");
    return this.requests
      .map((r) => new URL(r.url()).pathname)
      .filter((p) => prefix !== "" && p !== prefix && !p.startsWith(`${prefix}/`));
  }

  /** Responses of the app's origin with status >= 400 (except error pages we navigate to on purpose). */
  failures(): string[] {
    return this.responses.filter((r) => r.status() >= 400).map((r) => `${r.status()} ${r.url().split("?")[0]}`);
  }
}

/** A sample RP of the deployment's support server with a name no other test uses. */
export function rpName(testInfo: TestInfo, tag: string): string {
  // Letters without "f" and digits: a name containing "fc" gets a front-channel URI.
  const alphabet = "abcdeghijklmnopqrstuvwxyz0123456789";
  const random = [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join("");
  return `dep-${testInfo.project.name}-${tag}-${random}`;
}

/** Signs in at the RP (through Hydra and the auto-acceptor) and starts RP-initiated logout. */
export async function signInAndStartLogout(page: Page, d: Deployment, rp: string): Promise<void> {
  await page.goto(`${d.supportUrl}/rp/${rp}/start`);
  await expect(page.locator("#subject")).toHaveText("alice");
  await page.goto(`${d.supportUrl}/rp/${rp}/logout`);
  await expect(page).toHaveURL(new RegExp(`^${escape(d.publicUrl)}/logout\\?logout_challenge=`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Sign out");
}

/** Starts a user-initiated logout at Hydra (the browser has Hydra's session cookie). */
export async function startUserInitiatedLogout(page: Page, d: Deployment, rp: string): Promise<void> {
  await page.goto(`${d.supportUrl}/rp/${rp}/start`);
  await expect(page.locator("#subject")).toHaveText("alice");
  await page.goto(`${d.hydraPublicUrl}/oauth2/sessions/logout`);
  await expect(page).toHaveURL(new RegExp(`^${escape(d.publicUrl)}/logout\\?logout_challenge=`));
}

export function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
