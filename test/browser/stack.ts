/**
 * The servers behind the browser suite, run as one child process in its own process group
 * (global-setup.ts starts and stops it; `node --import tsx test/browser/stack.ts` runs it by hand):
 *
 * - the demo origin (scripts/demo-origin.mjs), as `npm start` serves it;
 * - the gatekeeper: the deployable bundle (`wrangler deploy --dry-run`), with wrangler.toml's
 *   bindings, in wrangler's own Miniflare/workerd, with ORIGIN pointing at the demo origin. It is
 *   built from a copy of the project whose policies/ are the tests' own (variant.ts), or from
 *   GK_STACK_ROOT, a copy with a policy variant;
 * - its egress: every fetch the worker makes goes through a small router worker. Requests to the
 *   origin pass; every other one (a vendor upstream: gtag.js, GA4 hits) goes to a local stand-in
 *   that records it and answers as the vendor would. The worker never reaches the internet.
 *   An origin path `/__via/<port>/<rest>` goes to `http://127.0.0.1:<port>/<rest>` instead: a
 *   loopback origin a test file runs itself (raw sockets, a 50 MB body; see wire.ts). The
 *   gatekeeper does not know: to it that is one more path on its ORIGIN.
 *
 * Prints one line `GK_STACK_READY {json}` when ready; stops on SIGTERM, SIGINT or when stdin
 * closes (the parent died).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
// @ts-expect-error plain ESM script without types
import { startDemoOrigin } from "../../scripts/demo-origin.mjs";
import { ROOT } from "./env";
import { projectVariant } from "./variant";
import { GTAG_JS } from "./vendors";

export const READY = "GK_STACK_READY";

/** What a vendor upstream received from the gatekeeper. */
export interface UpstreamRecord {
  method: string;
  host: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface StackInfo {
  gatekeeperPort: number;
  /** The gatekeeper serves https (Miniflare's own self-signed localhost certificate): GK_STACK_HTTPS=1. */
  https: boolean;
  origin: string;
  upstream: string;
}

const EGRESS_WORKER = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const [, first, port, ...rest] = url.pathname.split("/");
    if (url.origin === env.ORIGIN && first === "__via" && /^[0-9]{1,5}$/.test(port)) {
      const target = "http://127.0.0.1:" + port + "/" + rest.join("/") + url.search;
      return fetch(new Request(target, request));
    }
    if (url.origin === env.ORIGIN) return fetch(request);
    const target = env.UPSTREAM + "/" + url.host + url.pathname + url.search;
    return fetch(new Request(target, request));
  },
};`;

// The same Miniflare (and workerd) that \`wrangler dev\` runs, resolved from wrangler itself.
const requireFromWrangler = createRequire(createRequire(import.meta.url).resolve("wrangler"));

interface MiniflareLike {
  ready: Promise<URL>;
  dispose(): Promise<void>;
}

const HTTPS = process.env.GK_STACK_HTTPS === "1";

async function run(command: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, command, { cwd, stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code = await new Promise<number | null>((ok) => child.once("exit", ok));
  if (code !== 0) throw new Error(`${command.slice(1).join(" ")} failed (${code}):\n${output}`);
}

function listen(server: Server): Promise<string> {
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Google, as far as the gatekeeper's upstream fetches go: gtag.js (the stub) and a collect endpoint. */
function startUpstream(): Server {
  const records: UpstreamRecord[] = [];
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://upstream");
    if (url.pathname === "/__records") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(records));
      return;
    }
    const [, host = "", ...rest] = url.pathname.split("/");
    const path = `/${rest.join("/")}`;
    records.push({
      method: req.method ?? "",
      host,
      path,
      query: url.search,
      headers: req.headers,
      body: await readBody(req),
    });
    if (host === "www.googletagmanager.com" && path === "/gtag/js") {
      res.writeHead(200, {
        "content-type": "application/javascript; charset=utf-8",
        "cache-control": "private, max-age=900",
      });
      res.end(GTAG_JS);
    } else if (host.endsWith("google-analytics.com") && path === "/g/collect") {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not stubbed\n");
    }
  });
}

export async function startStack(): Promise<StackInfo & { stop: () => Promise<void> }> {
  const env = {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_HIDE_BANNER: "true",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
  };
  const outdir = mkdtempSync(join(tmpdir(), "gk-browser-bundle-"));
  const cleanups: Array<() => Promise<unknown> | unknown> = [() => rmSync(outdir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  };
  try {
    // The project the gatekeeper is built from: a copy with a policy variant (servers.ts), or one
    // with the tests' own policies.
    let project = process.env.GK_STACK_ROOT;
    if (!project) {
      const copy = projectVariant();
      cleanups.push(copy.remove);
      project = copy.root;
    }
    // The deployable bundle, built as the README says (runs the policy bundle step too).
    await run(
      [join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js"), "deploy", "--dry-run", "--outdir", outdir],
      project,
      env,
    );

    const demo: { url: string; close: () => Promise<void> } = await startDemoOrigin({ port: 0 });
    cleanups.push(() => demo.close());
    const upstreamServer = startUpstream();
    const upstream = await listen(upstreamServer);
    cleanups.push(() => new Promise((ok) => upstreamServer.close(ok)).then(() => upstreamServer.closeAllConnections()));

    const { Miniflare, Log, LogLevel } = requireFromWrangler("miniflare");
    const { workerOptions } = unstable_getMiniflareWorkerOptions(join(project, "wrangler.toml"));
    const mf: MiniflareLike = new Miniflare({
      host: "127.0.0.1",
      port: 0,
      https: HTTPS,
      cf: false,
      log: new Log(process.env.GK_BROWSER_DEBUG ? LogLevel.DEBUG : LogLevel.WARN),
      workers: [
        {
          ...workerOptions,
          name: "gatekeeper",
          modules: true,
          scriptPath: join(outdir, "index.js"),
          modulesRoot: outdir,
          bindings: { ...workerOptions.bindings, ORIGIN: demo.url },
          outboundService: "egress",
        },
        {
          name: "egress",
          modules: true,
          script: EGRESS_WORKER,
          compatibilityDate: workerOptions.compatibilityDate,
          bindings: { ORIGIN: demo.url, UPSTREAM: upstream },
        },
      ],
    });
    cleanups.push(() => mf.dispose());
    const url = await mf.ready;
    // workerd has the script now (Miniflare hands it over at start): the bundle is not needed.
    rmSync(outdir, { recursive: true, force: true });
    return { gatekeeperPort: Number(url.port), https: HTTPS, origin: demo.url, upstream, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const stack = await startStack().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
  process.stdin.on("end", shutdown);
  process.stdin.on("close", shutdown);
  process.stdin.resume();
  const { stop: _, ...info } = stack;
  console.log(`${READY} ${JSON.stringify(info)}`);
}
