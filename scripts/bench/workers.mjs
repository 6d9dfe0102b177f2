// Building the deploy bundle and serving workers straight from workerd through Miniflare's API
// (no `wrangler dev`, whose dev proxy is slower and buffers streams). Each worker gets its own
// workerd process, found under our pid in /proc so its CPU time and memory can be read.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { compatibilityDate } from "../lib/compatibility-date.mjs";
import { childPids } from "./proc.mjs";

const ROOT = join(dirname(new URL(import.meta.url).pathname), "..", "..");
const fromRoot = createRequire(join(ROOT, "package.json"));
// The Miniflare (and so the workerd) that the project's wrangler runs, not whichever copy npm
// hoisted to the top of node_modules for another package.
const fromWrangler = createRequire(fromRoot.resolve("wrangler/package.json"));
const MINIFLARE_ENTRY = fromWrangler.resolve("miniflare");
const fromMiniflare = createRequire(MINIFLARE_ENTRY);

export const versions = {
  wrangler: JSON.parse(readFileSync(fromRoot.resolve("wrangler/package.json"), "utf8")).version,
  miniflare: JSON.parse(readFileSync(fromWrangler.resolve("miniflare/package.json"), "utf8")).version,
  workerd: JSON.parse(readFileSync(fromMiniflare.resolve("workerd/package.json"), "utf8")).version,
};

/**
 * `wrangler deploy --dry-run --outdir <dir>`: the deployable bundle, built offline, from the
 * project or from a copy of it at `root`.
 */
export function buildBundle(outdir, root = ROOT) {
  const wrangler = join(dirname(fromRoot.resolve("wrangler/package.json")), "bin", "wrangler.js");
  const result = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" },
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${result.stdout}\n${result.stderr}`);
  return join(outdir, "index.js");
}

/**
 * The deploy bundle, built from a copy of the project whose site policy
 * (policies/sites/default.yaml) is `edit(text)`: the bench's own policy changes, never the
 * project's. `name` names the copy and the bundle's folder under `tmp`.
 */
export function buildEditedBundle(tmp, name, edit) {
  const copy = join(tmp, `${name}-project`);
  mkdirSync(join(copy, "scripts"), { recursive: true });
  for (const entry of [
    "src",
    "policies",
    "scripts/policy-bundle.mjs",
    "scripts/lib",
    "wrangler.toml",
    "package.json",
    "tsconfig.json",
  ])
    cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
  const site = join(copy, "policies", "sites", "default.yaml");
  writeFileSync(site, edit(readFileSync(site, "utf8")));
  return buildBundle(join(tmp, `${name}-bundle`), copy);
}

/**
 * The platform minimum: what any HTMLRewriter gatekeeper must at least do. Judging an
 * inline script needs its text, so lol-html must hand every inline script's text to JavaScript;
 * the cheapest way is one no-op text handler on `script:not([src])`.
 */
export const MINIMUM_REWRITE = 'new HTMLRewriter().on("script:not([src])", { text() {} }).transform(res)';

/** A worker that forwards the request to the origin and answers with `answer` (`res` in scope). */
function forwardingWorker(answer) {
  return (
    "export default {\n  async fetch(request, env) {\n    const url = new URL(request.url);\n" +
    "    const res = await fetch(new Request(env.ORIGIN + url.pathname + url.search, request));\n" +
    `    return ${answer};\n  },\n};\n`
  );
}

/** The floor: a worker that only forwards to the origin. `dir` is made for it alone. */
export function writeFloorWorker(dir) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "floor.mjs");
  writeFileSync(path, forwardingWorker("res"));
  return path;
}

/**
 * The platform minimum, built the same way as the floor: the same forwarding, plus the rewrite.
 * `dir` is made for it alone.
 */
export function writeMinimumWorker(dir) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "minimum.mjs");
  writeFileSync(path, forwardingWorker(MINIMUM_REWRITE));
  return path;
}

/**
 * Serves one module worker from its own workerd process. Returns its URL, the workerd pid and
 * a dispose function.
 */
export async function serveWorker({ scriptPath, bindings, ratelimits }) {
  const { Miniflare } = await import(MINIFLARE_ENTRY);
  const before = new Set(childPids(process.pid, "workerd"));
  // workerd's own log (e.g. the rewriter's errors on hostile pages) is kept, not printed.
  // The last lines only, numbered, so a caller can ask for what came after a point.
  const runtimeLog = { lines: [], total: 0 };
  const keep = (stream) => {
    stream.setEncoding("utf8");
    stream.on("data", (text) => {
      for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        runtimeLog.lines.push(line);
        runtimeLog.total++;
        if (runtimeLog.lines.length > 2000) runtimeLog.lines.shift();
      }
    });
  };
  const logSince = (mark) => runtimeLog.lines.slice(Math.max(0, runtimeLog.lines.length - (runtimeLog.total - mark)));
  const mf = new Miniflare({
    handleRuntimeStdio(stdout, stderr) {
      keep(stdout);
      keep(stderr);
    },
    modules: true,
    // Every module is ES (a bundle's imports, the counting build's entry and shim).
    modulesRules: [{ type: "ESModule", include: ["**/*.js", "**/*.mjs"] }],
    scriptPath,
    modulesRoot: dirname(scriptPath),
    compatibilityDate: compatibilityDate(ROOT),
    bindings,
    ratelimits,
    host: "127.0.0.1",
    port: 0,
  });
  let url;
  try {
    url = await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw error;
  }
  const pids = childPids(process.pid, "workerd").filter((pid) => !before.has(pid));
  if (pids.length !== 1) {
    await mf.dispose().catch(() => {});
    throw new Error(`expected one new workerd process, found ${pids.length}`);
  }
  return {
    url: url.href.replace(/\/$/, ""),
    pid: pids[0],
    logMark: () => runtimeLog.total,
    logSince,
    dispose: () => mf.dispose(),
  };
}

/**
 * The origin server (origin.mjs) in its own process group. It exits when our stdin pipe to it
 * closes, so it cannot outlive us even if we are killed.
 */
export async function startOrigin() {
  const child = spawn(process.execPath, [join(ROOT, "scripts", "bench", "origin.mjs")], {
    stdio: ["pipe", "pipe", "inherit"],
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  };
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("origin did not start within 30 s")), 30_000);
    child.once("exit", (code) => reject(new Error(`origin exited with ${code}`)));
    child.stdout.once("data", (data) => {
      clearTimeout(timer);
      resolve(JSON.parse(String(data)).port);
    });
  }).catch((error) => {
    stop();
    throw error;
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop };
}
