/**
 * HTMLRewriter (lol-html) hands attribute values over raw, with character references still
 * encoded: `https://www.google&#x74;agmanager.com` reaches a handler as written, while the
 * browser fetches the decoded URL. Decode before matching so an encoded host cannot hide.
 * https://html.spec.whatwg.org/multipage/parsing.html#character-reference-state
 */

/**
 * The named references that can change which host or path a URL names: those whose text
 * contains ASCII, and those the URL parser's host mapping (UTS 46) turns into ASCII or nothing
 * (`&topf;` is "t" in a host, `&shy;` vanishes). Any other reference stays as written: its
 * character is not ASCII in the browser's URL either, so it cannot complete a vendor's host or
 * path. Names without ";" are the legacy ones that also match without it. Case matters.
 * test/html/attribute-value.test.ts checks this list against every name HTML defines.
 */
// biome-ignore format: a table, kept compact
const NAMED: Readonly<Record<string, string>> = {
  // ascii (57): text with ASCII in it
  AMP: "&", "AMP;": "&", "DiacriticalGrave;": "`", GT: ">", "GT;": ">", "Hat;": "^", LT: "<", "LT;": "<",
  "NewLine;": "\n", QUOT: "\"", "QUOT;": "\"", "Tab;": "\t", "UnderBar;": "_", "VerticalLine;": "|", amp: "&",
  "amp;": "&", "apos;": "'", "ast;": "*", "bne;": "=\u20E5", "bsol;": "\\", "colon;": ":", "comma;": ",",
  "commat;": "@", "dollar;": "$", "equals;": "=", "excl;": "!", "fjlig;": "fj", "grave;": "`", gt: ">", "gt;": ">",
  "lbrace;": "{", "lbrack;": "[", "lcub;": "{", "lowbar;": "_", "lpar;": "(", "lsqb;": "[", lt: "<", "lt;": "<",
  "midast;": "*", "num;": "#", "nvgt;": ">\u20D2", "nvlt;": "<\u20D2", "percnt;": "%", "period;": ".", "plus;": "+",
  "quest;": "?", quot: "\"", "quot;": "\"", "rbrace;": "}", "rbrack;": "]", "rcub;": "}", "rpar;": ")", "rsqb;": "]",
  "semi;": ";", "sol;": "/", "verbar;": "|", "vert;": "|",
  // invisible (14): a host drops them
  "ApplyFunction;": "\u2061", "InvisibleComma;": "\u2063", "InvisibleTimes;": "\u2062",
  "NegativeMediumSpace;": "\u200B", "NegativeThickSpace;": "\u200B", "NegativeThinSpace;": "\u200B",
  "NegativeVeryThinSpace;": "\u200B", "NoBreak;": "\u2060", "ZeroWidthSpace;": "\u200B", "af;": "\u2061",
  "ic;": "\u2063", "it;": "\u2062", shy: "\u00AD", "shy;": "\u00AD",
  // math (156): fraktur, double-struck and script letters, which a host maps to a-z
  "Afr;": "\u{1D504}", "Aopf;": "\u{1D538}", "Ascr;": "\u{1D49C}", "Bfr;": "\u{1D505}", "Bopf;": "\u{1D539}",
  "Bscr;": "\u212C", "Cfr;": "\u212D", "Copf;": "\u2102", "Cscr;": "\u{1D49E}", "Dfr;": "\u{1D507}",
  "Dopf;": "\u{1D53B}", "Dscr;": "\u{1D49F}", "Efr;": "\u{1D508}", "Eopf;": "\u{1D53C}", "Escr;": "\u2130",
  "Ffr;": "\u{1D509}", "Fopf;": "\u{1D53D}", "Fscr;": "\u2131", "Gfr;": "\u{1D50A}", "Gopf;": "\u{1D53E}",
  "Gscr;": "\u{1D4A2}", "Hfr;": "\u210C", "Hopf;": "\u210D", "Hscr;": "\u210B", "Ifr;": "\u2111",
  "Iopf;": "\u{1D540}", "Iscr;": "\u2110", "Jfr;": "\u{1D50D}", "Jopf;": "\u{1D541}", "Jscr;": "\u{1D4A5}",
  "Kfr;": "\u{1D50E}", "Kopf;": "\u{1D542}", "Kscr;": "\u{1D4A6}", "Lfr;": "\u{1D50F}", "Lopf;": "\u{1D543}",
  "Lscr;": "\u2112", "Mfr;": "\u{1D510}", "Mopf;": "\u{1D544}", "Mscr;": "\u2133", "Nfr;": "\u{1D511}",
  "Nopf;": "\u2115", "Nscr;": "\u{1D4A9}", "Ofr;": "\u{1D512}", "Oopf;": "\u{1D546}", "Oscr;": "\u{1D4AA}",
  "Pfr;": "\u{1D513}", "Popf;": "\u2119", "Pscr;": "\u{1D4AB}", "Qfr;": "\u{1D514}", "Qopf;": "\u211A",
  "Qscr;": "\u{1D4AC}", "Rfr;": "\u211C", "Ropf;": "\u211D", "Rscr;": "\u211B", "Sfr;": "\u{1D516}",
  "Sopf;": "\u{1D54A}", "Sscr;": "\u{1D4AE}", "Tfr;": "\u{1D517}", "Topf;": "\u{1D54B}", "Tscr;": "\u{1D4AF}",
  "Ufr;": "\u{1D518}", "Uopf;": "\u{1D54C}", "Uscr;": "\u{1D4B0}", "Vfr;": "\u{1D519}", "Vopf;": "\u{1D54D}",
  "Vscr;": "\u{1D4B1}", "Wfr;": "\u{1D51A}", "Wopf;": "\u{1D54E}", "Wscr;": "\u{1D4B2}", "Xfr;": "\u{1D51B}",
  "Xopf;": "\u{1D54F}", "Xscr;": "\u{1D4B3}", "Yfr;": "\u{1D51C}", "Yopf;": "\u{1D550}", "Yscr;": "\u{1D4B4}",
  "Zfr;": "\u2128", "Zopf;": "\u2124", "Zscr;": "\u{1D4B5}", "afr;": "\u{1D51E}", "aopf;": "\u{1D552}",
  "ascr;": "\u{1D4B6}", "bfr;": "\u{1D51F}", "bopf;": "\u{1D553}", "bscr;": "\u{1D4B7}", "cfr;": "\u{1D520}",
  "copf;": "\u{1D554}", "cscr;": "\u{1D4B8}", "dfr;": "\u{1D521}", "dopf;": "\u{1D555}", "dscr;": "\u{1D4B9}",
  "efr;": "\u{1D522}", "eopf;": "\u{1D556}", "escr;": "\u212F", "ffr;": "\u{1D523}", "fopf;": "\u{1D557}",
  "fscr;": "\u{1D4BB}", "gfr;": "\u{1D524}", "gopf;": "\u{1D558}", "gscr;": "\u210A", "hfr;": "\u{1D525}",
  "hopf;": "\u{1D559}", "hscr;": "\u{1D4BD}", "ifr;": "\u{1D526}", "iopf;": "\u{1D55A}", "iscr;": "\u{1D4BE}",
  "jfr;": "\u{1D527}", "jopf;": "\u{1D55B}", "jscr;": "\u{1D4BF}", "kfr;": "\u{1D528}", "kopf;": "\u{1D55C}",
  "kscr;": "\u{1D4C0}", "lfr;": "\u{1D529}", "lopf;": "\u{1D55D}", "lscr;": "\u{1D4C1}", "mfr;": "\u{1D52A}",
  "mopf;": "\u{1D55E}", "mscr;": "\u{1D4C2}", "nfr;": "\u{1D52B}", "nopf;": "\u{1D55F}", "nscr;": "\u{1D4C3}",
  "ofr;": "\u{1D52C}", "oopf;": "\u{1D560}", "oscr;": "\u2134", "pfr;": "\u{1D52D}", "popf;": "\u{1D561}",
  "pscr;": "\u{1D4C5}", "qfr;": "\u{1D52E}", "qopf;": "\u{1D562}", "qscr;": "\u{1D4C6}", "rfr;": "\u{1D52F}",
  "ropf;": "\u{1D563}", "rscr;": "\u{1D4C7}", "sfr;": "\u{1D530}", "sopf;": "\u{1D564}", "sscr;": "\u{1D4C8}",
  "tfr;": "\u{1D531}", "topf;": "\u{1D565}", "tscr;": "\u{1D4C9}", "ufr;": "\u{1D532}", "uopf;": "\u{1D566}",
  "uscr;": "\u{1D4CA}", "vfr;": "\u{1D533}", "vopf;": "\u{1D567}", "vscr;": "\u{1D4CB}", "wfr;": "\u{1D534}",
  "wopf;": "\u{1D568}", "wscr;": "\u{1D4CC}", "xfr;": "\u{1D535}", "xopf;": "\u{1D569}", "xscr;": "\u{1D4CD}",
  "yfr;": "\u{1D536}", "yopf;": "\u{1D56A}", "yscr;": "\u{1D4CE}", "zfr;": "\u{1D537}", "zopf;": "\u{1D56B}",
  "zscr;": "\u{1D4CF}",
  // letterlike (64): a host maps them to ASCII letters or digits
  "Bernoullis;": "\u212C", "CapitalDifferentialD;": "\u2145", "Cayleys;": "\u212D", "DD;": "\u2145",
  "DifferentialD;": "\u2146", "Equal;": "\u2A75", "ExponentialE;": "\u2147", "Fouriertrf;": "\u2131",
  "HilbertSpace;": "\u210B", "IJlig;": "\u0132", "Im;": "\u2111", "ImaginaryI;": "\u2148", "Laplacetrf;": "\u2112",
  "Mellintrf;": "\u2133", "Poincareplane;": "\u210C", "Re;": "\u211C", "TRADE;": "\u2122", "bernou;": "\u212C",
  "circledS;": "\u24C8", "complexes;": "\u2102", "dd;": "\u2146", "ee;": "\u2147", "ell;": "\u2113",
  "expectation;": "\u2130", "exponentiale;": "\u2147", "ffilig;": "\uFB03", "fflig;": "\uFB00", "ffllig;": "\uFB04",
  "filig;": "\uFB01", "fllig;": "\uFB02", "hamilt;": "\u210B", "ii;": "\u2148", "ijlig;": "\u0133",
  "image;": "\u2111", "imagline;": "\u2110", "imagpart;": "\u2111", "integers;": "\u2124", "lagran;": "\u2112",
  "naturals;": "\u2115", "numero;": "\u2116", "oS;": "\u24C8", "order;": "\u2134", "orderof;": "\u2134",
  ordf: "\u00AA", "ordf;": "\u00AA", ordm: "\u00BA", "ordm;": "\u00BA", "phmmat;": "\u2133", "planckh;": "\u210E",
  "primes;": "\u2119", "quaternions;": "\u210D", "rationals;": "\u211A", "real;": "\u211C", "realine;": "\u211B",
  "realpart;": "\u211C", "reals;": "\u211D", sup1: "\u00B9", "sup1;": "\u00B9", sup2: "\u00B2", "sup2;": "\u00B2",
  sup3: "\u00B3", "sup3;": "\u00B3", "trade;": "\u2122", "zeetrf;": "\u2128",
};

/** Longest name in NAMED, semicolon included. */
const LONGEST_NAME = Math.max(...Object.keys(NAMED).map((name) => name.length));

/** Numeric references to 0x80-0x9F mean windows-1252 (the parser's replacement table); by offset. */
const C1 =
  "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
  "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

export function decodeAttributeValue(value: string): string {
  if (!value.includes("&")) return value;
  return value.replace(
    /&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([a-zA-Z][a-zA-Z0-9]*;?))/g,
    (match, hex: string | undefined, dec: string | undefined, name: string | undefined, offset: number) => {
      if (name === undefined)
        return numeric(hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec ?? "", 10));
      // The longest known name the text starts with, as the parser matches.
      for (let length = Math.min(name.length, LONGEST_NAME); length > 1; length--) {
        const ref = name.slice(0, length);
        const text = NAMED[ref];
        if (text === undefined) continue;
        // In an attribute, a legacy name followed by "=" or an alphanumeric stays as written.
        const next = value[offset + 1 + length] ?? "";
        if (!ref.endsWith(";") && /[=a-zA-Z0-9]/.test(next)) return match;
        return text + name.slice(length);
      }
      return match;
    },
  );
}

/** A numeric reference's character; NUL, surrogates and out-of-range numbers become U+FFFD. */
function numeric(code: number): string {
  if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
  return code >= 0x80 && code <= 0x9f ? C1.charAt(code - 0x80) : String.fromCodePoint(code);
}
