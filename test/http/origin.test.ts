import { describe, expect, it } from "vitest";
import { limitAcceptEncoding, originUrl } from "../../src/http/origin";

describe("limitAcceptEncoding", () => {
  it.each([
    [null, "identity"],
    ["", "identity"],
    ["identity", "identity"],
    ["identity;q=1", "identity"],
    ["gzip", "gzip"],
    ["br", "br"],
    ["br, gzip", "gzip, br"],
    ["gzip, deflate, br, zstd", "gzip, br"],
    ["GZIP, BR", "gzip, br"],
    ["deflate, zstd, compress", "identity"],
    ["*", "gzip, br"],
    ["*;q=0.1", "gzip, br"],
    ["*;q=0", "identity"],
    ["gzip;q=0", "identity"],
    ["gzip; q=0, br", "br"],
    ["gzip;q=0.0, br;q=0.000", "identity"],
    ["gzip;q=0.5, br;q=1.0", "gzip, br"],
    ["gzip;Q=0, br", "br"],
    [" gzip;q=0.8 , identity;q=0.1", "gzip"],
  ])("%j -> %j", (header, expected) => {
    expect(limitAcceptEncoding(header)).toBe(expected);
  });
});

describe("originUrl", () => {
  const request = new URL("https://kevyt.example/a/b%2Fc?x=1&y=%20#frag");

  it("without ORIGIN: the request URL, as a copy", () => {
    const out = originUrl(request, undefined);
    expect(out.href).toBe(request.href);
    expect(out).not.toBe(request);
    expect(originUrl(request, "").href).toBe(request.href);
  });

  it.each([
    ["http://127.0.0.1:9000", "http://127.0.0.1:9000/a/b%2Fc?x=1&y=%20"],
    ["https://origin.internal/", "https://origin.internal/a/b%2Fc?x=1&y=%20"],
    ["https://origin.internal/ignored/path?z=9", "https://origin.internal/a/b%2Fc?x=1&y=%20"],
  ])("ORIGIN %s: its scheme and host, the request's path and query", (origin, href) => {
    expect(originUrl(request, origin).href).toBe(href);
  });

  it.each(["//evil.example/x", "/@evil.example/x", "/\\evil.example"])(
    "a request path %j cannot change the origin's host",
    (path) => {
      const out = originUrl(new URL(path, "https://kevyt.example"), "http://127.0.0.1:9000");
      expect(out.host).toBe("127.0.0.1:9000");
    },
  );

  it("an empty query is dropped, a path-only request keeps '/'", () => {
    expect(originUrl(new URL("https://kevyt.example/?"), "http://o.internal").href).toBe("http://o.internal/");
  });
});
