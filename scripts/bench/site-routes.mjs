// The origin's routes for the browser phase (browser.mjs), served by origin.mjs like any origin
// would: gzip when the client accepts it, HTML `no-cache`, assets cacheable for five minutes.
//   /                       demo/site/index.html, as it is
//   /assets/<file>          demo/site/assets
//   /cmp/                   the same page set up for a client-side consent manager (cmp-page.mjs)
//   /cmp/<file>             the consent manager's own files and its init script
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CMP_FILES, cmpInit, cmpPage } from "./cmp-page.mjs";

const SITE = new URL("../../demo/site/", import.meta.url).pathname;
const HTML = "text/html; charset=utf-8";
const TYPES = { ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml" };

function load() {
  const index = readFileSync(join(SITE, "index.html"), "utf8");
  const files = { "/": { body: index, type: HTML }, "/cmp/": { body: cmpPage(index).html, type: HTML } };
  for (const name of ["app.js", "site.css", "favicon.svg"])
    files[`/assets/${name}`] = {
      body: readFileSync(join(SITE, "assets", name)),
      type: TYPES[name.slice(name.lastIndexOf("."))],
    };
  for (const [path, { file, type }] of Object.entries(CMP_FILES)) files[path] = { body: readFileSync(file), type };
  files["/cmp/cookieconsent-init.js"] = { body: cmpInit(), type: TYPES[".js"] };
  return Object.fromEntries(
    Object.entries(files).map(([path, { body, type }]) => {
      const raw = Buffer.from(body);
      return [path, { raw, gzip: gzipSync(raw), type }];
    }),
  );
}

let files;

/** Answers a request for the demo site; false for any other path. */
export function siteRoute(req, res, url, acceptsGzip) {
  files ??= load();
  const file = files[url.pathname];
  if (!file) return false;
  const gzip = acceptsGzip(req.headers["accept-encoding"]);
  const body = gzip ? file.gzip : file.raw;
  res.writeHead(200, {
    "content-type": file.type,
    "content-length": body.length,
    "cache-control": file.type === HTML ? "no-cache" : "public, max-age=300",
    vary: "Accept-Encoding",
    ...(gzip ? { "content-encoding": "gzip" } : {}),
  });
  res.end(req.method === "HEAD" ? undefined : body);
  return true;
}
