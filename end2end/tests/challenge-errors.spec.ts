import { test, expect } from "../fixtures";
import { AppErrorPage } from "../pages/logout-prompt";

// Bad links get an explanatory page with the right HTTP status, not a prompt.
const cases = [
  { title: "/logout without a challenge is a 400 page", path: "/logout", status: 400, code: "bad_request" },
  {
    title: "/logout with an unknown challenge is a 404 page",
    path: "/logout?logout_challenge=does-not-exist",
    status: 404,
    code: "not_found",
  },
  { title: "an unknown path is a 404 page", path: "/nope", status: 404, code: "page_not_found" },
];

for (const c of cases) {
  test(c.title, async ({ page }) => {
    const response = await page.goto(c.path);
    expect(response?.status()).toBe(c.status);
    await page.waitForLoadState("networkidle");
    const errorPage = new AppErrorPage(page);
    // Still there after hydration (the js project), with its code.
    await expect(errorPage.heading).toHaveCount(1);
    await expect(errorPage.heading).toHaveAttribute("data-error", c.code);
    await expect(errorPage.heading).not.toHaveText("");
    await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  });
}
