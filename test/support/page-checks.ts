import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

/** The widths pages are checked and photographed at: desktop and phone. */
export const WIDTHS = { desktop: 1280, phone: 390 } as const;

/** Serious and critical axe-core violations of the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    type Violation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
      );
  });
}

/** What a page shows wrong at one width: axe violations and sideways scrolling. */
export interface WidthProblems {
  width: number;
  violations: string[];
  overflowPx: number;
}

/**
 * Checks `page` at both widths and saves a full-page screenshot of each as
 * `<dir>/<name>-<width>.png`; returns what was wrong at each width, for the test to assert.
 */
export async function checkAndShoot(
  page: Page,
  dir: string,
  name: string,
): Promise<WidthProblems[]> {
  await mkdir(dir, { recursive: true });
  const problems: WidthProblems[] = [];
  for (const [label, width] of Object.entries(WIDTHS)) {
    await page.setViewportSize({ width, height: label === 'phone' ? 844 : 900 });
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    problems.push({
      width,
      violations: await axeViolations(page),
      overflowPx: await page.evaluate(() => document.documentElement.scrollWidth - innerWidth),
    });
    await page.screenshot({ path: `${dir}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: WIDTHS.desktop, height: 900 });
  return problems;
}
