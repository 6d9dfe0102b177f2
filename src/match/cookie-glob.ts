/**
 * Cookie name patterns of the vendor files: `_ga_*`, where `*` is any run of characters and
 * everything else is literal. Pure.
 */

export interface CookieNamePattern {
  test(name: string): boolean;
}

/**
 * Matched without a regular expression: visitors choose the cookie names, and a pattern with
 * several `*`, compiled to a regular expression with several `.*`, would backtrack for polynomial
 * time on a long name. This is the two-pointer wildcard match, which only ever backs up to the
 * last `*`: for a given pattern, time linear in the name.
 */
export function cookiePattern(glob: string): CookieNamePattern {
  return { test: (name) => globMatches(glob, name) };
}

function globMatches(glob: string, name: string): boolean {
  let g = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (g < glob.length && glob[g] !== "*" && glob[g] === name[n]) {
      g++;
      n++;
    } else if (g < glob.length && glob[g] === "*") {
      star = g++;
      resume = n;
    } else if (star !== -1) {
      g = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === "*") g++;
  return g === glob.length;
}
