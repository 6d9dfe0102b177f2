/**
 * Parameter rules, shaped like normalize-url's `removeQueryParameters` / `keepQueryParameters`
 * (https://github.com/sindresorhus/normalize-url): a name `keep` matches is forwarded even when
 * `remove` matches it too (the allowlist overrides the denylist); a name neither matches follows
 * `others`, `drop` unless the policy says `keep`, so a parameter nobody has reviewed fails closed.
 *
 * Names compare case-insensitively. A trailing `*` matches any run of characters: `up.*` is every
 * user property, `utm_*` every campaign parameter. Pure; compiled once per isolate.
 */

export interface ParamRuleSource {
  keep: readonly string[];
  remove: readonly string[];
  others: "keep" | "drop";
}

/** One list of names and `prefix*` patterns, compiled. */
export interface NameList {
  exact: ReadonlySet<string>;
  prefixes: readonly string[];
}

export interface ParamRules {
  keep: NameList;
  remove: NameList;
  others: "keep" | "drop";
}

export function compileNameList(patterns: readonly string[]): NameList {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const raw of patterns) {
    const p = raw.toLowerCase();
    if (p.endsWith("*")) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  }
  return { exact, prefixes };
}

export function inList(list: NameList, name: string): boolean {
  const n = name.toLowerCase();
  return list.exact.has(n) || list.prefixes.some((p) => n.startsWith(p));
}

export function compileParamRules(source: ParamRuleSource): ParamRules {
  return { keep: compileNameList(source.keep), remove: compileNameList(source.remove), others: source.others };
}

/** Whether a parameter with this name is forwarded. */
export function forwards(rules: ParamRules, name: string): boolean {
  if (inList(rules.keep, name)) return true;
  if (inList(rules.remove, name)) return false;
  return rules.others === "keep";
}
