// The benchmark origin, run as its own process so it does not share an event loop with the load
// generator. Serves from memory:
//   /<page>       the pages of pages.mjs, identity, with Content-Length
//   /gz/<page>    the same, gzipped when the request accepts gzip (as most origins do)
//   /slow         the <head> at once, the rest 2 s later; gzip (flushed after the head) when accepted
//   /slow-plain   the same, never compressed
//   /public/<page> the same pages marked shareable (Cache-Control: public, max-age=3600), for the
//                 cache-hit variant of the load phase once the gatekeeper caches (variants.mjs)
//   /fault/...    the fault phase's misbehaving routes (fault-routes.mjs)
//   /, /assets/, /cmp/  the demo site for the browser phase, as is and with a consent manager
//                 (site-routes.mjs)
// Prints {"port": n} on stdout once listening; exits on SIGTERM or when its parent goes away.
import { createServer } from "node:http";
import { constants, createGzip, gzipSync } from "node:zlib";
import { faultRoute } from "./fault-routes.mjs";
import { allPages, slowPageParts } from "./pages.mjs";
import { siteRoute } from "./site-routes.mjs";

const SLOW_DELAY_MS = 2000;
const pages = Object.fromEntries(Object.entries(allPages()).map(([name, html]) => [`/${name}`, Buffer.from(html)]));
const gzipped = Object.fromEntries(Object.entries(pages).map(([path, body]) => [path, gzipSync(body)]));
const [slowHead, slowRest] = slowPageParts();
const HTML = "text/html; charset=utf-8";

function acceptsGzip(header) {
  return String(header ?? "")
    .split(",")
    .some((part) => {
      const [coding, ...params] = part.trim().toLowerCase().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return (coding === "gzip" || coding === "*") && (q === undefined || Number(q.slice(2)) > 0);
    });
}

function slow(req, res, compress) {
  const timers = new Set();
  res.on("close", () => {
    for (const t of timers) clearTimeout(t);
  });
  if (compress && acceptsGzip(req.headers["accept-encoding"])) {
    res.writeHead(200, { "content-type": HTML, "content-encoding": "gzip", vary: "Accept-Encoding" });
    const gzip = createGzip();
    gzip.pipe(res);
    gzip.write(slowHead);
    gzip.flush(constants.Z_SYNC_FLUSH);
    const t = setTimeout(() => gzip.end(slowRest), SLOW_DELAY_MS);
    timers.add(t);
  } else {
    res.writeHead(200, { "content-type": HTML });
    res.write(slowHead);
    const t = setTimeout(() => res.end(slowRest), SLOW_DELAY_MS);
    timers.add(t);
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://origin");
  if (faultRoute(req, res, url)) return;
  if (siteRoute(req, res, url, acceptsGzip)) return;
  const path = url.pathname;
  if (path === "/slow" || path === "/slow-plain") return slow(req, res, path === "/slow");
  if (path.startsWith("/gz/") && pages[path.slice(3)] && acceptsGzip(req.headers["accept-encoding"])) {
    const body = gzipped[path.slice(3)];
    res.writeHead(200, {
      "content-type": HTML,
      "content-encoding": "gzip",
      "content-length": body.length,
      vary: "Accept-Encoding",
    });
    return res.end(body);
  }
  const shared = path.startsWith("/public/");
  const page = pages[path.startsWith("/gz/") || shared ? path.slice(path.indexOf("/", 1)) : path];
  if (!page) {
    res.writeHead(404, { "content-type": "text/plain" });
    return res.end("not found\n");
  }
  res.writeHead(200, {
    "content-type": HTML,
    "content-length": page.length,
    ...(shared ? { "cache-control": "public, max-age=3600" } : {}),
  });
  res.end(page);
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
const stop = () => server.close(() => process.exit(0)) && server.closeAllConnections();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The parent holds our stdin open: when it dies, however it dies, we go too.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
