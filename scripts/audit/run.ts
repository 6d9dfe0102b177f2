/**
 * Runs the audit worker (./worker.ts: the real decide() and HTMLRewriter-based rewriter) inside
 * workerd through Miniflare, the way test/html/update-golden.ts runs the gate. One Auditor can
 * audit many pages; dispose() it when done.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
// @ts-expect-error plain ESM helper without types
import { compatibilityDate } from "../lib/compatibility-date.mjs";
// @ts-expect-error plain ESM helper without types
import { readPolicyFiles } from "../lib/policy-files.mjs";
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
  const bundle = await build({
    entryPoints: [join(root, "scripts", "audit", "worker.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser"],
    write: false,
    logLevel: "error",
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: compatibilityDate(root),
    // The worker's own log (a failed policy's diagnostics) comes back in its answer instead.
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      stdout.resume();
      stderr.resume();
    },
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
