/**
 * Conflicting Content-Length and Transfer-Encoding ("hostile requests"), on real sockets
 * to the gatekeeper as workerd serves it: the deployable bundle in the browser suite's stack.
 * Node-side, no browser. The gatekeeper never parses HTTP/1.1 itself; these tests pin what
 * workerd's parser (kj-http) does with each framing, for both the visitor's request and the
 * origin's response, against RFC 9112 §6.1 and §6.3 (https://www.rfc-editor.org/rfc/rfc9112#section-6).
 * docs/SECURITY.md (A6, A7) has the table. A behaviour of workerd's that changes will fail here:
 * update the test and the table together.
 *
 * Every "smuggled" request targets a path on a loopback origin this file runs, so whether it was
 * ever processed as a request of its own is read off that origin's record, not guessed from
 * timing. Every exchange ends with a request whose answer marks the end (responses come in
 * request order), or with workerd closing the connection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  answered,
  responses as count,
  exchange,
  finalRequest,
  header,
  healthStatus,
  parseResponses,
  type RecordingOrigin,
  recordingOrigin,
} from "./wire";

const HOST = "gk.test";
let origin: RecordingOrigin;
let n = 0;
/** A path of this test's own on the recording origin, through the gatekeeper. */
const fresh = (name: string) => origin.via(`/${name}-${++n}`);
const seenPaths = () => origin.seen.map((r) => r.path);
const seen = (gkPath: string) => origin.seen.filter((r) => `/__via/${origin.port}${r.path}` === gkPath);

const post = (path: string, headers: string[], body: string) =>
  [`POST ${path} HTTP/1.1`, `Host: ${HOST}`, ...headers].join("\r\n") + `\r\n\r\n${body}`;
const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`;
const chunk = (data: string) => `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;
const LAST_CHUNK = "0\r\n\r\n";
const CONSENT_HEADERS = [`Origin: http://${HOST}`, "Content-Type: application/x-www-form-urlencoded"];

beforeAll(async () => {
  origin = await recordingOrigin();
});
afterAll(() => origin?.close());

describe("requests with conflicting framing, on a raw socket to the served gatekeeper", () => {
  it("control: a request after a Content-Length body is served as the next request (the record shows it)", async () => {
    const [first, next, last] = [fresh("first"), fresh("next"), fresh("last")];
    const { responses } = await exchange(
      post(first, ["Content-Length: 5"], "abcde") + get(next) + finalRequest(last),
      answered(last),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(seen(first)[0]?.body).toBe("abcde");
    expect(seen(next)).toHaveLength(1);
    expect(seen(last)).toHaveLength(1);
  });

  it("Content-Length and Transfer-Encoding on the consent post: the chunked body is read (TE overrides CL, §6.3)", async () => {
    const last = fresh("after-consent");
    const body = chunk("allow=analytics") + LAST_CHUNK;
    // Content-Length 4 would have cut the form to `allow`.
    const { responses } = await exchange(
      post("/__gk/consent", [...CONSENT_HEADERS, "Content-Length: 4", "Transfer-Encoding: chunked"], body) +
        finalRequest(last),
      answered(last),
    );
    expect(responses[0]?.status).toBe(303);
    expect(header(responses[0]!, "set-cookie").join("\n")).toMatch(/gk_consent=[^;]*analytics/);
    // RFC 9112 §6.1: the server MUST close the connection after such a request. workerd keeps it
    // open and serves the next request on it.
    expect(responses).toHaveLength(2);
    expect(seen(last)).toHaveLength(1);
  });

  it("CL.TE: what Content-Length would call body is, to workerd (TE), the next request, and it is served", async () => {
    const [first, smuggled, last] = [fresh("cl-te"), fresh("cl-te-smuggled"), fresh("cl-te-last")];
    const tail = get(smuggled);
    const { responses } = await exchange(
      post(first, [`Content-Length: ${LAST_CHUNK.length + tail.length}`, "Transfer-Encoding: chunked"], LAST_CHUNK) +
        tail +
        finalRequest(last),
      answered(last),
    );
    // Framed by TE: an empty body, then `tail` as a request of its own on the same connection.
    // A front end framing by Content-Length would have seen one request; workerd serves two. RFC
    // 9112 §6.1 asks the server to close the connection after a request with both headers,
    // which would drop `tail`; workerd does not (docs/SECURITY.md A6).
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(seen(first)[0]?.body).toBe("");
    expect(seen(smuggled)).toHaveLength(1);
  });

  it("CL.TE with a consent post behind the chunked body: served as a request of its own", async () => {
    const last = fresh("cl-te-consent-last");
    const consent = post("/__gk/consent", [...CONSENT_HEADERS, "Content-Length: 15"], "allow=analytics");
    const { responses } = await exchange(
      post(
        fresh("cl-te-consent"),
        [`Content-Length: ${5 + consent.length}`, "Transfer-Encoding: chunked"],
        LAST_CHUNK,
      ) +
        consent +
        finalRequest(last),
      answered(last),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 303, 200]);
    expect(header(responses[1]!, "set-cookie").join("\n")).toMatch(/gk_consent=[^;]*analytics/);
  });

  it("TE.CL: a request inside the chunked body stays body; it is never processed on its own", async () => {
    const [first, smuggled, last] = [fresh("te-cl"), fresh("te-cl-smuggled"), fresh("te-cl-last")];
    const inner = get(smuggled);
    // Content-Length 4 would end the body after the chunk-size line and make `inner` a request.
    const { responses } = await exchange(
      post(first, ["Content-Length: 4", "Transfer-Encoding: chunked"], chunk(inner) + LAST_CHUNK) + finalRequest(last),
      answered(last),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(seen(first)[0]?.body).toBe(inner);
    expect(seen(smuggled)).toHaveLength(0);
    expect(seen(last)).toHaveLength(1);
  });

  // Refused by workerd before the worker runs: 500 (RFC 9112 §6.3 asks for 400), Connection:
  // close, and nothing sent after it on the connection is read as a request.
  it.each([
    ["two different Content-Lengths", ["Content-Length: 0", "Content-Length: SMUGGLED_LENGTH"]],
    ["the same Content-Length twice", ["Content-Length: SMUGGLED_LENGTH", "Content-Length: SMUGGLED_LENGTH"]],
    ["a Content-Length list `n, n`", ["Content-Length: SMUGGLED_LENGTH, SMUGGLED_LENGTH"]],
    ["a Content-Length with a sign", ["Content-Length: +SMUGGLED_LENGTH"]],
    ["Transfer-Encoding: chunked, identity", ["Content-Length: 5", "Transfer-Encoding: chunked, identity"]],
    ["Transfer-Encoding: gzip, chunked", ["Content-Length: 5", "Transfer-Encoding: gzip, chunked"]],
    ["Transfer-Encoding: identity", ["Content-Length: 5", "Transfer-Encoding: identity"]],
    ["Transfer-Encoding: xchunked", ["Content-Length: 5", "Transfer-Encoding: xchunked"]],
    ["an obs-folded Transfer-Encoding", ["Content-Length: 5", "Transfer-Encoding:", " chunked"]],
  ])("%s: refused with 500 and the connection closed, nothing reaches the worker", async (_name, headers) => {
    const [first, smuggled, last] = [fresh("refused"), fresh("refused-smuggled"), fresh("refused-last")];
    const tail = get(smuggled);
    const framed = headers.map((h) => h.replaceAll("SMUGGLED_LENGTH", String(LAST_CHUNK.length + tail.length)));
    const { responses, rest, closed, reset } = await exchange(
      post(first, framed, LAST_CHUNK) + tail + finalRequest(last),
      answered(last),
    );
    expect(closed || reset).toBe(true);
    expect(responses).toHaveLength(1);
    expect(rest.length).toBe(0);
    expect(responses[0]?.status).toBe(500);
    expect(header(responses[0]!, "connection")).toEqual(["close"]);
    // workerd's own answer, not the gatekeeper's error page: the worker never ran.
    expect(responses[0]?.body.toString()).toBe("Internal Server Error");
    expect(await healthStatus()).toBe(200);
    for (const path of [first, smuggled, last]) expect(seen(path), path).toHaveLength(0);
  });

  it("two different Content-Lengths on the consent post: refused, no consent recorded", async () => {
    const { responses } = await exchange(
      post("/__gk/consent", [...CONSENT_HEADERS, "Content-Length: 5", "Content-Length: 15"], "allow=analytics") +
        finalRequest("/__gk/health"),
      count(2),
    );
    expect(responses.map((r) => r.status)).toEqual([500]);
    expect(header(responses[0]!, "set-cookie")).toEqual([]);
  });

  describe("accepted leniently, framed by Transfer-Encoding (pinned)", () => {
    it("Transfer-Encoding: chunked twice: decoded once", async () => {
      const [first, last] = [fresh("te-twice"), fresh("te-twice-last")];
      const { responses } = await exchange(
        post(first, ["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], chunk("abcde") + LAST_CHUNK) +
          finalRequest(last),
        answered(last),
      );
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
      expect(seen(first)[0]?.body).toBe("abcde");
    });

    it("whitespace before the colon (`Transfer-Encoding : chunked`, §5.1 says reject): read as Transfer-Encoding", async () => {
      const [first, last] = [fresh("te-space"), fresh("te-space-last")];
      const { responses } = await exchange(
        post(first, ["Content-Length: 5", "Transfer-Encoding : chunked"], chunk("abcde") + LAST_CHUNK) +
          finalRequest(last),
        answered(last),
      );
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
      expect(seen(first)[0]?.body).toBe("abcde");
      expect(seen(last)).toHaveLength(1);
    });

    it("HTTP/1.0 with Transfer-Encoding (§6.1: faulty framing, close after): read as chunked, kept alive", async () => {
      const [first, next] = [fresh("http10"), fresh("http10-next")];
      const request = post(first, ["Content-Length: 5", "Transfer-Encoding: chunked"], chunk("abcde") + LAST_CHUNK);
      const { responses } = await exchange(
        request.replace("HTTP/1.1", "HTTP/1.0") + finalRequest(next),
        answered(next),
      );
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
      expect(seen(first)[0]?.body).toBe("abcde");
      expect(seen(next)).toHaveLength(1);
    });
  });

  it("still serves after every case above", async () => {
    expect(await healthStatus()).toBe(200);
    // Every path the tests sent was seen at most once: no request was ever replayed.
    const paths = seenPaths();
    expect(new Set(paths).size).toBe(paths.length);
  });
});

describe("origin responses with conflicting framing, end to end through the served gatekeeper", () => {
  const GTM = `<script src="https://www.googletagmanager.com/gtm.js?id=GTM-1"></script>`;
  const PAGE = `<!doctype html><html><head><title>t</title></head><body><p>a</p>${GTM}<p>b</p></body></html>`;
  const SCRIPT = `console.log("first");${"/*pad*/".repeat(20)}console.log("last");`;
  let raw: RecordingOrigin;
  /** What the raw origin writes for the next request, verbatim; `keep` leaves the connection open. */
  let next: { bytes: string; keep?: boolean } = { bytes: "" };

  beforeAll(async () => {
    raw = await recordingOrigin((req, res) => {
      const socket = res.socket ?? req.socket;
      if (next.keep) socket.write(next.bytes);
      else socket.end(next.bytes);
    });
  });
  afterAll(() => raw?.close());

  const head = (type: string, ...lines: string[]) =>
    ["HTTP/1.1 200 OK", `Content-Type: ${type}`, ...lines].join("\r\n") + "\r\n\r\n";
  const chunked = (body: string) => chunk(body) + LAST_CHUNK;

  it("a pass-through script with a short Content-Length and chunked: the visitor gets one framing, the whole body", async () => {
    next = {
      bytes:
        head("text/javascript", "Connection: close", "Content-Length: 21", "Transfer-Encoding: chunked") +
        chunked(SCRIPT),
    };
    const { responses } = await exchange(finalRequest(raw.via("/app.js")), count(1));
    expect(responses).toHaveLength(1);
    // The origin's Content-Length: 21 does not reach the visitor beside a longer body.
    expect(header(responses[0]!, "content-length")).toEqual([]);
    expect(header(responses[0]!, "transfer-encoding")).toEqual(["chunked"]);
    expect(responses[0]?.body.toString()).toBe(SCRIPT);
  });

  it("an HTML page with a short Content-Length and chunked: filtered whole, no Content-Length", async () => {
    next = {
      bytes: head("text/html", "Connection: close", "Content-Length: 8", "Transfer-Encoding: chunked") + chunked(PAGE),
    };
    const { responses } = await exchange(finalRequest(raw.via("/page")), count(1));
    expect(responses.map((r) => r.status)).toEqual([200]);
    expect(header(responses[0]!, "content-length")).toEqual([]);
    const text = responses[0]!.body.toString();
    expect(text).toContain("<p>a</p><p>b</p>");
    expect(text).not.toContain("googletagmanager");
  });

  it("two different Content-Lengths: a clean 502, nothing of the page", async () => {
    next = {
      bytes: head("text/html", "Connection: close", "Content-Length: 8", `Content-Length: ${PAGE.length}`) + PAGE,
    };
    const { responses } = await exchange(finalRequest(raw.via("/page")), count(1));
    expect(responses.map((r) => r.status)).toEqual([502]);
    expect(responses[0]!.body.toString()).not.toContain("<p>a</p>");
  });

  it("a second response behind a Content-Length body, connection kept open: workerd's pool hands it to the next request, still filtered", async () => {
    const first = "<!doctype html><p>first</p>";
    const smuggled = `<!doctype html><p>SMUGGLED</p>${GTM}`;
    next = {
      keep: true,
      bytes:
        head("text/html", `Content-Length: ${first.length}`) +
        first +
        head("text/html", `Content-Length: ${smuggled.length}`, "Set-Cookie: planted=1") +
        smuggled,
    };
    const a = await exchange(finalRequest(raw.via("/a")), count(1));
    expect(a.responses[0]?.body.toString()).toContain("<p>first</p>");
    expect(a.responses[0]?.body.toString()).not.toContain("SMUGGLED");
    next = { bytes: head("text/html", "Connection: close", "Content-Length: 17") + "<p>the real b</p>" };
    const b = await exchange(finalRequest(raw.via("/b")), count(1));
    const text = b.responses[0]!.body.toString();
    // Pinned (docs/SECURITY.md A7): workerd's HTTP client reuses the connection for the next
    // request and takes the bytes the origin sent after the first body as its answer: the
    // visitor of /b gets the response (and the cookie) that followed /a. The gate still filters it.
    expect(text).toContain("<p>SMUGGLED</p>");
    expect(text).not.toContain("the real b");
    expect(header(b.responses[0]!, "set-cookie").join("\n")).toContain("planted=1");
    expect(text).not.toContain("googletagmanager");
  });
});

// parseResponses is the reading every assertion above relies on: a check of it on known bytes.
describe("the raw response reader", () => {
  it("splits Content-Length and chunked responses and keeps a truncated one as rest", () => {
    const data = Buffer.from(
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n1\r\nd\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\ncut",
    );
    const { responses, rest } = parseResponses(data);
    expect(responses.map((r) => [r.status, r.body.toString()])).toEqual([
      [200, "ok"],
      [404, "abcd"],
    ]);
    expect(rest.toString()).toMatch(/cut$/);
  });
});
