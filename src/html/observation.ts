/**
 * What the rewriter saw, element by element: the audit (`npm run audit`), shadow mode and the
 * structured logs read these. One Observation per vendor-relevant element or third-party URL.
 */
export interface Observation {
  /** Lower-case tag name, e.g. "script", "img", "link". */
  tag: string;
  /** Where the match came from: an attribute name ("src", "srcset", "href", ...), "inline" (script text), or "selector". */
  via: string;
  /** The host of the URL (never its path or query), or for inline matches the matched snippet. */
  target: string;
  /** Vendor ids the element belongs to; empty for a third party no vendor file names. */
  vendors: string[];
  /** The rule that matched: `url:<pattern>`, `host:<pattern>`, `inline:<snippet>`, `selector:<css>`, or `none`. */
  rule: string;
  /** True when the decision removes it (in shadow mode: would remove it). */
  removed: boolean;
}
