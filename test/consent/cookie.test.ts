import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ConsentCookie,
  consentSetCookie,
  MAX_COOKIE_VALUE,
  newConsentId,
  parseConsentValue,
  readConsentCookie,
  serializeConsentValue,
} from "../../src/consent/cookie";
import { decide } from "../../src/consent/decide";
import { activatePolicy } from "../../src/policy/active";
import { NOW, SHIPPED } from "../helpers/gate";

const NAME = "gk_consent";
const ID = "q1w2e3r4t5y6u7i8o9p0aZ";
const VALID = `1.3.analytics-necessary.${NOW}.${ID}`;
const COOKIE: ConsentCookie = { version: 3, purposes: ["analytics", "necessary"], issuedAt: NOW, id: ID };
const { policy } = activatePolicy(SHIPPED);
const OPTIONAL = ["analytics", "functional", "marketing", "social"];

describe("serializeConsentValue / parseConsentValue", () => {
  it("writes the documented v1 format and reads it back", () => {
    expect(serializeConsentValue(COOKIE)).toBe(VALID);
    expect(parseConsentValue(VALID)).toEqual(COOKIE);
  });

  it("sorts and de-duplicates purposes when writing", () => {
    const value = serializeConsentValue({ ...COOKIE, purposes: ["social", "necessary", "social", "analytics"] });
    expect(value).toBe(`1.3.analytics-necessary-social.${NOW}.${ID}`);
  });

  it("round-trips any well-formed cookie (sorted, de-duplicated purposes)", () => {
    const purpose = fc.stringMatching(/^[a-z][a-z0-9]{0,31}$/);
    const cookie = fc.record({
      version: fc.integer({ min: 0, max: 999_999_999 }),
      purposes: fc.array(purpose, { minLength: 1, maxLength: 32 }),
      issuedAt: fc.integer({ min: 0, max: 999_999_999_999 }),
      id: fc.stringMatching(/^[A-Za-z0-9_-]{16,43}$/),
    });
    fc.assert(
      fc.property(cookie, (c) => {
        const parsed = parseConsentValue(serializeConsentValue(c));
        expect(parsed).toEqual({ ...c, purposes: [...new Set(c.purposes)].sort() });
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ["empty", ""],
    ["another format", `2.3.necessary.${NOW}.${ID}`],
    ["no format field", `3.necessary.${NOW}.${ID}`],
    ["id too short (15)", `1.3.necessary.${NOW}.${"a".repeat(15)}`],
    ["id too long (44)", `1.3.necessary.${NOW}.${"a".repeat(44)}`],
    ["id with a dot", `1.3.necessary.${NOW}.${ID}.x`],
    ["id with a base64 '+'", `1.3.necessary.${NOW}.${ID.slice(0, -1)}+`],
    ["uppercase purpose", `1.3.Necessary.${NOW}.${ID}`],
    ["purpose with '_'", `1.3.nec_essary.${NOW}.${ID}`],
    ["empty purpose list", `1.3..${NOW}.${ID}`],
    ["trailing '-' in purposes", `1.3.necessary-.${NOW}.${ID}`],
    ["double '-' in purposes", `1.3.necessary--analytics.${NOW}.${ID}`],
    ["33 purposes", `1.3.${Array.from({ length: 33 }, (_, i) => `p${i}`).join("-")}.${NOW}.${ID}`],
    ["purpose of 33 characters", `1.3.${"a".repeat(33)}.${NOW}.${ID}`],
    ["negative version", `1.-3.necessary.${NOW}.${ID}`],
    ["version of 10 digits", `1.1234567890.necessary.${NOW}.${ID}`],
    ["fractional time", `1.3.necessary.${NOW}.5.${ID}`],
    ["time of 13 digits", `1.3.necessary.1234567890123.${ID}`],
    ["missing time", `1.3.necessary.${ID}`],
    ["JSON", '{"version":3,"purposes":["necessary"]}'],
    ["percent-encoded dot", `1%2E3.necessary.${NOW}.${ID}`],
    ["space inside", `1.3.necessary. ${NOW}.${ID}`],
    ["unknown trailing field", `1.3.necessary.${NOW}.${ID}.extra`],
    ["unknown leading field", `x.1.3.necessary.${NOW}.${ID}`],
    ["a lone quote", '"'],
    ["opening quote only", `"${VALID}`],
    ["closing quote only", `${VALID}"`],
    ["doubly quoted", `""${VALID}""`],
    ["single quotes", `'${VALID}'`],
  ])("rejects %s", (_, raw) => {
    expect(parseConsentValue(raw)).toBeNull();
  });

  it("accepts the value in double quotes (RFC 6265 allows a quoted cookie-value)", () => {
    expect(parseConsentValue(`"${VALID}"`)).toEqual(COOKIE);
  });

  it("newConsentId gives 22 base64url characters that the parser accepts, different each time", () => {
    const ids = new Set(Array.from({ length: 50 }, () => newConsentId()));
    expect(ids.size).toBe(50);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(parseConsentValue(`1.1.necessary.${NOW}.${id}`)?.id).toBe(id);
    }
  });

  it("consentSetCookie: Path=/, SameSite=Lax, Max-Age, Secure only on https", () => {
    expect(consentSetCookie({ name: NAME, value: VALID, maxAgeSeconds: 86400, secure: true })).toBe(
      `${NAME}=${VALID}; Max-Age=86400; Path=/; SameSite=Lax; Secure`,
    );
    expect(consentSetCookie({ name: NAME, value: VALID, maxAgeSeconds: 60, secure: false })).toBe(
      `${NAME}=${VALID}; Max-Age=60; Path=/; SameSite=Lax`,
    );
  });
});

describe("readConsentCookie", () => {
  it.each([
    ["no header", null, { state: "absent" }],
    ["an empty header", "", { state: "absent" }],
    ["other cookies only", "a=1; b=2", { state: "absent" }],
    ["a longer name", `${NAME}x=${VALID}`, { state: "absent" }],
    ["a shorter name", `gk_consen=${VALID}`, { state: "absent" }],
    ["the name in another case", `GK_CONSENT=${VALID}`, { state: "absent" }],
    ["the name without '='", `${NAME}; a=1`, { state: "absent" }],
    ["the name as a value", `a=${NAME}`, { state: "absent" }],
    ["two cookies of the name", `${NAME}=${VALID}; ${NAME}=${VALID}`, { state: "invalid", reason: "duplicate" }],
    [
      "two cookies of the name, one garbled",
      `${NAME}=${VALID}; a=1; ${NAME}=x`,
      { state: "invalid", reason: "duplicate" },
    ],
    ["two cookies of the name, one empty", `${NAME}=; ${NAME}=${VALID}`, { state: "invalid", reason: "duplicate" }],
    ["an empty value", `${NAME}=`, { state: "invalid", reason: "garbled" }],
    [
      "a value padded with U+00A0 (not cookie whitespace)",
      `${NAME}=\u00a0${VALID}`,
      { state: "invalid", reason: "garbled" },
    ],
    ["a name padded with U+00A0", `\u00a0${NAME}=${VALID}`, { state: "absent" }],
    ["a garbled value", `${NAME}=yes`, { state: "invalid", reason: "garbled" }],
    ["an oversized value", `${NAME}=${"a".repeat(MAX_COOKIE_VALUE + 1)}`, { state: "invalid", reason: "oversized" }],
    [
      "the largest value not oversized",
      `${NAME}=${"a".repeat(MAX_COOKIE_VALUE)}`,
      { state: "invalid", reason: "garbled" },
    ],
  ])("%s", (_, header, expected) => {
    expect(readConsentCookie(header, NAME)).toEqual(expected);
  });

  it.each([
    ["alone", `${NAME}=${VALID}`],
    ["among others", `a=1; ${NAME}=${VALID}; b=2`],
    ["without spaces", `a=1;${NAME}=${VALID};b=2`],
    ["with padding", `a=1;   ${NAME} =  ${VALID}  ; b=2`],
    ["quoted", `a=1; ${NAME}="${VALID}"`],
    ["after a value containing '='", `a=b=c; ${NAME}=${VALID}`],
  ])("finds a valid cookie %s", (_, header) => {
    expect(readConsentCookie(header, NAME)).toEqual({ state: "present", cookie: COOKIE });
  });

  it("never throws, and reports only the three states", () => {
    fc.assert(
      fc.property(fc.option(fc.string({ unit: "binary", maxLength: 400 })), fc.string({ minLength: 1 }), (h, name) => {
        const found = readConsentCookie(h, name);
        expect(["absent", "invalid", "present"]).toContain(found.state);
      }),
      { numRuns: 1000 },
    );
  });
});

/** Characters that cannot continue the id, so a suffix containing one cannot be read as part of it. */
const notIdChar = fc.string({ unit: "binary", minLength: 1, maxLength: 20 }).filter((s) => /[^A-Za-z0-9_-]/.test(s));
const validCookie = fc.record({
  version: fc.integer({ min: 1, max: 999_999_999 }),
  purposes: fc.subarray(["necessary", ...OPTIONAL], { minLength: 1 }),
  issuedAt: fc.integer({ min: 0, max: 999_999_999_999 }),
  id: fc.stringMatching(/^[A-Za-z0-9_-]{16,43}$/),
});

describe("a valid value with garbage around it is not accepted", () => {
  it("garbage prefix", () => {
    fc.assert(
      fc.property(validCookie, fc.string({ unit: "binary", minLength: 1, maxLength: 20 }), (c, prefix) => {
        const value = serializeConsentValue(c);
        expect(parseConsentValue(prefix + value)).toBeNull();
        // In a header, spaces and tabs around a value are syntax and ";" ends it.
        fc.pre(!/^[ \t]*$/.test(prefix) && !prefix.includes(";"));
        expect(readConsentCookie(`${NAME}=${prefix}${value}`, NAME).state).not.toBe("present");
      }),
      { numRuns: 1000 },
    );
  });

  it("garbage suffix that is not id characters", () => {
    fc.assert(
      fc.property(validCookie, notIdChar, (c, suffix) => {
        const value = serializeConsentValue(c);
        expect(parseConsentValue(value + suffix)).toBeNull();
        fc.pre(!/^[ \t]*$/.test(suffix) && !suffix.includes(";"));
        expect(readConsentCookie(`${NAME}=${value}${suffix}`, NAME).state).not.toBe("present");
      }),
      { numRuns: 1000 },
    );
  });

  it("id characters appended beyond 43 make the id too long", () => {
    fc.assert(
      fc.property(validCookie, fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), (c, suffix) => {
        const value = serializeConsentValue(c);
        const parsed = parseConsentValue(value + suffix);
        if (c.id.length + suffix.length > 43) expect(parsed).toBeNull();
        // Shorter: a different, well-formed id. Never the original cookie.
        else expect(parsed?.id).toBe(c.id + suffix);
      }),
      { numRuns: 500 },
    );
  });

  it("garbage on both sides, other than one pair of double quotes", () => {
    fc.assert(
      fc.property(
        validCookie,
        fc.string({ unit: "binary", minLength: 1, maxLength: 10 }),
        notIdChar,
        (c, prefix, suffix) => {
          fc.pre(!(prefix === '"' && suffix === '"'));
          expect(parseConsentValue(prefix + serializeConsentValue(c) + suffix)).toBeNull();
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("random Cookie headers through decide", () => {
  const headerSafe = (s: string) => {
    try {
      new Headers({ cookie: s });
      return true;
    } catch {
      return false;
    }
  };
  const fresh = `1.1.${["necessary", ...OPTIONAL].join("-")}.${NOW - 60}.${ID}`;
  const someCookie = fc
    .record({
      version: fc.constantFrom(1, 2),
      purposes: fc.subarray(["necessary", ...OPTIONAL, "bogus"], { minLength: 1 }),
      issuedAt: fc.integer({ min: NOW - 400 * 86400, max: NOW + 3 * 86400 }),
      id: fc.constantFrom(ID),
    })
    .map((c) => `${NAME}=${serializeConsentValue(c)}`);
  // ASCII, controls included: the runtime warns on anything else in a header value.
  const ascii = fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c));
  const fragment = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: ascii, maxLength: 30 }),
    fc.constantFrom(NAME, `${NAME}=`, " ", "; ", ";", "=", '"', "1.", "1.1.", ".", "-", ID, String(NOW), fresh),
    fc.constantFrom("necessary", ...OPTIONAL, "bogus", `${NAME}=${fresh}`, `; ${NAME}=${fresh}`),
    someCookie,
    someCookie.map((c) => `; ${c}`),
  );
  const header = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(""));
  /** A valid v1 value for policy version 1, issued within the lifetime, somewhere in the header. */
  const VALID_V1 = new RegExp(
    `${NAME}[ \\t]*=[ \\t]*"?1\\.0*1\\.[a-z0-9]+(?:-[a-z0-9]+)*\\.(\\d+)\\.[A-Za-z0-9_-]{16,43}"?[ \\t]*(?:;|$)`,
    "g",
  );
  const containsValidV1 = (h: string) =>
    [...h.matchAll(VALID_V1)].some(([, t]) => Number(t) <= NOW + 86400 && Number(t) >= NOW - 365 * 86400);

  it("never throw, and allow more than `necessary` only with a valid current cookie in them", () => {
    let widened = 0;
    fc.assert(
      fc.property(header.filter(headerSafe), fc.constantFrom(undefined, "0", "1"), (cookie, gpc) => {
        const headers = new Headers({ cookie });
        if (gpc) headers.set("sec-gpc", gpc);
        const d = decide(policy, { host: "kevyt.example", headers }, NOW);
        for (const p of d.allowed) expect(policy.purposes.map((x) => x.id)).toContain(p);
        expect(d.allowed.has("necessary")).toBe(true);
        if (d.allowed.size > 1) {
          widened++;
          expect(d.basis).toBe("consent");
          expect(containsValidV1(headers.get("cookie") ?? "")).toBe(true);
        }
        if (!(headers.get("cookie") ?? "").includes(NAME)) expect(d.basis).toBe("no-consent");
      }),
      { numRuns: 2000 },
    );
    // The generator must reach the interesting side too, or the property says nothing.
    expect(widened).toBeGreaterThan(0);
  });
});
