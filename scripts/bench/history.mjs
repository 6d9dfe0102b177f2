// Before and after each round of speed work (the speed rounds), as measured by `npm run bench` at
// the time: the 200 KB page at 10 connections (8 from the platform-minimum round on). Each entry is what that run's
// docs/BENCHMARKS.md said; the entry marked `current` takes this run's own numbers in the report
// (report.mjs). Data only.

export const HISTORY = [
  {
    when: "first full run",
    change: "a JS handler on every element that can hold a URL",
    cpuAboveFloorMs: { "gk-none": 13.3, "gk-all": 15.2 },
    rpsRatio: { "gk-none": 0.06, "gk-all": 0.05 },
  },
  {
    when: "d37943b",
    change:
      "native pre-filter for URLs that can only be relative; a vendor `<base>` removed; the inline handler only on inline scripts; only injections when nothing is refused; no re-encoding",
    cpuAboveFloorMs: { "gk-none": 4.79, "gk-all": 2.05, "gk-analytics": 5.93 },
    rpsRatio: { "gk-none": 0.12, "gk-all": 0.25, "gk-analytics": 0.1 },
  },
  {
    when: "c7772b1, d1cd358",
    change:
      "one Aho-Corasick automaton for all inline snippets; filtered noscript fragments kept per policy; no start-tag call for HTML scripts; the Consent Mode fallback only on first-of-type scripts; the CSP host list once per refusal vector; no end-tag wait on removed void elements",
    cpuAboveFloorMs: { "gk-none": 4.19, "gk-all": 1.95, "gk-analytics": 5.05 },
    rpsRatio: { "gk-none": 0.15, "gk-all": 0.28, "gk-analytics": 0.13 },
  },
  {
    when: "4432e50 (8 connections, a loaded machine)",
    change:
      "inline code judged by what it loads (js-tokens), script types, lazy and delayed attributes, CSS url() in style elements and attributes, event-handler attributes, meta refresh, SVG animation, the consent-bucket cache; a lazy attribute matched by presence",
    cpuAboveFloorMs: { "gk-none": 6.01, "gk-all": 2.22, "gk-analytics": 5.74 },
    rpsRatio: { "gk-none": 0.18, "gk-all": 0.34, "gk-analytics": 0.18 },
    cpuVsMinimum: { "gk-none": 3.08, "gk-all": 1.13, "gk-analytics": 3.33 },
    rpsVsMinimum: { "gk-none": 0.59, "gk-all": 1.12, "gk-analytics": 0.6 },
  },
  {
    when: "this run",
    change:
      "one URL handler on one short selector list (about 100 selector alternatives fewer), one document-end handler, no end-tag wait on text-only elements, selector lists built once per isolate, no __name wrappers",
    current: true,
  },
];
