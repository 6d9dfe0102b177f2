/**
 * The visitor's side: banner, footer link, preferences, declaration, withdrawal that
 * deletes, Google Consent Mode, placeholders. Through the whole app with an injected origin.
 */
import { describe, expect, it } from "vitest";
import { parseConsentValue } from "../../src/consent/cookie";
import { consentCookie, html, makeGate, SITE, shippedFiles, stripInjected } from "../helpers/gate";

const ALL = ["functional", "analytics", "marketing", "social"];
const PAGE = `<!doctype html><html><head><title>t</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());gtag('config','G-1');</script>
</head><body><h1>Etusivu</h1>
<section><script src="https://static.elfsight.com/platform/platform.js" async></script><div class="elfsight-app-5d6e2f3a-8b1c-4d7e-9f20-3a4b5c6d7e8f" data-elfsight-app-lazy></div></section>
<script>window.intercomSettings={app_id:"a1"};</script>
</body></html>`;

/** The elements a page carries with data-gatekeeper, by id/class, for compact assertions. */
function injected(page: string): string[] {
  return [...page.matchAll(/<(\w+) data-gatekeeper(?:[^>]*?(?:id|class)="([^"]+)")?/g)].map(
    (m) => `${m[1]}${m[2] ? `.${m[2]}` : ""}`,
  );
}

describe("the banner", () => {
  it("is injected at the start of <body> while there is no consent, in Finnish by default", async () => {
    const { request } = makeGate(() => html(PAGE));
    const out = await (await request("/hinnasto?x=1")).text();
    expect(out).toMatch(/<body><style data-gatekeeper>[^<]+<\/style><div data-gatekeeper id="gk-banner"/);
    expect(out).toContain(
      'role="dialog" aria-labelledby="gk-banner-title" aria-describedby="gk-banner-body" lang="fi"',
    );
    expect(out).toContain(
      '<form method="post" action="/__gk/consent"><input type="hidden" name="return" value="/hinnasto?x=1">',
    );
    expect(out).toContain('<button type="submit" name="allow" value="all" class="gk-btn">Hyväksy kaikki</button>');
    expect(out).toContain('<button type="submit" name="allow" value="none" class="gk-btn">Hylkää kaikki</button>');
    expect(out).toContain('<a class="gk-btn" href="/__gk/preferences?return=%2Fhinnasto%3Fx%3D1">Asetukset</a>');
  });

  it.each([
    ["sv-FI,sv;q=0.9,en;q=0.5", "Godkänn alla", 'lang="sv"'],
    ["en-GB,en;q=0.8", "Accept all", 'lang="en"'],
    ["de-DE,fr;q=0.5", "Hyväksy kaikki", 'lang="fi"'],
    ["en;q=0.2, fi;q=0.9", "Hyväksy kaikki", 'lang="fi"'],
  ])("follows Accept-Language %s", async (accept, button, lang) => {
    const { request } = makeGate(() => html(PAGE));
    const res = await request("/", { headers: { "accept-language": accept } });
    const out = await res.text();
    expect(out).toContain(button);
    expect(out).toContain(lang);
    expect(res.headers.get("vary")).toContain("Accept-Language");
  });

  it("is not shown with valid consent, and shows again for consent to an older policy version", async () => {
    const { request } = makeGate(() => html(PAGE));
    const current = await (await request("/", { headers: { cookie: consentCookie([]) } })).text();
    expect(current).not.toContain("gk-banner");
    const outdated = await (await request("/", { headers: { cookie: consentCookie(ALL, 0) } })).text();
    expect(outdated).toContain("gk-banner");
  });

  it("is only for top-level documents, not iframes or fetched fragments", async () => {
    const { request } = makeGate(() => html(PAGE));
    for (const dest of ["iframe", "empty"]) {
      const out = await (await request("/", { headers: { "sec-fetch-dest": dest } })).text();
      expect(out, dest).not.toContain("gk-banner");
    }
  });

  it("reuses the page's CSP nonce for its script and style", async () => {
    const { request } = makeGate(() =>
      html(PAGE, {
        headers: { "content-security-policy": "script-src 'nonce-r4nd0m+/=' 'strict-dynamic'; object-src 'none'" },
      }),
    );
    const res = await request("/");
    const out = await res.text();
    expect(out).toContain('<style data-gatekeeper nonce="r4nd0m+/=">');
    expect(out).toContain(
      '<script data-gatekeeper nonce="r4nd0m+/=">(function(){var b=document.getElementById("gk-banner")',
    );
    // The origin's policy is passed on unchanged, never loosened.
    expect(res.headers.get("content-security-policy")).toBe(
      "script-src 'nonce-r4nd0m+/=' 'strict-dynamic'; object-src 'none'",
    );
  });

  it("marks everything it injects with data-gatekeeper, and leaves every other byte as it was", async () => {
    const page = `<html><head></head><body><p>x</p></body></html>`;
    const { request } = makeGate(() => html(page));
    const out = await (await request("/")).text();
    // The client API, the refused vendors' stand-ins, the banner's style, the banner and its script, the footer.
    expect(injected(out)).toEqual(["script", "script", "style", "div.gk-banner", "script", "nav.gk-footer"]);
    expect(await stripInjected(out)).toBe(page);
  });
});

describe("the footer link", () => {
  it("leads to the preferences page from every page, consent or not", async () => {
    const { request } = makeGate(() => html(PAGE));
    const out = await (await request("/a?b=1", { headers: { cookie: consentCookie(ALL) } })).text();
    expect(out).toContain(
      '<nav data-gatekeeper class="gk-footer" lang="fi" aria-label="Evästeasetukset"><a href="/__gk/preferences?return=%2Fa%3Fb%3D1">Evästeasetukset</a></nav></body>',
    );
  });
  it("is switched off by the policy", async () => {
    const files = shippedFiles();
    files["policies/sites/default.yaml"].ui.footerLink = false;
    const { request } = makeGate(() => html(PAGE), files);
    const out = await (await request("/", { headers: { cookie: consentCookie(ALL) } })).text();
    expect(out).not.toContain("gk-footer");
  });
});

describe("/__gk/preferences", () => {
  it("shows one checkbox per optional purpose with the current state, without script", async () => {
    const { request, sent } = makeGate(() => html(PAGE));
    const res = await request("/__gk/preferences?return=/hinnasto", {
      headers: { cookie: consentCookie(["analytics", "social"]) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const out = await res.text();
    expect(out).not.toContain("<script");
    expect(out).toContain('<input type="checkbox" id="gk-p-necessary" checked disabled');
    expect(out).toContain('<input type="checkbox" id="gk-p-analytics" name="allow" value="analytics" checked');
    expect(out).toContain('<input type="checkbox" id="gk-p-social" name="allow" value="social" checked');
    expect(out).toContain('<input type="checkbox" id="gk-p-marketing" name="allow" value="marketing" aria-describedby');
    expect(out).toContain('<input type="hidden" name="return" value="/hinnasto">');
    expect(out).toContain("Google Tag Manager");
    expect(out).toContain("<code>_ga_*</code> (2 vuotta)");
    expect(sent).toHaveLength(0);
  });

  it("posts a form the consent endpoint accepts, even with every box unticked", async () => {
    const { request } = makeGate(() => html(PAGE));
    const out = await (await request("/__gk/preferences")).text();
    // The save form carries allow=necessary, so an empty choice is still a valid post.
    expect(out).toMatch(
      /<form method="post" action="\/__gk\/consent" id="gk-save"><input type="hidden" name="return" value="\/"><input type="hidden" name="allow" value="necessary">/,
    );
    const res = await request("/__gk/consent", {
      method: "POST",
      body: "return=%2F&allow=necessary",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: SITE },
    });
    expect(
      parseConsentValue(decodeURIComponent((res.headers.get("set-cookie") ?? "").split(";")[0]!.split("=")[1]!))
        ?.purposes,
    ).toEqual(["necessary"]);
  });

  it("speaks sv and en on ?lang=, with links to the other languages", async () => {
    const { request } = makeGate(() => html(PAGE));
    const sv = await (await request("/__gk/preferences?lang=sv")).text();
    expect(sv).toContain('<html lang="sv" data-gatekeeper>');
    expect(sv).toContain("Cookieinställningar");
    expect(sv).toContain('hreflang="en">English</a>');
    const en = await (await request("/__gk/preferences", { headers: { "accept-language": "en" } })).text();
    expect(en).toContain("<h1>Cookie settings</h1>");
  });
});

describe("/__gk/cookies", () => {
  it.each([
    ["fi", "Käytetyt evästeet", "2 vuotta", "9 kuukautta"],
    ["sv", "Cookies som används", "2 år", "9 månader"],
    ["en", "Cookies we use", "2 years", "9 months"],
  ])("declares every cookie of the policy in %s", async (lang, title, twoYears, nineMonths) => {
    const { request } = makeGate(() => html(PAGE));
    const out = await (await request(`/__gk/cookies?lang=${lang}`)).text();
    expect(out).toContain(`<h1>${title}</h1>`);
    for (const name of [
      "session",
      "AWSALB",
      "AWSALBCORS",
      "gk_consent",
      "_ga",
      "_ga_*",
      "_gid",
      "_gcl_*",
      "intercom-id-*",
      "intercom-session-*",
      "_fbp",
    ])
      expect(out, name).toContain(`<code>${name}</code>`);
    expect(out).toContain(twoYears);
    expect(out).toContain(nineMonths);
    expect(out).toContain('<a href="https://www.intercom.com/legal/privacy" rel="noopener noreferrer">Intercom</a>');
    expect(out).toContain(".kevyt.example");
    expect(out).toContain('href="https://kevyt.example/tietosuoja"');
  });
});

describe("withdrawal that deletes", () => {
  const browserCookies =
    "session=s1; AWSALB=lb; AWSALBCORS=lb; _ga=GA1.1.1.1; _ga_ABC123=GS1.1; _gid=x; _gcl_au=1.1; intercom-id-a1=u; intercom-session-a1=s; other=1";

  it("expires refused purposes' cookies on every parent domain, and never necessary ones", async () => {
    const { request } = makeGate(() => html("<p>x</p>"));
    const res = await request("https://www.kevyt.example/", {
      headers: { cookie: `${browserCookies}; ${consentCookie(["functional"])}` },
    });
    const set = res.headers.getSetCookie();
    const expired = (name: string) => set.filter((c) => c.startsWith(`${name}=; Max-Age=0`));
    expect(expired("_ga").map((c) => /Domain=([^;]+)/.exec(c)?.[1] ?? "host")).toEqual([
      "host",
      "www.kevyt.example",
      "kevyt.example",
    ]);
    expect(expired("_ga")[0]).toBe("_ga=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure");
    for (const name of ["_ga_ABC123", "_gid", "_gcl_au"]) expect(expired(name), name).toHaveLength(3);
    for (const name of [
      "session",
      "AWSALB",
      "AWSALBCORS",
      "gk_consent",
      "other",
      "intercom-id-a1",
      "intercom-session-a1",
    ])
      expect(expired(name), name).toHaveLength(0);
  });

  it("keeps refused cookies from the origin, and drops the origin's Set-Cookie for them", async () => {
    const headers = new Headers({ "content-type": "text/html" });
    for (const c of ["_ga=GA1.2.3; Path=/; Domain=.kevyt.example", "AWSALB=new; Path=/", "intercom-id-a1=z; Path=/"])
      headers.append("set-cookie", c);
    const { request, sent } = makeGate(() => new Response("<p>x</p>", { headers }));
    const res = await request("/", { headers: { cookie: `${browserCookies}; ${consentCookie(["functional"])}` } });
    expect(sent[0]!.headers.get("cookie")).toBe(
      `session=s1; AWSALB=lb; AWSALBCORS=lb; intercom-id-a1=u; intercom-session-a1=s; other=1; ${consentCookie(["functional"])}`,
    );
    const set = res.headers.getSetCookie();
    expect(set).toContain("AWSALB=new; Path=/");
    expect(set).toContain("intercom-id-a1=z; Path=/");
    expect(set.some((c) => c.startsWith("_ga=GA1"))).toBe(false);
  });

  it("withdrawing in the consent form expires the newly refused cookies in that same answer", async () => {
    const { request } = makeGate(() => new Response(""));
    const res = await request("/__gk/consent", {
      method: "POST",
      body: "allow=none",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: SITE,
        cookie: `${browserCookies}; ${consentCookie(ALL)}`,
      },
    });
    const names = res.headers.getSetCookie().map((c) => c.slice(0, c.indexOf("=")));
    expect(names[0]).toBe("gk_consent");
    expect(new Set(names.slice(1))).toEqual(
      new Set(["_ga", "_ga_ABC123", "_gid", "_gcl_au", "intercom-id-a1", "intercom-session-a1"]),
    );
  });
});

describe("Google Consent Mode v2", () => {
  const defaults = (out: string) => {
    const m = /gtag\("consent","default",(\{[^}]*\})\);<\/script>/.exec(out);
    return m ? (JSON.parse(m[1]!) as Record<string, string>) : null;
  };

  it("goes first in <head> with the decision's actual values when gtag may load", async () => {
    const { request } = makeGate(() => html(PAGE));
    const out = await (await request("/", { headers: { cookie: consentCookie(["analytics"]) } })).text();
    expect(out.indexOf('gtag("consent","default"')).toBeLessThan(out.indexOf("gtag/js"));
    expect(out).toMatch(
      /<head><script data-gatekeeper>window\.dataLayer=window\.dataLayer\|\|\[\];function gtag\(\)\{dataLayer\.push\(arguments\);\}gtag\("consent","default"/,
    );
    expect(defaults(out)).toEqual({
      ad_storage: "denied",
      ad_user_data: "denied",
      ad_personalization: "denied",
      analytics_storage: "granted",
      functionality_storage: "denied",
      personalization_storage: "denied",
      security_storage: "granted",
    });
  });

  it("grants ads signals with marketing, and Sec-GPC takes them back", async () => {
    const { request } = makeGate(() => html(PAGE));
    const all = defaults(await (await request("/", { headers: { cookie: consentCookie(ALL) } })).text());
    expect(Object.values(all ?? {})).toEqual(Array(7).fill("granted"));
    const gpc = defaults(
      await (await request("/", { headers: { cookie: consentCookie(ALL), "sec-gpc": "1" } })).text(),
    );
    expect(gpc?.ad_storage).toBe("denied");
    expect(gpc?.analytics_storage).toBe("granted");
  });

  it("is absent when no Google tag may load", async () => {
    const { request } = makeGate(() => html(PAGE));
    expect(defaults(await (await request("/", { headers: { cookie: consentCookie(["social"]) } })).text())).toBeNull();
  });

  it("goes before the first script when the page has no <head>", async () => {
    const { request } = makeGate(() =>
      html(`<p>a</p><script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>`),
    );
    const out = await (await request("/", { headers: { cookie: consentCookie(["analytics"]) } })).text();
    expect(out.startsWith("<p>a</p><script data-gatekeeper")).toBe(true);
    const consent = out.indexOf('gtag("consent","default"');
    expect(consent).toBeGreaterThan(0);
    expect(consent).toBeLessThan(out.indexOf("gtag/js?id=G-1"));
  });

  it.each([
    [
      "nested after other elements",
      `<title>t</title><div><span>s</span><p>p</p><script>gtag('config', 'G-1');</script></div>`,
    ],
    [
      "at the top level after other elements",
      `<!doctype html><title>t</title><p>a</p><script>gtag('config', 'G-1');</script>`,
    ],
    [
      "after a script-free section",
      `<section><p>a</p></section><div><i>x</i><script>gtag('config', 'G-1');</script></div>`,
    ],
  ])("goes before the first script without <head> or <body>: %s", async (_, page) => {
    const { request } = makeGate(() =>
      html(`${page}<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>`),
    );
    const out = await (await request("/", { headers: { cookie: consentCookie(["analytics"]) } })).text();
    const consent = out.indexOf('gtag("consent","default"');
    expect(consent).toBeGreaterThan(0);
    expect(consent).toBeLessThan(out.indexOf("gtag('config', 'G-1')"));
    expect(out.split('gtag("consent","default"').length).toBe(2);
  });

  // Only a doctype, comments, whitespace and <html> can come before <head> (HTML's "before head"
  // insertion mode): whatever leads, the defaults are the head's first child and its tag stays.
  it.each([
    [
      "a doctype, comments and whitespace",
      `<!doctype html>\n<!-- a -->\n<html lang="fi">\n<!-- b -->\n<head data-x="1">`,
    ],
    ["no <html>", `<!-- a --><HEAD data-x="1">`],
    ["an upper-case <HEAD> with spaces", `<!DOCTYPE html><HTML lang="fi">  <HEAD data-x="1" >`],
  ])("is the first thing in <head> after %s", async (_, start) => {
    const { request } = makeGate(() =>
      html(`${start}<title>t</title><script>gtag('config', 'G-1');</script></head><body><p>x</p></body></html>`),
    );
    const out = await (await request("/", { headers: { cookie: consentCookie(["analytics"]) } })).text();
    const head = out.search(/<head data-x="1"\s*>/i);
    expect(head).toBeGreaterThan(-1);
    expect(out.slice(0, head)).not.toContain("<script");
    expect(
      out
        .slice(head)
        .replace(/^<head data-x="1"\s*>/i, "")
        .startsWith("<script data-gatekeeper"),
    ).toBe(true);
    expect(out.split('gtag("consent","default"').length).toBe(2);
  });

  it.each([
    ["<html> without <head>", `<!doctype html><html lang="fi"><title>t</title>`],
    ["<html> and <body> without <head>", `<!doctype html><html lang="fi"><body><p>a</p><div>`],
    ["a <body> alone", `<!-- a --><body class="b"><div><p>a</p>`],
  ])("goes before the first script with %s", async (_, start) => {
    const { request } = makeGate(() => html(`${start}<script>gtag('config', 'G-1');</script><p>z</p>`));
    const out = await (await request("/", { headers: { cookie: consentCookie(["analytics"]) } })).text();
    const consent = out.indexOf('gtag("consent","default"');
    // The page's own tags stay whole and ahead of the defaults (the banner may follow <body>).
    for (const tag of start.match(/<(html|body)[^>]*>/g) ?? []) {
      expect(out.indexOf(tag)).toBeGreaterThan(-1);
      expect(out.indexOf(tag)).toBeLessThan(consent);
    }
    expect(consent).toBeLessThan(out.indexOf("gtag('config', 'G-1')"));
    expect(out.split('gtag("consent","default"').length).toBe(2);
  });
});

describe("placeholders", () => {
  it("stand where the Elfsight widget was, with a one-click allow that keeps the current choice", async () => {
    const { request } = makeGate(() => html(PAGE));
    const out = await (await request("/", { headers: { cookie: consentCookie(["analytics"]) } })).text();
    expect(out).not.toContain("elfsight-app-5d6e2f3a-8b1c-4d7e-9f20-3a4b5c6d7e8f");
    expect(out).not.toContain("platform.js");
    expect(out).toContain(
      '<div data-gatekeeper class="gk-ph" lang="fi" data-gatekeeper-vendor="elfsight"><p>Instagram-julkaisumme näytetään Elfsight-palvelun kautta.',
    );
    expect(out).toContain(
      '<input type="hidden" name="allow" value="analytics"><input type="hidden" name="allow" value="necessary"><input type="hidden" name="allow" value="social"><input type="hidden" name="return" value="/"><button type="submit" class="gk-btn">Näytä Instagram-julkaisut</button>',
    );
  });

  it("offer a first-party chat button where Intercom was removed, once the visitor has chosen", async () => {
    const { request } = makeGate(() => html(PAGE));
    const out = await (await request("/", { headers: { cookie: consentCookie(["social"]) } })).text();
    expect(out).toMatch(
      /<div data-gatekeeper class="gk-chat"[^>]*data-gatekeeper-vendor="intercom" role="complementary" aria-label="Keskustele kanssamme">/,
    );
    expect(out).toContain('value="functional">');
    const allowed = await (await request("/", { headers: { cookie: consentCookie(["functional", "social"]) } })).text();
    expect(allowed).not.toContain('class="gk-chat"');
    expect(allowed).not.toContain('class="gk-ph"');
  });

  it("no chat button for a page without Intercom", async () => {
    const { request } = makeGate(() => html("<html><body><p>x</p></body></html>"));
    expect(await (await request("/", { headers: { cookie: consentCookie([]) } })).text()).not.toContain(
      'class="gk-chat"',
    );
  });
});
