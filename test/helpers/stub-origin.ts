/**
 * A loopback HTTP origin with fixed routes, for the few proxy tests that need the runtime's real
 * fetch (content decoding, refused connections). Runs in Node, started by global-setup.ts.
 *   /html?body=<text>&encoding=gzip|br|deflate|zstd|gzip,br   HTML in that Content-Encoding
 *   /echo                                                       the request, as JSON
 *   /raw?response=<base64url>                                   those bytes, written to the socket as
 *                                                               they are (framing faults: Content-Length
 *                                                               and Transfer-Encoding together, twice,
 *                                                               folded...), then the connection closed
 *   /drip?body=<text>&bytes=<n>                                 HTML, chunked, n bytes per socket write,
 *                                                               each write on its own turn of the event loop
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";

function encode(body: Buffer, encoding: string): Buffer {
  let out = body;
  for (const e of encoding.split(",").map((s) => s.trim())) {
    if (e === "gzip") out = gzipSync(out);
    else if (e === "br") out = brotliCompressSync(out);
    else if (e === "deflate") out = deflateSync(out);
    else if (e === "zstd") out = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), out]);
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startStubOrigin(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://stub");
    if (url.pathname === "/echo") {
      const body = await readBody(req);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
      return;
    }
    if (url.pathname === "/raw") {
      // Bypasses node:http's own framing: the response is exactly these bytes.
      const bytes = Buffer.from(url.searchParams.get("response") ?? "", "base64url");
      if (url.searchParams.has("keep")) req.socket.write(bytes);
      else req.socket.end(bytes);
      return;
    }
    if (url.pathname === "/drip") {
      const body = Buffer.from(url.searchParams.get("body") ?? "", "utf8");
      const step = Math.max(1, Number(url.searchParams.get("bytes") ?? "1"));
      req.socket.setNoDelay(true);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      for (let i = 0; i < body.length; i += step) {
        res.write(body.subarray(i, i + step));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      res.end();
      return;
    }
    if (url.pathname === "/html") {
      const encoding = url.searchParams.get("encoding") ?? "";
      const body = encode(Buffer.from(url.searchParams.get("body") ?? "", "utf8"), encoding);
      const headers: Record<string, string> = { "content-type": "text/html; charset=utf-8" };
      if (encoding) headers["content-encoding"] = encoding;
      res.writeHead(200, headers);
      res.end(body);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
