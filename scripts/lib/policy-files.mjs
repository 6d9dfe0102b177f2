// Reads policies/ (or another policy directory, such as the tests' own) into
// { "policies/<path>.yaml": parsed YAML | { $parseError } }, the one shape that both the worker
// bundle and `npm run policy:check` validate. readPolicyFilesAt reads the same shape from a git
// revision (`npm run policy:diff`).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";

/** Which files under policies/ are policy files: YAML, outside the generated schema/. */
export function isPolicyFile(key) {
  return /^policies\/.*\.ya?ml$/.test(key) && !key.includes("/schema/");
}

/** One file's parsed content, or the first line of the parse error it hit. */
export function parsePolicyText(text) {
  try {
    return parse(text, { prettyErrors: true, uniqueKeys: true }) ?? null;
  } catch (e) {
    return { $parseError: String(e.message).split("\n")[0] };
  }
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
