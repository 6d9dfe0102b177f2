/**
 * Starts stack.ts (demo origin, gatekeeper, vendor upstream stand-in) as a child process in its
 * own process group, and stops the whole group: wrangler's bundler, workerd and all.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import { ROOT } from "./env";
import { READY, type StackInfo } from "./stack";

const READY_TIMEOUT_MS = 120_000;

export interface RunningStack extends StackInfo {
  stop: () => Promise<void>;
}

export interface StackOptions {
  /** The project to build the gatekeeper from (a copy with a policy variant, see variant.ts); a copy with the test policies by default. */
  root?: string;
  /** Everything the stack writes to stdout: the worker's log lines among it. */
  onStdout?: (chunk: string) => void;
  /** Serve the gatekeeper over https (self-signed; a visit needs `gatekeeper: { https: true }`). */
  https?: boolean;
}

export async function spawnStack(options: StackOptions = {}): Promise<RunningStack> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test", "browser", "stack.ts")], {
    cwd: ROOT,
    // Its own process group, so that stopping it stops everything it started.
    detached: true,
    // stdin stays open while this process lives: the stack stops itself when it closes.
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      CI: process.env.CI ?? "true",
      ...(options.root ? { GK_STACK_ROOT: options.root } : {}),
      ...(options.https ? { GK_STACK_HTTPS: "1" } : {}),
    },
  });
  let log = "";
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
    if (process.env.GK_BROWSER_DEBUG) process.stderr.write(chunk);
  };
  child.stdout?.on("data", append);
  if (options.onStdout) child.stdout?.on("data", (chunk: Buffer) => options.onStdout?.(chunk.toString()));
  child.stderr?.on("data", append);
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  // Even when this process exits without running teardown, take the group down with it.
  const killOnExit = () => killGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  const stop = async () => {
    process.off("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      // The stack first (it disposes Miniflare and closes its servers), then whatever is left.
      child.kill("SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    // Whatever of the group outlived its parent (workerd, say) goes too.
    killGroup(child, "SIGKILL");
    child.stdin?.destroy();
  };

  try {
    const info = await new Promise<StackInfo>((ok, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`the browser suite's servers did not start in ${READY_TIMEOUT_MS / 1000} s`)),
        READY_TIMEOUT_MS,
      );
      child.stdout?.on("data", () => {
        const line = log.split("\n").find((l) => l.startsWith(READY));
        if (line) {
          clearTimeout(timer);
          ok(JSON.parse(line.slice(READY.length)));
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        fail(new Error(`the browser suite's servers exited (${code}) before they were ready`));
      });
    });
    const status = await healthStatus(info);
    if (status !== 200)
      throw new Error(`GET /__gk/health answered ${status}: the policy is in failsafe (npm run policy:check)`);
    return { ...info, stop };
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : error}\n${log}`);
  }
}

/** GET /__gk/health's status; over https without checking the (self-signed) certificate. */
function healthStatus(info: StackInfo): Promise<number> {
  const url = `${info.https ? "https" : "http"}://127.0.0.1:${info.gatekeeperPort}/__gk/health`;
  return new Promise((ok, fail) => {
    const request = (info.https ? httpsGet : httpGet)(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    });
    request.on("error", fail);
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}
