// Reads policies/ (or another policy directory, such as the tests' own) into
// { "policies/<path>.yaml": parsed YAML | { $parseError } }, the one shape that both the worker
// bundle and `npm run policy:check` validate. readPolicyFilesAt reads the same shape from a git
// revision (`npm run policy:diff`).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { CST, isMap, isScalar, isSeq, Parser, parseDocument } from "yaml";

/** Which files under policies/ are policy files: YAML, outside the generated schema/. */
export function isPolicyFile(key) {
  return /^policies\/.*\.ya?ml$/.test(key) && !key.includes("/schema/");
}

/**
 * One file's parsed content, or where and why it does not parse: `{ $parseError, $line }`. The
 * line is where the problem starts: for a quote or a bracket that is never closed, the line that
 * opens it (the YAML parser notices only at the end of the file or the next key).
 */
export function parsePolicyText(text) {
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
    if (!doc.errors.length) return doc.toJS() ?? null;
  } catch (e) {
    return { $parseError: String(e.message).split("\n")[0] };
  }
  const error = doc.errors[0];
  const at = unclosedAt(text, error) ?? error.pos[0];
  const { line, col } = lineAndColumn(text, at);
  const reason = String(error.message)
    .split("\n")[0]
    .replace(/ at line \d+, column \d+:?$/, "");
  const opened = at !== error.pos[0] ? " (where it opens)" : "";
  return { $parseError: `${reason} at line ${line}, column ${col}${opened}`, $line: line };
}

/** 1-based line and column of a character offset. */
function lineAndColumn(text, offset) {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
}

const OPENERS = new Set(["double-quoted-scalar", "single-quoted-scalar", "flow-collection"]);

/**
 * For "Missing closing quote" and an unterminated flow collection, the offset where the quoted
 * value or the [ / { opens: the innermost such token of the YAML CST that spans the error.
 */
function unclosedAt(text, error) {
  if (!/^(Missing closing|Flow (sequence|map)|Unexpected end of flow)/.test(error.message)) return undefined;
  const offset = error.pos[0];
  let best;
  const walk = (node) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (OPENERS.has(node.type) && typeof node.offset === "number" && node.offset <= offset) {
      const end = node.offset + CST.stringify(node).length;
      if (offset <= end && (best === undefined || node.offset > best)) best = node.offset;
    }
    for (const value of Object.values(node)) if (value && typeof value === "object") walk(value);
  };
  for (const token of new Parser().parse(text)) walk(token);
  return best;
}

/** The path of a diagnostic (`cookies[1].expires`) as keys and indexes. */
function pathKeys(path) {
  return [...path.matchAll(/\[(\d+)\]|[^.[\]]+/g)].map((m) => (m[1] === undefined ? m[0] : Number(m[1])));
}

/**
 * The 1-based line of `path` in a policy file's text: the key's line for a mapping entry, the
 * item's line for a list entry; for a path that does not exist (a missing field), the line of the
 * deepest part that does. Undefined when the text does not parse or the path is the file itself.
 */
export function lineOf(text, path) {
  if (!path) return undefined;
  let doc;
  try {
    doc = parseDocument(text, { keepSourceTokens: false });
  } catch {
    return undefined;
  }
  if (doc.errors.length) return undefined;
  let node = doc.contents;
  let offset;
  for (const key of pathKeys(path)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      offset = isScalar(pair.key) ? pair.key.range?.[0] : offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number") {
      const item = node.items[key];
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lineAndColumn(text, offset).line;
}

/** The raw text of each policy file, keyed like readPolicyFiles, for lineOf. */
export function readPolicySources(root, dir = join(root, "policies")) {
  const sources = {};
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        if (name !== "schema") walk(full);
      } else if (/\.ya?ml$/.test(name))
        sources[`policies/${relative(dir, full).split("\\").join("/")}`] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return sources;
}

/** The product's own test policies (test/README.md): what every product test runs on. */
export const TEST_POLICY_DIR = "test/fixtures/policies";

/**
 * The policy files under `dir` (default: `<root>/policies`), keyed as if they were in policies/
 * wherever they are read from, so that diagnostics name the same files.
 */
export function readPolicyFiles(root, dir = join(root, "policies")) {
  const files = {};
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        if (name !== "schema") walk(full);
      } else if (/\.ya?ml$/.test(name)) {
        const key = `policies/${relative(dir, full).split("\\").join("/")}`;
        files[key] = parsePolicyText(readFileSync(full, "utf8"));
      }
    }
  };
  walk(dir);
  return files;
}

/** The policy files as they were at a git revision (`git ls-tree` + `git show`). Throws on an unknown ref. */
export function readPolicyFilesAt(root, ref) {
  const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  // Resolve first, so a typo says so instead of looking like an empty policy.
  let commit;
  try {
    commit = git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`).trim();
  } catch {
    throw new Error(`${ref} is not a commit in the git repository at ${root}`);
  }
  const names = git("ls-tree", "-r", "--name-only", "-z", commit, "--", "policies/")
    .split("\0")
    .filter((n) => n && isPolicyFile(n))
    .sort();
  const files = {};
  for (const name of names) files[name] = parsePolicyText(git("show", `${commit}:${name}`));
  return files;
}
