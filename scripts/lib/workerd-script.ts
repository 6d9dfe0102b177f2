/**
 * A piece of the worker's own code bundled and run in workerd through Miniflare, so that a Node
 * script asks the real runtime (lol-html, its selector parser) rather than a stand-in. Used by the
 * audit (scripts/audit/run.ts) and by policy:check's selector judge (./runtime-selectors.ts).
 */
import { type BuildOptions, build } from "esbuild";
import { Miniflare } from "miniflare";
// @ts-expect-error plain ESM helper without types
import { compatibilityDate } from "./compatibility-date.mjs";

/** Bundles `entry` (esbuild `entryPoints` or `stdin`, plus any resolution options) and serves it. */
export async function startWorkerdScript(root: string, entry: BuildOptions): Promise<Miniflare> {
  const bundle = await build({
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "error",
    ...entry,
  });
  return new Miniflare({
    modules: true,
    script: bundle.outputFiles?.[0]?.text ?? "",
    compatibilityDate: compatibilityDate(root),
    // The worker's own log (a failed policy's diagnostics) comes back in its answers instead.
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      stdout.resume();
      stderr.resume();
    },
  });
}
