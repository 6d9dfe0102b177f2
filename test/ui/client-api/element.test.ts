/**
 * The client API's element (src/ui/client-api/element.ts): the `<script data-gatekeeper>` every
 * HTML page gets, whose state is the page's decision.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide } from "../../../src/consent/decide";
import { activatePolicy } from "../../../src/policy/active";
import { servedScript } from "../../../src/ui/client-api/served";
import { readState, stateOfDecision } from "../../../src/ui/client-api/state";
import { consentCookie, html, makeGate, NOW, SHIPPED, SITE, shippedFiles } from "../../helpers/gate";
import { clientElement, clientElementIn } from "./page";

const policy = activatePolicy(SHIPPED).policy;
const PURPOSES = policy.purposes.map((p) => p.id);
const OPTIONAL = PURPOSES.filter((p) => !policy.required.has(p));
const PAGE = `<!doctype html><html><head><title>t</title></head><body><p>x</p></body></html>`;

/** The refused vendors' stand-ins (src/ui/stand-ins.ts), which follow the element with only social allowed. */
const STAND_INS = `<script data-gatekeeper>(function(w,a,f){a.forEach(function(n){w[n]=w[n]||[]});f.forEach(function(n){w[n]=w[n]||function(){(w[n].q=w[n].q||[]).push(arguments)}})})(window,["dataLayer","_linkedin_data_partner_ids"],["gtag","ga","Intercom","lintrk","fbq","_fbq"]);</script>`;

describe("the element in every page", () => {
  const site = policy.sites[0]!;
  const decisionFor = (headers: Record<string, string>) =>
    decide(policy, { host: new URL(SITE).hostname, headers: new Headers(headers) }, NOW);

  it("comes first in <head>, deferred, with the versioned URL, the page's state and language", async () => {
    const { request } = makeGate(() => html(PAGE));
    const out = await (
      await request("/", { headers: { cookie: consentCookie(["social"]), "accept-language": "en" } })
    ).text();
    expect(out).toContain(
      `<head><script data-gatekeeper src="${servedScript(policy, site).url}" defer data-state="{&quot;allowed&quot;:[&quot;necessary&quot;,&quot;social&quot;],&quot;decided&quot;:true,&quot;source&quot;:&quot;gatekeeper&quot;,&quot;gpc&quot;:false}" data-lang="en"></script>${STAND_INS}<title>`,
    );
  });

  it("carries the state decide() gives for the request, as a browser parses it (fast-check)", async () => {
    const { request } = makeGate(() => html(PAGE));
    await fc.assert(
      fc.asyncProperty(fc.subarray(OPTIONAL), fc.boolean(), async (chosen, gpc) => {
        const headers: Record<string, string> = { cookie: consentCookie(chosen), ...(gpc ? { "sec-gpc": "1" } : {}) };
        const out = await (await request("/", { headers })).text();
        const state = readState(JSON.parse(clientElementIn(out)?.["data-state"] ?? "null"));
        expect(state).toEqual(stateOfDecision(decisionFor(headers)));
      }),
      { numRuns: 16 },
    );
  });

  it("takes the page's CSP nonce, as every injected script does", async () => {
    const { request } = makeGate(() =>
      html(PAGE, { headers: { "content-security-policy": "script-src 'nonce-r4nd0m+/='; object-src 'none'" } }),
    );
    const element = await clientElement(await request("/"));
    expect(element?.nonce).toBe("r4nd0m+/=");
    expect(element?.defer).toBe("");
  });

  it("goes before the first script when the page has no <head>, and into frames and fragments too", async () => {
    const { request } = makeGate(() => html(`<p>x</p><script src="/app.js"></script>`));
    const out = await (await request("/", { headers: { "sec-fetch-dest": "iframe" } })).text();
    expect(out).toMatch(
      /^<p>x<\/p><script data-gatekeeper src="\/__gk\/consent\.js\?v=[0-9a-f]{8}" defer [^>]*><\/script><script data-gatekeeper>\(function\(w,a,f\)[^<]*<\/script><script src="\/app\.js">/,
    );
  });

  it("is not in shadow mode's pages (nothing is changed there), nor under an invalid policy", async () => {
    const shadow = shippedFiles();
    shadow["policies/sites/default.yaml"].mode = "shadow";
    const broken = shippedFiles();
    delete broken["policies/purposes.yaml"];
    for (const files of [shadow, broken]) {
      const { request } = makeGate(() => html(PAGE), files);
      expect(await clientElement(await request("/"))).toBeNull();
    }
  });
});
