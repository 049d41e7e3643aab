import { expect, type Locator, type Page } from "@playwright/test";

/** A short description of the focused element, e.g. `body`, `button#accept "Sign out"`, `a "Visit the app"`. */
export function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "body";
    const id = el.id ? `#${el.id}` : "";
    const text = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 80);
    return `${el.tagName.toLowerCase()}${id}${text ? ` "${text}"` : ""}`;
  });
}

/**
 * Presses Tab until `target` has focus (not at all when it already has), at most
 * `maxPresses` times. Returns the focused element before and after each press,
 * starting with the initial focus.
 */
export async function tabTo(page: Page, target: Locator, maxPresses = 10): Promise<string[]> {
  const seen = [await describeFocus(page)];
  for (let i = 0; i < maxPresses; i += 1) {
    if (await target.evaluate((el) => el === document.activeElement)) return seen;
    await page.keyboard.press("Tab");
    seen.push(await describeFocus(page));
  }
  await expect(target, `Tab reaches the element; focus went ${seen.join(" → ")}`).toBeFocused();
  return seen;
}

/** How a focused element shows its focus (computed style while focused). */
export interface FocusIndicator {
  focusVisible: boolean;
  outlineStyle: string;
  outlineWidth: string;
  outlineColor: string;
  boxShadow: string;
  /** Contrast of the outline colour against the nearest opaque background behind the element. */
  outlineContrast: number;
}

/** Reads the focus indicator of `target`, which must be focused. */
export async function focusIndicator(target: Locator): Promise<FocusIndicator> {
  await expect(target).toBeFocused();
  // Buttons transition their colours (outline included): read the end state.
  await target.evaluate((el) => el.getAnimations().forEach((a) => a.finish()));
  return target.evaluate((el) => {
    const parse = (c: string): number[] | null => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return parts.length === 3 ? [...parts, 1] : parts;
    };
    const luminance = ([r, g, b]: number[]) =>
      [r, g, b]
        .map((v) => v / 255)
        .map((s) => (s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4))
        .reduce((acc, v, i) => acc + v * [0.2126, 0.7152, 0.0722][i], 0);
    // The outline is drawn outside the element: compare with what is behind the element.
    let behind: number[] = [255, 255, 255, 1];
    for (let node = el.parentElement; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg && bg[3] > 0.99) {
        behind = bg;
        break;
      }
    }
    const style = getComputedStyle(el);
    const outline = parse(style.outlineColor) ?? [0, 0, 0, 1];
    const [l1, l2] = [luminance(outline), luminance(behind)].sort((a, b) => b - a);
    return {
      focusVisible: el.matches(":focus-visible"),
      outlineStyle: style.outlineStyle,
      outlineWidth: style.outlineWidth,
      outlineColor: style.outlineColor,
      boxShadow: style.boxShadow,
      outlineContrast: Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100,
    };
  });
}

/**
 * A visible focus indicator: an outline of at least 2 CSS px with 3:1 contrast
 * against its background (WCAG 2.2 2.4.7, and the size/contrast of 2.4.13), or a box-shadow.
 */
export function expectVisibleFocus(indicator: FocusIndicator, what: string): void {
  expect(indicator.focusVisible, `${what} matches :focus-visible after keyboard focus`).toBe(true);
  const outlined = indicator.outlineStyle !== "none" && Number.parseFloat(indicator.outlineWidth) >= 2;
  const shadowed = indicator.boxShadow !== "none" && indicator.boxShadow !== "";
  expect(outlined || shadowed, `${what} shows a focus indicator: ${JSON.stringify(indicator)}`).toBe(true);
  if (outlined) {
    expect(indicator.outlineContrast, `${what}: focus outline contrast ${JSON.stringify(indicator)}`).toBeGreaterThanOrEqual(3);
  }
}
