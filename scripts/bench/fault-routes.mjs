// The origin's fault routes for the fault phase (faults.mjs), served by origin.mjs under /fault/.
// Every HTML page carries the demo page's vendor tags (GTM, gtag.js, Intercom, Elfsight and their
// link hints).
//   /fault/ok/20k, /fault/ok/200k  the realistic pages, identity, with Content-Length
//   /fault/gzip/20k, /fault/br/20k the 20 KB page gzip- or brotli-encoded, whatever was asked for
//   /fault/drip/20k                the 20 KB page trickled out in DRIP_CHUNKS pieces, DRIP_MS apart
//   /fault/status/<n>              a small HTML error page with status n (404, 500, 503)
//   /fault/reset-mid/20k           status, headers and the first RESET_AFTER bytes, then a TCP
//                                  reset (every other one with Content-Length, the others chunked)
//   /fault/reset-before            a TCP reset before any response
//   /fault/enc/<name>              HTML in an encoding the runtime does not decode: deflate, zstd,
//                                  x-bogus (the raw page under an unknown name), gzip-br (both)
//   /fault/hang                    never answers (the gatekeeper's origin timeout gives 504)
//   /fault/asset.js                first-party JavaScript, passed through untouched
//   /fault/long?bytes=n            a page of about n bytes, generated while it streams (never held
//                                  whole), with vendor tags near the start and near the end
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { longPageParts, realisticPage } from "./pages.mjs";

export const DRIP_CHUNKS = 40;
export const DRIP_MS = 20;
export const RESET_AFTER = 8 * 1024;
const HTML = "text/html; charset=utf-8";

const page20k = Buffer.from(realisticPage(20_000));
const page200k = Buffer.from(realisticPage(200_000));
// An error page is small: the demo page's head, vendor section and Intercom snippets, little else.
const errorPage = Buffer.from(
  realisticPage(0).replace("<main", '<h1 class="error">Sivua ei voitu näyttää</h1>\n<main'),
);
const encoded = {
  deflate: deflateSync(page20k),
  zstd: Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), page20k]),
  "x-bogus": page20k,
  "gzip-br": brotliCompressSync(gzipSync(page20k)),
};
const encodingHeader = { deflate: "deflate", zstd: "zstd", "x-bogus": "x-bogus", "gzip-br": "gzip, br" };
const gzip20k = gzipSync(page20k);
const br20k = brotliCompressSync(page20k);
const ASSET = Buffer.from(
  `// First-party script.\nwindow.KP = window.KP || {};\n${"window.KP.x = (window.KP.x || 0) + 1;\n".repeat(200)}`,
);

function send(res, status, type, body, extra = {}) {
  res.writeHead(status, { "content-type": type, "content-length": body.length, ...extra });
  res.end(body);
}

/** A reset (RST), not a polite close: the peer sees ECONNRESET. */
function reset(socket) {
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}

function drip(res, body) {
  res.writeHead(200, { "content-type": HTML });
  const size = Math.ceil(body.length / DRIP_CHUNKS);
  let i = 0;
  const timer = setInterval(() => {
    if (i >= body.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(body.subarray(i, i + size));
    i += size;
  }, DRIP_MS);
  res.on("close", () => clearInterval(timer));
}

let resets = 0;
function resetMid(req, res) {
  const withLength = resets++ % 2 === 0;
  res.writeHead(200, { "content-type": HTML, ...(withLength ? { "content-length": page20k.length } : {}) });
  res.write(page20k.subarray(0, RESET_AFTER));
  // Long enough for the head and the first bytes to reach the gatekeeper and be passed on.
  setTimeout(() => reset(req.socket), 20);
}

function hang(req, res) {
  // The gatekeeper gives up first; this is only so a forgotten request cannot pile up.
  const timer = setTimeout(() => reset(req.socket), 60_000);
  res.on("close", () => clearTimeout(timer));
}

async function long(res, bytes) {
  const { start, blocks, end } = longPageParts(bytes);
  res.writeHead(200, { "content-type": HTML });
  let closed = false;
  res.on("close", () => {
    closed = true;
  });
  const write = (text) =>
    new Promise((resolve) => {
      if (res.write(text)) return resolve();
      const go = () => {
        res.off("drain", go).off("close", go);
        resolve();
      };
      res.on("drain", go).on("close", go);
    });
  await write(start);
  let pending = "";
  for (const b of blocks()) {
    if (closed) return;
    pending += b;
    if (pending.length >= 64 * 1024) {
      await write(pending);
      pending = "";
    }
  }
  await write(pending);
  res.end(end);
}

/** Answers a /fault/ request; false for any other path. */
export function faultRoute(req, res, url) {
  if (!url.pathname.startsWith("/fault/")) return false;
  const path = url.pathname.slice("/fault".length);
  if (path === "/ok/20k") send(res, 200, HTML, page20k);
  else if (path === "/ok/200k") send(res, 200, HTML, page200k);
  else if (path === "/gzip/20k") send(res, 200, HTML, gzip20k, { "content-encoding": "gzip" });
  else if (path === "/br/20k") send(res, 200, HTML, br20k, { "content-encoding": "br" });
  else if (path === "/drip/20k") drip(res, page20k);
  else if (/^\/status\/\d{3}$/.test(path)) send(res, Number(path.slice(-3)), HTML, errorPage);
  else if (path === "/reset-mid/20k") resetMid(req, res);
  else if (path === "/reset-before") reset(req.socket);
  else if (path.startsWith("/enc/") && Object.hasOwn(encoded, path.slice("/enc/".length))) {
    const name = path.slice("/enc/".length);
    send(res, 200, HTML, encoded[name], { "content-encoding": encodingHeader[name] });
  } else if (path === "/hang") hang(req, res);
  else if (path === "/asset.js") send(res, 200, "text/javascript; charset=utf-8", ASSET);
  else if (path === "/long") long(res, Number(url.searchParams.get("bytes") ?? 50_000_000));
  else send(res, 404, "text/plain", Buffer.from("not found\n"));
  return true;
}
