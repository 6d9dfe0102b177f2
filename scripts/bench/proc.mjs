// Reading processes and the machine from /proc (Linux only).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

/** Clock ticks per second for /proc/<pid>/stat times; 100 on every Linux that Node supports. */
const CLK_TCK = 100;

function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name is in parentheses and may contain spaces; fields after it are fixed.
  const close = stat.lastIndexOf(")");
  return { comm: stat.slice(stat.indexOf("(") + 1, close), rest: stat.slice(close + 2).split(" ") };
}

/** Pids of the direct children of `ppid` whose command name is `comm`. */
export function childPids(ppid, comm) {
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { comm: name, rest } = statFields(entry);
      // rest[0] is state, rest[1] is ppid.
      if (name === comm && Number(rest[1]) === ppid) found.push(Number(entry));
    } catch {
      // The process went away while we looked.
    }
  }
  return found;
}

/** User + system CPU time of a process (all threads), in milliseconds. */
export function cpuMs(pid) {
  const { rest } = statFields(pid);
  // Fields 14 and 15 of stat (utime, stime) are rest[11] and rest[12].
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
}

/** Current and peak resident set size, in MiB. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
}

/** Resets VmHWM to the current RSS (Linux 4.0+); false when the kernel refuses. */
export function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

export function loadavg() {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

export function machine() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
  return {
    cpu: model,
    cores: cpus().length,
    memoryGiB: totalmem() / 1024 ** 3,
    kernel: readFileSync("/proc/sys/kernel/osrelease", "utf8").trim(),
  };
}

/**
 * RSS over a run from samples `{ done, rssMiB }` (the last one taken at the end) and the final
 * memory() reading. RSS saws up and down with garbage collection, so growth is the highest RSS of
 * the second half against the first half's.
 */
export function rssSummary(samples, end) {
  const done = samples[samples.length - 1].done;
  const high = (list) => Math.max(...list.map((x) => x.rssMiB));
  const firstHalfMaxMiB = high(samples.filter((x) => x.done <= done / 2));
  const secondHalfMaxMiB = high(samples.filter((x) => x.done > done / 2));
  return {
    startMiB: samples[0].rssMiB,
    endMiB: end.rssMiB,
    peakMiB: end.peakMiB,
    minMiB: Math.min(...samples.map((x) => x.rssMiB)),
    maxMiB: Math.max(...samples.map((x) => x.rssMiB)),
    firstHalfMaxMiB,
    secondHalfMaxMiB,
    growthMiB: secondHalfMaxMiB - firstHalfMaxMiB,
    // About a dozen samples for the report, and the last.
    samples: samples.filter(
      (_, i) => i % Math.max(1, Math.floor(samples.length / 12)) === 0 || i === samples.length - 1,
    ),
  };
}

/** The flatness rule: growth within 8 MiB, or 5 % of `baseMiB` when that is more. */
export const isFlat = (growthMiB, baseMiB) => growthMiB <= Math.max(8, baseMiB * 0.05);
