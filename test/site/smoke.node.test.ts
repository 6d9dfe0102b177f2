/**
 * The site's own policy, policies/ (the example site's, or an adopter's): checked only against
 * itself. Every vendor's URL rules, hosts and inline snippets, each as an element on a page
 * through the real gate (workerd), are removed without consent and kept with the vendor's purpose
 * allowed (scripts/lib/smoke.ts). The product's tests never read policies/ (test/README.md), so a
 * site's valid edits there can only break this suite by breaking their own rules.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeFailure, smokePolicies } from "../../scripts/lib/smoke";
import { ROOT } from "../scripts/helpers";

describe("the shipped policies/ work as their files say", () => {
  it("each vendor's elements are removed without consent and kept with its purpose", async () => {
    const { cases, failures } = await smokePolicies(join(ROOT, "policies"));
    expect(cases.length).toBeGreaterThan(0);
    expect(failures.map(describeFailure)).toEqual([]);
  }, 120_000);
});
