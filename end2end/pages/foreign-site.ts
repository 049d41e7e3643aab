import type { Page } from "@playwright/test";

/**
 * A web page on another origin, served by Playwright's request routing (nothing
 * listens there): an attacker's site for CSRF tests. Only the test's page sees it.
 * Chromium treats such pages as non-local, so its Local Network Access checks stop
 * them from framing or fetching 127.0.0.1 (top-level navigations and form posts
 * still go through); for framing tests use `FramingPage` instead.
 */
export class ForeignSite {
  constructor(
    private readonly page: Page,
    /** e.g. `http://attacker.test` (cross-site) or `http://127.0.0.1:5599` (same-site, cross-origin). */
    readonly origin: string,
  ) {}

  url(path = "/"): string {
    return `${this.origin}${path}`;
  }

  /** Serves `html` at `path` of this origin. */
  async serve(path: string, html: string): Promise<void> {
    await this.page.route(this.url(path), (route) =>
      route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }),
    );
  }
}

/** Escapes text for an HTML attribute value or text node. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
