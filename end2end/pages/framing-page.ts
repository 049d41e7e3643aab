import { expect, type Frame, type Page, type Response } from "@playwright/test";
import { SUPPORT_URL } from "./urls";

/**
 * The support server's `/support/frame?src=…`: a page of another origin that embeds
 * `src` in `iframe#framed`. A real loopback server, not Playwright routing: Chromium's
 * Local Network Access checks would block a routed (non-local) page from framing
 * 127.0.0.1 before the app's own headers come into play.
 */
export class FramingPage {
  /** Same site as the app (127.0.0.1), another origin (port 5555). */
  static readonly SAME_SITE_ORIGIN = SUPPORT_URL;
  /** Another site: `localhost` is not `127.0.0.1` for the browser. */
  static readonly CROSS_SITE_ORIGIN = SUPPORT_URL.replace("127.0.0.1", "localhost");

  constructor(
    private readonly page: Page,
    readonly origin: string,
  ) {}

  /**
   * Opens the framing page for `src`; returns the response the frame got for `src`,
   * the frame, and how the frame's load failed (Chromium: `net::ERR_BLOCKED_BY_RESPONSE`
   * when the response forbids framing), if it did. Chromium swaps a refused frame's document for its own error page
   * (`chrome-error://…`), so the frame's URL tells whether the app's page is shown.
   */
  async embed(src: string): Promise<{ response: Response; frame: Frame; failure: () => string | null }> {
    let failure: string | null = null;
    this.page.on("requestfailed", (r) => {
      if (r.url() === src && r.frame() !== this.page.mainFrame()) failure = r.failure()?.errorText ?? "failed";
    });
    const framed = this.page.waitForResponse((r) => r.url() === src && r.frame() !== this.page.mainFrame());
    await this.page.goto(`${this.origin}/support/frame?${new URLSearchParams({ src })}`);
    const response = await framed;
    await this.page.waitForLoadState("load");
    await expect(this.page.locator("#framer")).toBeVisible();
    const frame = this.page.frames().find((f) => f.parentFrame() === this.page.mainFrame());
    expect(frame, "the framing page has a frame").toBeDefined();
    return { response, frame: frame as Frame, failure: () => failure };
  }
}
