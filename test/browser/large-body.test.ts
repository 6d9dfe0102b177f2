/**
 * A 50 MB page through the served gatekeeper ("origin faults": "a 50 MB body, with
 * memory staying flat"), with no consent and refused tags at the start, the middle and the end.
 * Node-side, no browser: the deployable bundle in the browser suite's stack, and an origin in this
 * process that generates the page block by block (never whole) and holds its last block back
 * until the test has read most of the gatekeeper's output. Both sides are hashed while they
 * stream; nothing holds the page.
 *
 * The memory bound here is a coarse guard on the served workerd's resident set (from /proc), far
 * below the page's size; the memory-over-time figures are the bench's (`npm run bench`).
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { get, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatekeeperPort, listeningPid, processName, type RecordingOrigin, recordingOrigin, rssKiB } from "./wire";

const MiB = 1024 * 1024;
/**
 * Growth of workerd's resident set allowed while a 50 MB page streams: half the page. A gate that
 * kept the page (or a copy) grows by about its size; streaming measures about 1 MiB here.
 */
const BOUND_MIB = 25;
const START = "<!--big:start-->";
const END = "<!--big:end-->";
const PREFIX = `<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Iso sivu</title></head><body>${START}`;
const SUFFIX = `${END}</body></html>`;

/** Refused without consent, each removed whole (start tag to end tag). */
const TAGS = {
  start: `<script src="https://www.googletagmanager.com/gtm.js?id=GTM-BIG1"></script>`,
  middle: `<script async src="https://widget.intercom.io/widget/demoapp1"></script><img src="https://www.facebook.com/tr?id=1&amp;ev=PageView" alt="">`,
  end: `<link rel="preconnect" href="https://connect.facebook.net"><script src="https://www.googletagmanager.com/gtm.js?id=GTM-BIG2"></script>`,
};
const VENDOR_HOSTS = ["googletagmanager", "intercom.io", "facebook"];

/** About 64 KiB of ordinary markup: paragraphs, relative links, inline elements, non-ASCII text. */
const FILLER = Array.from(
  { length: 300 },
  (_, i) =>
    `<p class="t">Säästä ja sijoita ${i}: <a href="/tili/${i}">tili</a>, <b>korko</b> ja <em>kulut</em> näkyvät aina etukäteen.</p>\n`,
).join("");

/** The page's blocks: a block's index is in its markup, so a lost, doubled or reordered block shows. */
function block(i: number, blocks: number, withTags: boolean): string {
  const tags = !withTags
    ? ""
    : i === 0
      ? TAGS.start
      : i === Math.floor(blocks / 2)
        ? TAGS.middle
        : i === blocks - 1
          ? TAGS.end
          : "";
  const half = FILLER.length >> 1;
  return `<section id="b${i}">${FILLER.slice(0, half)}${tags}${FILLER.slice(half)}</section>\n`;
}

const blocksFor = (size: number) => Math.ceil(size / Buffer.byteLength(block(1, 3, false)));

/** What must come out between the markers: every block without its tags, and its hash. */
function expected(blocks: number): { bytes: number; sha256: string; beforeLast: number } {
  const hash = createHash("sha256");
  let bytes = 0;
  let beforeLast = 0;
  for (let i = 0; i < blocks; i++) {
    if (i === blocks - 1) beforeLast = bytes;
    const b = Buffer.from(block(i, blocks, false));
    hash.update(b);
    bytes += b.length;
  }
  return { bytes, sha256: hash.digest("hex"), beforeLast };
}

interface Stream {
  /** Lets a held request send its last block. */
  release: () => void;
}

let origin: RecordingOrigin;
const streams = new Map<string, Stream>();

beforeAll(async () => {
  // GET /big?blocks=N&id=X: the page in N blocks, chunked, honouring back-pressure; with `hold`,
  // the last block waits for streams.get(X).release().
  origin = await recordingOrigin(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://origin");
    const blocks = Number(url.searchParams.get("blocks"));
    const stream: Stream = { release: () => {} };
    const released = new Promise<void>((resolve) => {
      stream.release = resolve;
    });
    streams.set(url.searchParams.get("id") ?? "", stream);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.write(PREFIX);
    for (let i = 0; i < blocks; i++) {
      if (i === blocks - 1 && url.searchParams.has("hold")) await released;
      if (!res.write(block(i, blocks, true))) await once(res, "drain");
    }
    res.end(SUFFIX);
  });
});
afterAll(() => origin?.close());

interface Read {
  status: number;
  /** Bytes between the markers, and their hash. */
  bytes: number;
  sha256: string;
  /** Refused vendors' hosts seen between the markers. */
  vendorHits: string[];
  /** The output ended with the page's own end (`</body></html>`, after the footer link). */
  tail: string;
}

/**
 * GETs `path` through the gatekeeper and hashes what comes between the markers as it streams:
 * the gatekeeper's own elements (banner, footer link) sit outside them. The last 64 KiB are held
 * back from the hash until the end marker is found. `onProgress` sees the byte count after the
 * start marker at every chunk.
 */
function readThrough(path: string, onProgress: (bytes: number) => void = () => {}): Promise<Read> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port: gatekeeperPort(), path, agent: false }, (res: IncomingMessage) => {
      const hash = createHash("sha256");
      const vendorHits = new Set<string>();
      let head = Buffer.alloc(0);
      let pending: Buffer | null = null;
      let hashed = 0;
      let seen = 0;
      let overlap = "";
      const HOLD = 64 * 1024;
      res.on("data", (chunk: Buffer) => {
        if (pending === null) {
          head = Buffer.concat([head, chunk]);
          const at = head.indexOf(START);
          if (at < 0) return;
          chunk = head.subarray(at + START.length);
          pending = Buffer.alloc(0);
        }
        seen += chunk.length;
        const text = overlap + chunk.toString("latin1");
        for (const host of VENDOR_HOSTS) if (text.includes(host)) vendorHits.add(host);
        overlap = text.slice(-32);
        pending = Buffer.concat([pending, chunk]);
        if (pending.length > 2 * HOLD) {
          const out = pending.subarray(0, pending.length - HOLD);
          hash.update(out);
          hashed += out.length;
          pending = Buffer.from(pending.subarray(pending.length - HOLD));
        }
        onProgress(seen);
      });
      res.on("error", reject);
      res.on("end", () => {
        const rest = pending ?? Buffer.alloc(0);
        const end = rest.lastIndexOf(END);
        if (end < 0) return reject(new Error(`no end marker; ${seen} bytes after the start marker`));
        hash.update(rest.subarray(0, end));
        resolve({
          status: res.statusCode ?? 0,
          bytes: hashed + end,
          sha256: hash.digest("hex"),
          vendorHits: [...vendorHits],
          tail: rest.subarray(end).toString("utf8").slice(-14),
        });
      });
    }).on("error", reject);
  });
}

describe("a 50 MB page through the served gatekeeper", () => {
  it("the same generator at 5 blocks: the blocks come out without their tags, byte for byte", async () => {
    const want = expected(5);
    const got = await readThrough(origin.via("/big?blocks=5&id=small"));
    expect(got.status).toBe(200);
    expect(got.vendorHits).toEqual([]);
    expect({ bytes: got.bytes, sha256: got.sha256 }).toEqual({ bytes: want.bytes, sha256: want.sha256 });
    expect(got.tail).toBe("</body></html>");
  });

  it("streams all of it, with the tags at the start, middle and end removed, before the origin has sent its end", async () => {
    const blocks = blocksFor(50 * MiB);
    const want = expected(blocks);
    expect(want.bytes).toBeGreaterThan(50 * MiB - 64 * 1024);
    let releasedAt = -1;
    // The origin sends its last block (the end tag, `</body>`) only once the visitor has read
    // everything before it, bar what one chunk can hold back: the gatekeeper streams. A gatekeeper
    // that waited for the end would never get there, and the test would time out.
    const got = await readThrough(origin.via(`/big?blocks=${blocks}&id=held&hold`), (bytes) => {
      if (releasedAt < 0 && bytes >= want.beforeLast - 64 * 1024) {
        releasedAt = bytes;
        streams.get("held")?.release();
      }
    });
    console.log(
      `[wire] ${(want.bytes / MiB).toFixed(1)} MiB page in ${blocks} blocks: ` +
        `${(releasedAt / MiB).toFixed(1)} MiB read before the origin sent its last block`,
    );
    expect(got.status).toBe(200);
    expect(releasedAt).toBeGreaterThanOrEqual(want.beforeLast - 64 * 1024);
    expect(got.vendorHits).toEqual([]);
    expect({ bytes: got.bytes, sha256: got.sha256 }).toEqual({ bytes: want.bytes, sha256: want.sha256 });
    expect(got.tail).toBe("</body></html>");
  }, 30_000);

  it(`the served workerd's resident set grows less than ${BOUND_MIB} MiB over a second 50 MB page`, async () => {
    const blocks = blocksFor(50 * MiB);
    const want = expected(blocks);
    // One page first, so the runtime's heap and allocator settle on their working size: the
    // first large stream grows a cold workerd by a few MiB here (by tens of MiB when JavaScript
    // streams carry the chunks), and later ones do not.
    await readThrough(origin.via(`/big?blocks=${blocks}&id=warm`));
    const workerd = listeningPid(gatekeeperPort());
    const rssBefore = rssKiB(workerd);
    let rssMax = rssBefore;
    let nextSample = 0;
    const got = await readThrough(origin.via(`/big?blocks=${blocks}&id=measured`), (bytes) => {
      if (bytes >= nextSample) {
        rssMax = Math.max(rssMax, rssKiB(workerd));
        nextSample += 4 * MiB;
      }
    });
    rssMax = Math.max(rssMax, rssKiB(workerd));
    const growthMiB = (rssMax - rssBefore) / 1024;
    console.log(
      `[wire] ${processName(workerd)} (pid ${workerd}) RSS ${(rssBefore / 1024).toFixed(0)} MiB before the ` +
        `${(want.bytes / MiB).toFixed(1)} MiB page, peak +${growthMiB.toFixed(1)} MiB while it streamed`,
    );
    expect(processName(workerd)).toBe("workerd");
    expect({ bytes: got.bytes, sha256: got.sha256 }).toEqual({ bytes: want.bytes, sha256: want.sha256 });
    expect(growthMiB).toBeLessThan(BOUND_MIB);
  }, 30_000);
});
