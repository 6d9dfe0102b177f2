#!/usr/bin/env node
// Demo origin for tag-gatekeeper: serves demo/site as "Kevyt Pankki Demo".
//
//   node scripts/demo-origin.mjs            -> http://127.0.0.1:9000
//   PORT=9100 node scripts/demo-origin.mjs  -> http://127.0.0.1:9100
//   import { startDemoOrigin } from "./scripts/demo-origin.mjs";
//   const origin = await startDemoOrigin({ port: 0 }); ... await origin.close();
//
// Dependency-free (node:http, node:fs, node:zlib). Vendor URLs in the pages
// simply fail to load offline; only this origin is needed.
//
// Routes:
//   GET|HEAD /...       static files from demo/site ("/" -> index.html,
//                       "/hinnasto" -> hinnasto.html), 404 page otherwise; "/" and
//                       "/hinnasto" are public (Cache-Control: public, max-age=0,
//                       s-maxage=300, no Set-Cookie), other HTML no-cache
//   GET|HEAD /redirect  302 -> /
//   POST /login         sets a first-party `session` cookie, 303 -> /?kirjautunut=1
//
// Every other response carries the strictly-necessary load-balancer cookies the
// production site gets from its AWS Application Load Balancer (duration-based
// stickiness). Per AWS "Sticky sessions for your Application Load Balancer"
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/sticky-sessions.html,
// source also in github.com/awsdocs/elb-application-load-balancers-user-guide,
// doc_source/sticky-sessions.md):
//   - the load balancer generates a cookie named AWSALB, encrypted, with the
//     `Expires` attribute (not Max-Age); duration is configurable 1 s - 7 days
//     and the expiry is reset on every request;
//   - for CORS requests it also generates AWSALBCORS with the same content
//     plus `SameSite=None; Secure`; clients receive both cookies.

import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const SITE_ROOT = resolve(fileURLToPath(new URL("../demo/site/", import.meta.url)));
const HOST = "127.0.0.1";
const STICKINESS_SECONDS = 7 * 24 * 60 * 60; // ALB maximum stickiness duration
const MAX_FORM_BYTES = 16 * 1024;
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|manifest\+json)|image\/svg)/;

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/** Cookies an AWS ALB with duration-based stickiness adds to each response. */
function albCookies(now = Date.now()) {
  // Real values are an opaque, encrypted, base64-ish blob (~120 chars).
  const value = randomBytes(90).toString("base64");
  const expires = new Date(now + STICKINESS_SECONDS * 1000).toUTCString();
  return [
    `AWSALB=${value}; Expires=${expires}; Path=/`,
    `AWSALBCORS=${value}; Expires=${expires}; Path=/; SameSite=None; Secure`,
  ];
}

function acceptsGzip(req) {
  const header = String(req.headers["accept-encoding"] ?? "");
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function send(req, res, status, headers, body = "", { alb = true } = {}) {
  let payload = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const out = { ...headers };
  const type = String(out["Content-Type"] ?? "");
  const compressible = COMPRESSIBLE.test(type);
  if (compressible) out.Vary = "Accept-Encoding";
  if (compressible && payload.length > 0 && acceptsGzip(req)) {
    payload = gzipSync(payload);
    out["Content-Encoding"] = "gzip";
  }
  out["Content-Length"] = String(payload.length);
  out["X-Content-Type-Options"] = "nosniff";
  res.setHeader("Set-Cookie", [...(alb ? albCookies() : []), ...(out["Set-Cookie"] ?? [])]);
  delete out["Set-Cookie"];
  res.writeHead(status, out);
  res.end(req.method === "HEAD" ? undefined : payload);
}

/** Map a URL path to a file under SITE_ROOT, or null (traversal, missing). */
async function resolveFile(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const candidates = decoded.endsWith("/")
    ? [`${decoded}index.html`]
    : [decoded, `${decoded}.html`, `${decoded}/index.html`];
  for (const candidate of candidates) {
    const full = join(SITE_ROOT, normalize(candidate));
    if (full !== SITE_ROOT && !full.startsWith(SITE_ROOT + sep)) return null;
    const info = await stat(full).catch(() => null);
    if (info?.isFile()) return full;
  }
  return null;
}

/**
 * The public marketing pages: the same for every visitor, so a shared cache may keep them for
 * five minutes (s-maxage), while browsers check back each time (max-age=0). They carry no
 * Set-Cookie, as such pages come from a CDN rather than through the sticky load balancer; this is
 * what lets the gatekeeper's consent-bucket cache answer them (the site file's cache.paths).
 */
const PUBLIC_PAGES = new Set(["/", "/hinnasto"]);
const SHARED_PAGE = "public, max-age=0, s-maxage=300";

function htmlHeaders(extra = {}) {
  return { "Content-Type": CONTENT_TYPES[".html"], "Cache-Control": "no-cache", ...extra };
}

async function notFound(req, res) {
  const page = await readFile(join(SITE_ROOT, "404.html")).catch(
    () => "<!doctype html><title>404</title><h1>Sivua ei löytynyt</h1>",
  );
  send(req, res, 404, htmlHeaders(), page);
}

function readForm(req) {
  return new Promise((ok, fail) => {
    let size = 0;
    const chunks = [];
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        fail(new Error("form too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => ok(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))));
    req.on("error", fail);
  });
}

async function handle(req, res) {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? HOST}`);

  if (url.pathname === "/login") {
    if (req.method !== "POST") {
      send(req, res, 405, { ...htmlHeaders(), Allow: "POST" }, "<h1>405 – käytä lomaketta</h1>");
      return;
    }
    const form = await readForm(req).catch(() => null);
    if (!form?.get("email")) {
      send(req, res, 400, htmlHeaders(), "<h1>400 – sähköpostiosoite puuttuu</h1>");
      return;
    }
    const sessionId = randomBytes(24).toString("base64url");
    send(req, res, 303, {
      Location: "/?kirjautunut=1",
      "Cache-Control": "no-store",
      "Set-Cookie": [`session=${sessionId}; Path=/; HttpOnly; SameSite=Lax`],
    });
    return;
  }

  if (req.method !== "GET" && req.method !== "HEAD") {
    send(req, res, 405, { ...htmlHeaders(), Allow: "GET, HEAD" }, "<h1>405</h1>");
    return;
  }

  if (url.pathname === "/redirect") {
    send(req, res, 302, { Location: "/", "Cache-Control": "no-cache" });
    return;
  }

  const file = await resolveFile(url.pathname);
  if (!file) {
    await notFound(req, res);
    return;
  }
  const type = CONTENT_TYPES[extname(file)] ?? "application/octet-stream";
  const shared = PUBLIC_PAGES.has(url.pathname);
  const cache = !type.startsWith("text/html") ? "public, max-age=300" : shared ? SHARED_PAGE : "no-cache";
  send(req, res, 200, { "Content-Type": type, "Cache-Control": cache }, await readFile(file), { alb: !shared });
}

/**
 * Start the demo origin. Resolves once listening.
 * @param {{ port?: number, host?: string, log?: boolean }} [options] port 0 = ephemeral
 * @returns {Promise<{ server: import("node:http").Server, url: string, close: () => Promise<void> }>}
 */
export async function startDemoOrigin({ port = Number(process.env.PORT ?? 9000), host = HOST, log = false } = {}) {
  const server = createServer((req, res) => {
    if (log) res.on("finish", () => console.log(`${req.method} ${req.url} -> ${res.statusCode}`));
    handle(req, res).catch((error) => {
      console.error(error);
      if (!res.headersSent) send(req, res, 500, htmlHeaders(), "<h1>500</h1>");
      else res.destroy();
    });
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      ok();
    });
  });
  const { port: actualPort } = server.address();
  const url = `http://${host}:${actualPort}`;
  const close = () =>
    new Promise((ok, fail) => {
      server.close((error) => (error ? fail(error) : ok()));
      server.closeAllConnections();
    });
  return { server, url, close };
}

const runAsCli = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (runAsCli) {
  const origin = await startDemoOrigin({ log: true });
  console.log(`Kevyt Pankki Demo origin: ${origin.url} (serving ${SITE_ROOT})`);
  const stop = () => origin.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
