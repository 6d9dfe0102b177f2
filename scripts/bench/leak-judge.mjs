// The one rule every fault verdict comes down to, shared by the fault phase of the bench
// (faults.mjs, through a real workerd and a misbehaving origin) and by
// test/integration/faults.test.ts (in the test runtime): a visitor never gets a page that looks
// complete and carries a tag they refused. A response may be cut short (the origin broke off, the
// rewriter gave up), but then it must not look whole; and whatever arrived, no refused marker in it.
//
// Plain JavaScript without imports, so Node and workerd load the same file.

/** The markers that occur in `text`. */
export function leaksIn(text, markers) {
  return markers.filter((marker) => text.includes(marker));
}

/**
 * The verdict on one response body.
 * - `text`: the body as far as it arrived, decoded.
 * - `aborted`: its stream did not end cleanly.
 * - `expect`: "complete" (the page must arrive whole) or "cut" (the origin broke it off, so it
 *   must never look whole).
 * - `refused`: markers of tags the visitor refused.
 * - `end`: what only a whole page contains (its `</html>`, say); null when wholeness is not judged.
 *
 * Returns `leaks` (the refused markers found), `problems` (what is wrong besides leaks) and
 * `truncated`: a cut page whose stream ended as if complete, but short of `end`, which a client
 * cannot tell from a whole one by the framing alone.
 */
export function judgeBody({ text, aborted, expect, refused = [], end = "</html>" }) {
  const leaks = leaksIn(text, refused);
  const whole = end !== null && text.includes(end);
  const problems = [];
  if (expect === "complete") {
    if (aborted) problems.push("stream cut off");
    else if (end !== null && !whole) problems.push(`no ${end}`);
  } else if (expect === "cut") {
    if (whole) problems.push(aborted ? `cut off but ends in ${end}` : "a complete page");
  } else {
    throw new Error(`judgeBody: expect must be "complete" or "cut", not ${expect}`);
  }
  return { leaks, problems, truncated: expect === "cut" && !aborted && !whole };
}
