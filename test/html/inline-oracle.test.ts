/**
 * A property against an ECMAScript parser: random executable scripts built from vendor URLs and
 * first-party code, the URLs placed as code-level literals (in calls, assignments, templates, with
 * escaped slashes), in comments, or inside data strings. The gate empties a script exactly when
 * acorn, reading the same text, finds a literal that is a refused vendor's URL or a loader
 * signature in code (test/helpers/vendor-oracle.ts, scriptContacts); otherwise the script passes
 * byte for byte.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkSizes, cut, expectPage, PURPOSES, runGate, utf8 } from "../helpers/streaming";
import { parsesAsScript, scriptContacts } from "../helpers/vendor-oracle";

const VENDOR_URLS = [
  "https://widget.intercom.io/widget/demoapp1",
  "https://api-iam.intercom.io/messenger/web/ping",
  "https://www.google-analytics.com/collect?v=1&t=pageview",
  "https://region1.google-analytics.com/g/collect",
  "https://www.googletagmanager.com/gtm.js?id=GTM-DEMO123",
  "//connect.facebook.net/en_US/fbevents.js",
  "https://px.ads.linkedin.com/collect/?pid=1&fmt=gif",
  "https://static.elfsight.com/platform/platform.js",
  "wss://nexus-websocket-a.intercom.io/pubsub",
];
const OWN_URLS = ["/assets/app.js", "https://kevyt.example/api/menu", "https://cdn.kevyt.example/img/a.png"];

/** A URL as a JavaScript string body: as is, or with its slashes escaped. */
const spelled = (url: string) =>
  fc.constantFrom("/", "\\/", "\\x2f", "\\u002f", "\\u{2F}").map((slash) => url.replace(/\//g, () => slash));

const quote = fc.constantFrom("'", '"', "`");

/** One statement holding `url` somewhere: code, comment or data. */
const placed = (url: string): fc.Arbitrary<string> =>
  fc.tuple(spelled(url), quote).chain(([u, q]) =>
    fc.constantFrom(
      `s.src = ${q}${u}${q};`,
      `fetch(${q}${u}${q}, { method: "POST" });`,
      `navigator.sendBeacon(${q}${u}${q});`,
      `new Image().src = ${q}${u}${q} + "&z=" + Date.now();`,
      `window.ws = new WebSocket(${q}${u}${q});`,
      // A template literal with a substitution after the URL ("$" + "{" spelled apart for the linter).
      "load(`" + u + "$" + "{id}`);",
      `// see ${url} for details`,
      `/* ${url} */`,
      `window.help = ${q}Lisää <img src=\\'${u}\\'> sivulle${q};`,
      `window.note = ${q}Palvelu ${u} on estetty${q};`,
      `window.__STATE__ = {"html": "<a href=\\"${u}\\">x<\\/a>", "n": 1};`,
    ),
  );

const firstParty = fc.constantFrom(
  `document.documentElement.classList.add("js");`,
  `window.dataLayer = window.dataLayer || []; dataLayer.push({'gtm.start': Date.now()});`,
  `window.menu = document.querySelector("#menu");`,
  `if (a / 2 > b) { c = /[/]+/.test(d); }`,
  `function f(x) { return \`\${x}/\${x}\`; }`,
);

const script = fc
  .array(
    fc.oneof(firstParty, fc.constantFrom(...VENDOR_URLS).chain(placed), fc.constantFrom(...OWN_URLS).chain(placed)),
    { minLength: 1, maxLength: 5 },
  )
  .map((lines) => lines.join("\n"));

describe("inline code verdicts agree with acorn", () => {
  it("a script is emptied exactly when acorn finds a refused vendor URL literal or loader in code", async () => {
    await fc.assert(
      fc.asyncProperty(script, fc.subarray([...PURPOSES]), chunkSizes, async (code, allow, sizes) => {
        const contacts = scriptContacts(code);
        const refused = contacts.some((c) => !allow.includes(c.purpose));
        const input = `<p>a</p><script>${code}</script><p>b</p>`;
        const out = await runGate(cut(utf8(input), sizes), { allow });
        const expected = refused ? `<p>a</p><script></script><p>b</p>` : input;
        expectPage(out.page, expected, JSON.stringify(contacts));
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it("the generator makes both verdicts", () => {
    const samples = fc.sample(script, 300);
    // Every script parses, so the verdict is acorn's reading, not the oracle's fallback.
    expect(samples.filter((code) => !parsesAsScript(code))).toEqual([]);
    const verdicts = samples.map((code) => scriptContacts(code).length > 0);
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(30);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(30);
  });
});
