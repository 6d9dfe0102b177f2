/**
 * Runs the audit worker (./worker.ts: the real decide() and HTMLRewriter-based rewriter) inside
 * workerd through Miniflare, the way test/html/update-golden.ts runs the gate. One Auditor can
 * audit many pages; dispose() it when done.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error plain ESM helper without types
import { readPolicyFiles } from "../lib/policy-files.mjs";
import { startWorkerdScript } from "../lib/workerd-script";
// @ts-expect-error plain ESM script without types
import { bundlePolicies } from "../policy-bundle.mjs";
import type { AuditRequest, AuditResponse } from "./types";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface Auditor {
  audit(
    request: Omit<AuditRequest, "files" | "now"> & Partial<Pick<AuditRequest, "files" | "now">>,
  ): Promise<AuditResponse>;
  dispose(): Promise<void>;
}

/** An auditor for the policy in `policyDir` (policies/ unless given). */
export async function startAuditor(root = ROOT, policyDir?: string): Promise<Auditor> {
  // src/policy/active.ts imports the bundled policy; the audit passes its own files per request.
  bundlePolicies(root);
  const mf = await startWorkerdScript(root, {
    entryPoints: [join(root, "scripts", "audit", "worker.ts")],
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser"],
  });
  const files = readPolicyFiles(root, policyDir) as Record<string, unknown>;
  return {
    async audit(request) {
      const body: AuditRequest = {
        files,
        now: Math.floor(Date.now() / 1000),
        ...request,
      };
      const res = await mf.dispatchFetch("https://audit.invalid/", { method: "POST", body: JSON.stringify(body) });
      const data = (await res.json()) as AuditResponse | { error: string };
      if ("error" in data) throw new Error(`audit worker failed: ${data.error}`);
      return data;
    },
    dispose: () => mf.dispose(),
  };
}
