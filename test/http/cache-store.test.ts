/** The cache's storage: the Cache API, and the isolate's own copies in front of it. */
import { describe, expect, it } from "vitest";
import { fromEntry, lookup, store } from "../../src/http/cache-store";

let n = 0;
const KEY = "https://kevyt.example/__gk/cache/abc";
const body = (text: string) => new Response(text).body!;

describe("the isolate's copies in front of the Cache API", () => {
  it("answer within the entry's lifetime, every time whole, and never after it", async () => {
    const cache = await caches.open(`store-${++n}`);
    const headers = new Headers({ "content-type": "text/html", "cache-control": "public, max-age=60", vary: "Cookie" });
    await store(cache, { key: KEY, headers, body: body("<p>page</p>"), ttl: 60, now: 1_000 });
    // The Cache API's copy gone: what answers now is the isolate's.
    await cache.delete(KEY);
    for (let i = 0; i < 3; i++) {
      const found = await lookup(cache, KEY, 30_000);
      expect(found && "page" in found).toBe(true);
      const page = (found as { page: Response }).page;
      const out = fromEntry(page, 31_000, "GET");
      expect(await new Response(out.body).text()).toBe("<p>page</p>");
      expect(out.headers.get("cache-control")).toBe("public, max-age=60");
      expect(out.headers.get("vary")).toBe("Cookie");
      expect(out.headers.get("age")).toBe("30");
    }
    expect(await lookup(cache, KEY, 61_000)).toBeNull();
  });

  it("are one set per cache, and the Cache API's entry is read when the isolate has none", async () => {
    const one = await caches.open(`store-${++n}`);
    const other = await caches.open(`store-${++n}`);
    await store(one, { key: KEY, headers: new Headers(), body: body("x"), ttl: 60, now: Date.now() });
    expect(await lookup(other, KEY, Date.now())).toBeNull();
    await other.put(KEY, new Response("from the Cache API", { headers: { "cache-control": "s-maxage=60" } }));
    const found = (await lookup(other, KEY, Date.now())) as { page: Response };
    expect(await found.page.text()).toBe("from the Cache API");
  });

  it("keep a varied page's header names beside it", async () => {
    const cache = await caches.open(`store-${++n}`);
    const base = `${KEY}-base`;
    await store(cache, {
      key: KEY,
      base: { key: base, vary: ["x-a", "x-b"] },
      headers: new Headers(),
      body: body("v"),
      ttl: 60,
      now: Date.now(),
    });
    expect(await lookup(cache, base, Date.now())).toEqual({ vary: ["x-a", "x-b"] });
  });
});
