import { createRequire } from "node:module";
import type { Page } from "playwright-core";

/** axe-core's browser bundle, from the npm registry (a dev dependency), injected into the page under test. */
const AXE_SCRIPT = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** The rule sets of WCAG 2.1 level A and AA. */
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export interface Violation {
  rule: string;
  impact: string;
  help: string;
  /** CSS selectors of the elements that fail, with axe's summary of why. */
  nodes: { target: string; why: string }[];
}

/**
 * Runs axe-core on the page as it is now and returns the serious and critical WCAG 2.1 A/AA violations
 * (empty when there are none), readable in a failing test's output.
 */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  return page.evaluate(async (tags) => {
    type Result = {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: unknown[]; failureSummary?: string }[];
    };
    const axe = (
      window as unknown as {
        axe: { run(context: Document, options: object): Promise<{ violations: Result[] }> };
      }
    ).axe;
    const { violations } = await axe.run(document, {
      runOnly: { type: "tag", values: tags },
      resultTypes: ["violations"],
    });
    return violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({
        rule: v.id,
        impact: v.impact ?? "",
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(" "), why: n.failureSummary ?? "" })),
      }));
  }, WCAG_21_AA);
}
