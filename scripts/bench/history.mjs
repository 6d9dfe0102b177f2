// Before and after each round of speed work (issue 8), as measured by `npm run bench` at the
// time: the 200 KB page at 10 connections. Each entry is what that run's docs/BENCHMARKS.md said;
// the current run's own numbers are added below them by the report.

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
    current: true,
  },
];

const STATES = ["gk-none", "gk-all", "gk-analytics"];
const f = (n, d) => (n === undefined ? "–" : n.toFixed(d));

/** The section, with the current run's figures filled in for the entry marked current. */
export function historySection(current) {
  const rows = HISTORY.map((h) => {
    const cpu = h.current ? current.cpuAboveFloorMs : h.cpuAboveFloorMs;
    const rps = h.current ? current.rpsRatio : h.rpsRatio;
    return `| ${h.when}${h.current ? " (this run)" : ""} | ${h.change} | ${STATES.map((s) => f(cpu[s], 2)).join(" | ")} | ${STATES.map((s) => f(rps[s], 2)).join(" | ")} |`;
  });
  return `## Before and after

The 200 KB page at 10 connections, after each round of work on what the first run found
(each row is that run of \`npm run bench\`; runs on a shared machine vary by ±10 %):

| run | change | CPU above floor, no consent (ms) | all consent | analytics only | throughput × floor, no consent | all consent | analytics only |
|---|---|---:|---:|---:|---:|---:|---:|
${rows.join("\n")}
`;
}
