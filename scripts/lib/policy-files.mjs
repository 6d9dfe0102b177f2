// Reads policies/ into { "policies/<path>.yaml": parsed YAML | { $parseError } }, the one shape
// that both the worker bundle and `npm run policy:check` validate.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";

export function readPolicyFiles(root) {
  const dir = join(root, "policies");
  const files = {};
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        if (name !== "schema") walk(full);
      } else if (/\.ya?ml$/.test(name)) {
        const key = relative(root, full).split("\\").join("/");
        try {
          files[key] = parse(readFileSync(full, "utf8"), { prettyErrors: true, uniqueKeys: true }) ?? null;
        } catch (e) {
          files[key] = { $parseError: String(e.message).split("\n")[0] };
        }
      }
    }
  };
  walk(dir);
  return files;
}
