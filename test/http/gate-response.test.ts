import { describe, expect, it } from "vitest";
import { appendVary, isHtml, isReadableEncoding } from "../../src/http/gate-response";

describe("isReadableEncoding", () => {
  it.each([
    [null, true],
    ["", true],
    ["identity", true],
    ["gzip", true],
    ["br", true],
    ["GZIP", true],
    [" br ", true],
    ["identity, gzip", true],
    ["gzip, identity", true],
    ["deflate", false],
    ["zstd", false],
    ["compress", false],
    ["x-gzip", false],
    ["gzip, br", false],
    ["gzip, gzip", false],
    ["br, deflate", false],
    ["unknown", false],
  ])("%j -> %s", (header, readable) => {
    expect(isReadableEncoding(header)).toBe(readable);
  });
});

describe("appendVary", () => {
  it.each([
    [null, "Cookie, Sec-GPC"],
    ["", "Cookie, Sec-GPC"],
    ["Accept-Encoding", "Accept-Encoding, Cookie, Sec-GPC"],
    ["accept-encoding, cookie", "accept-encoding, cookie, Sec-GPC"],
    ["Sec-GPC,Cookie", "Sec-GPC, Cookie"],
    ["Origin, , Accept", "Origin, Accept, Cookie, Sec-GPC"],
    ["*", "*"],
    ["Accept, *", "Accept, *"],
  ])("Vary %j -> %j", (vary, expected) => {
    const headers = new Headers();
    if (vary !== null) headers.set("vary", vary);
    appendVary(headers, ["Cookie", "Sec-GPC"]);
    expect(headers.get("vary")).toBe(expected);
  });

  it("keeps one Vary line when the origin sent several", () => {
    const headers = new Headers([
      ["vary", "Accept-Encoding"],
      ["vary", "Origin"],
    ]);
    appendVary(headers, ["Cookie"]);
    expect(headers.get("vary")).toBe("Accept-Encoding, Origin, Cookie");
  });
});

describe("isHtml", () => {
  it.each([
    ["text/html", true],
    ["text/html; charset=utf-8", true],
    ["TEXT/HTML;charset=UTF-8", true],
    [" text/html ", true],
    ["application/xhtml+xml", true],
    ["text/plain", false],
    ["text/html-sandboxed", false],
    ["application/json", false],
    ["image/svg+xml", false],
    ["", false],
    [null, false],
  ])("%j -> %s", (type, html) => {
    expect(isHtml(type)).toBe(html);
  });
});
