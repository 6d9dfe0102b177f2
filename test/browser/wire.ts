/**
 * Raw HTTP/1.1 on real sockets, for the tests that need the bytes themselves rather than a client
 * library's reading of them: requests with conflicting framing sent to the gatekeeper as workerd
 * serves it (the browser suite's stack), loopback origins a test file runs itself (reached through
 * the stack's `/__via/<port>/` route), and the served workerd's memory from /proc.
 * Node only; nothing here leaves 127.0.0.1.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import { inject } from "vitest";

export const gatekeeperPort = () => inject("gatekeeperPort");

export interface RawResponse {
  status: number;
  /** Header names lower-cased; repeated headers keep every value. */
  headers: Array<[string, string]>;
  body: Buffer;
}

export const header = (res: RawResponse, name: string) => res.headers.filter(([n]) => n === name).map(([, v]) => v);

export interface Exchange {
  /** Every complete response read off the connection, in order. */
  responses: RawResponse[];
  /** Bytes after the last complete response (a truncated one). */
  rest: Buffer;
  /** The server closed the connection. */
  closed?: boolean;
  /** The server reset the connection rather than closing it. */
  reset?: boolean;
}

/**
 * Writes `bytes` to a new connection to the gatekeeper and reads until `done` holds for the
 * responses read so far, or the server closes the connection. workerd keeps a connection open for
 * a while even after `Connection: close`, so each request sequence ends with a request whose
 * answer marks the end (responses come in request order): never a timer.
 */
export function exchange(
  bytes: string | Buffer,
  done: (responses: RawResponse[]) => boolean,
  port = gatekeeperPort(),
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const finish = (result: Exchange) => {
      socket.destroy();
      resolve(result);
    };
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      const result = parseResponses(Buffer.concat(chunks));
      if (done(result.responses)) finish(result);
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET") finish({ ...parseResponses(Buffer.concat(chunks)), reset: true });
      else reject(error);
    });
    socket.on("end", () => finish({ ...parseResponses(Buffer.concat(chunks)), closed: true }));
    socket.write(bytes);
  });
}

/** Done once `n` responses have been read. */
export const responses = (n: number) => (rs: RawResponse[]) => rs.length >= n;

/** Splits a byte stream into HTTP/1.1 responses framed by Content-Length or chunked coding. */
export function parseResponses(data: Buffer): Exchange {
  const responses: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const end = data.indexOf("\r\n\r\n", at);
    if (end < 0) break;
    const [statusLine = "", ...lines] = data.subarray(at, end).toString("latin1").split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
    const headers = lines.map((line): [string, string] => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    });
    let next = end + 4;
    let body: Buffer;
    const length = headers.find(([n]) => n === "content-length")?.[1];
    if (headers.some(([n, v]) => n === "transfer-encoding" && /chunked/i.test(v))) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf("\r\n", next);
        if (lineEnd < 0) return { responses, rest: data.subarray(at) };
        const size = Number.parseInt(data.subarray(next, lineEnd).toString("latin1"), 16);
        if (!(size >= 0) || lineEnd + 2 + size + 2 > data.length) return { responses, rest: data.subarray(at) };
        parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        next = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else if (length !== undefined) {
      if (next + Number(length) > data.length) break;
      body = data.subarray(next, next + Number(length));
      next += Number(length);
    } else {
      // Neither: the body runs to the close.
      body = data.subarray(next);
      next = data.length;
    }
    responses.push({ status, headers, body });
    at = next;
  }
  return { responses, rest: data.subarray(at) };
}

/** A request sequence's last request; its answer (from a recording origin) names its path. */
export const finalRequest = (path: string) => `GET ${path} HTTP/1.1\r\nHost: gk.test\r\nConnection: close\r\n\r\n`;

/** Done once the answer to the request for `path` (a recording origin's) has been read. */
export const answered = (path: string) => (rs: RawResponse[]) =>
  rs.some((r) => r.body.toString("latin1").endsWith(` ${path.replace(/^\/__via\/\d+/, "")}`));

/** GET /__gk/health on a new connection: the gatekeeper still serves. */
export async function healthStatus(): Promise<number> {
  const { responses: rs } = await exchange(finalRequest("/__gk/health"), responses(1));
  return rs[0]?.status ?? 0;
}

export interface SeenRequest {
  method: string;
  path: string;
  body: string;
}

export interface RecordingOrigin {
  port: number;
  /** The gatekeeper path that reaches `path` on this origin (the stack's egress route). */
  via: (path: string) => string;
  /** Every request this origin has answered, in order. */
  seen: SeenRequest[];
  close: () => Promise<void>;
}

/**
 * A loopback origin in this test process. It records every request it reads (method, path, body)
 * and answers `handler`'s way, by default `200 text/plain` with the path.
 */
export async function recordingOrigin(
  handler?: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void,
): Promise<RecordingOrigin> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? "", path: req.url ?? "", body: body.toString("latin1") });
      if (handler) return handler(req, res, body);
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`origin saw ${req.method} ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    via: (path) => `/__via/${port}${path}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The process listening on 127.0.0.1:`port`: the served workerd, found through the listening
 * socket's inode in /proc/net/tcp and the process holding it (Linux only).
 */
export function listeningPid(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is f[1] (ADDR:PORT), st is f[3] (0A = LISTEN), inode is f[9].
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A" && f[9]) inodes.add(`socket:[${f[9]}]`);
    }
  }
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return Number(pid);
      } catch {
        // The descriptor closed while we looked.
      }
    }
  }
  throw new Error(`no process of ours listens on 127.0.0.1:${port}`);
}

/** Resident set size of `pid` in KiB (VmRSS in /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** The executable name of `pid` (/proc/<pid>/comm). */
export function processName(pid: number): string {
  return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
}
