/** Running the operator scripts as an operator does: tsx on the script, in a given directory. */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error plain ESM helper without types
import { TEST_POLICY_DIR } from "../../scripts/lib/policy-files.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The product's own test policy (test/README.md), which the script tests run on. */
export const TEST_POLICIES: string = join(ROOT, TEST_POLICY_DIR);
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runScript(script: string, args: readonly string[], cwd = ROOT): Run {
  const r = spawnSync(process.execPath, [TSX, join(ROOT, script), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Same as runScript, without blocking the event loop (for a test that also serves HTTP). */
export async function runScriptAsync(script: string, args: readonly string[], cwd = ROOT): Promise<Run> {
  const { spawn } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, join(ROOT, script), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
