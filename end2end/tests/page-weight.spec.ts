import { brotliCompressSync, constants } from "node:zlib";
import { test, expect } from "../fixtures";
import { LogoutPrompt } from "../pages/logout-prompt";
import { RelyingParty, uniqueRpName } from "../pages/relying-party";
import { APP_URL } from "../pages/urls";

// The page-weight budget of the prompt, measured on what the browser really
// downloads from the app (sizes are deterministic, so this is a test; timings
// are not and live in bench/). Budgets (brotli, quality 11):
//   - HTML + CSS ≤ 10 KB: the page is complete and usable with 0 bytes of JS;
//   - HTML + CSS + JS + WASM ≤ 60 KB with the hydrated island.
const HTML_CSS_BUDGET = 10 * 1024;
const TOTAL_BUDGET = 60 * 1024;

const brotli = (body: Buffer) =>
  brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

test("the prompt stays within its page-weight budget", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled === false, "measured once, in the hydrated project");
  const rp = new RelyingParty(page, request, uniqueRpName(testInfo, "weight"));
  await rp.signIn();

  const sizes = new Map<string, { kind: string; raw: number; br: number }>();
  const pending: Promise<void>[] = [];
  page.on("response", (response) => {
    const url = response.url();
    if (!url.startsWith(`${APP_URL}/`) || response.status() !== 200) return;
    const kind = url.startsWith(`${APP_URL}/logout?`)
      ? "html"
      : (url.split("?")[0].split(".").pop() ?? "other");
    pending.push(
      response.body().then((body) => {
        sizes.set(url.split("?")[0], { kind, raw: body.length, br: brotli(body) });
      }),
    );
  });

  await rp.signOutStart();
  const prompt = new LogoutPrompt(page);
  await prompt.ready();
  await Promise.all(pending);

  const total = (kinds: string[]) =>
    [...sizes.values()].filter((s) => kinds.includes(s.kind)).reduce((a, s) => a + s.br, 0);
  const report = [...sizes.entries()]
    .map(([url, s]) => `${s.kind.padEnd(5)} ${String(s.raw).padStart(7)} B raw ${String(s.br).padStart(6)} B br  ${url.replace(APP_URL, "")}`)
    .join("\n");
  console.log(`page weight of the prompt:\n${report}`);
  testInfo.annotations.push({ type: "page-weight", description: report });

  for (const kind of ["html", "css", "js", "wasm"]) {
    expect([...sizes.values()].some((s) => s.kind === kind), `the prompt loaded its ${kind}`).toBe(true);
  }
  const htmlCss = total(["html", "css"]);
  const all = total(["html", "css", "js", "wasm"]);
  console.log(`HTML+CSS ${htmlCss} B br (budget ${HTML_CSS_BUDGET}); everything ${all} B br (budget ${TOTAL_BUDGET})`);
  expect(htmlCss, "HTML + CSS, brotli").toBeLessThanOrEqual(HTML_CSS_BUDGET);
  expect(all, "HTML + CSS + JS + WASM, brotli").toBeLessThanOrEqual(TOTAL_BUDGET);
});
