import { describe, expect, it } from "vitest";
import { HOP_BY_HOP, withoutHopByHop } from "../../src/http/hop-by-hop";

describe("withoutHopByHop", () => {
  it("removes every hop-by-hop header and keeps the rest", () => {
    const headers = new Headers({ "content-type": "text/html", "x-keep": "1" });
    for (const name of HOP_BY_HOP) headers.set(name, "x");
    headers.set("connection", "close");
    const out = withoutHopByHop(headers);
    expect([...out.keys()].sort()).toEqual(["content-type", "x-keep"]);
    expect(out.get("x-keep")).toBe("1");
  });

  it.each([
    ["one name", "x-a", ["x-b"]],
    ["several names, any case and spacing", " X-A ,x-B,close", []],
    ["keep-alive and a name", "keep-alive, X-A", ["x-b"]],
    ["empty items", ",, x-a ,", ["x-b"]],
    ["a name that is not a token", "x-a, not a name, x(b)", ["x-b"]],
  ])("removes headers the Connection header names: %s", (_, connection, left) => {
    const headers = new Headers({ connection, "x-a": "1", "x-b": "2" });
    expect([...withoutHopByHop(headers).keys()].sort()).toEqual(left);
  });

  it("reads every Connection header line", () => {
    const headers = new Headers([
      ["connection", "x-a"],
      ["connection", "x-b"],
      ["x-a", "1"],
      ["x-b", "2"],
      ["x-c", "3"],
    ]);
    expect([...withoutHopByHop(headers).keys()]).toEqual(["x-c"]);
  });

  it("does not touch the headers it was given", () => {
    const headers = new Headers({ connection: "x-a", "x-a": "1", te: "trailers" });
    withoutHopByHop(headers);
    expect([...headers.keys()].sort()).toEqual(["connection", "te", "x-a"]);
  });

  it("keeps every Set-Cookie line", () => {
    const headers = new Headers([
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
      ["connection", "close"],
    ]);
    expect(withoutHopByHop(headers).getSetCookie()).toEqual(["a=1", "b=2"]);
  });
});
