/**
 * The vendor selectors judged by the runtime itself: src/policy/selector-check.ts bundled into a
 * tiny worker and run in workerd through Miniflare (as the audit runs the gate), so that
 * `npm run policy:check` refuses exactly the selectors the deployed worker's HTMLRewriter would.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../../src/policy/diagnostics";
import type { PolicyFiles } from "../../src/policy/load";
import { startWorkerdScript } from "./workerd-script";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const WORKER = `
import { selectorDiagnostics, vendorSelectorLists } from "./src/policy/selector-check.ts";
export default {
  async fetch(request) {
    return Response.json(selectorDiagnostics(vendorSelectorLists(await request.json())));
  },
};
`;

/** Every selector in `files` that lol-html (in workerd) rejects, as diagnostics. */
export async function runtimeSelectorDiagnostics(files: PolicyFiles, root = ROOT): Promise<Diagnostic[]> {
  const mf = await startWorkerdScript(root, {
    stdin: { contents: WORKER, resolveDir: ROOT, sourcefile: "selector-check-worker.js", loader: "js" },
  });
  try {
    const res = await mf.dispatchFetch("https://policy-check.invalid/", {
      method: "POST",
      body: JSON.stringify(files),
    });
    if (!res.ok) throw new Error(`the selector check worker answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Diagnostic[];
  } finally {
    await mf.dispose();
  }
}
