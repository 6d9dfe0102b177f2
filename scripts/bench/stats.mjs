// The bench's small statistics, in one place: the load runs, the fault mix, the paired rounds and
// the browser runs all summarise with these.

/** Nearest-rank percentile `p` (0–100) of an ascending array; NaN when it is empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** The median (the mean of the two middle values for an even count); NaN when there are none. */
export function median(values) {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

export const sum = (values) => values.reduce((a, b) => a + b, 0);

/**
 * The mean of the middle half (a quarter dropped at each end; all of them below four values):
 * robust to the odd slow round of a shared machine, and less coarse than a median of few values.
 */
export function trimmedMean(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const cut = sorted.length >= 4 ? Math.floor(sorted.length / 4) : 0;
  const middle = sorted.slice(cut, sorted.length - cut);
  return sum(middle) / middle.length;
}
