/**
 * axe-core (https://github.com/dequelabs/axe-core) in the page under test: its source is added as
 * a script tag, then `axe.run` checks the default rule set (WCAG 2.x A/AA and best practices).
 * A page whose CSP forbids the tag (the gatekeeper's own pages send `default-src 'none'`) needs a
 * visit opened with `bypassCSP`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AxeResults } from "axe-core";
import type { Page } from "playwright-core";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string; html: string; summary: string }>;
}

/**
 * The violations axe finds in `scope` (a selector; the whole document without one). With
 * `within`, only nodes inside an element matching it count (a whole-page run judged on our markup).
 */
export async function axeViolations(
  page: Page,
  options: { scope?: string; within?: string } = {},
): Promise<Violation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async ({ scope, within }) => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<AxeResults> } }).axe;
    const results = await axe.run(scope ?? document, { elementRef: true, resultTypes: ["violations"] });
    return results.violations
      .map((v) => ({
        id: v.id,
        impact: v.impact ?? null,
        help: v.help,
        nodes: v.nodes
          .filter((n) => {
            const element = n.element as Element | undefined;
            return !within || !element || element.closest(within) !== null;
          })
          .map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 200), summary: n.failureSummary ?? "" })),
      }))
      .filter((v) => v.nodes.length > 0);
  }, options);
}

/** Violations as readable lines for an assertion message. */
export function describeViolations(violations: Violation[]): string[] {
  return violations.flatMap((v) =>
    v.nodes.map(
      (n) => `${v.id} (${v.impact}): ${v.help} at ${n.target}: ${n.html} — ${n.summary.replace(/\s+/g, " ")}`,
    ),
  );
}
