/**
 * The repository's documents stand on their own: every relative link in a tracked Markdown file
 * leads to a file in the repository (and to a heading that exists, for `#anchor`s), and no tracked
 * file points at the workplace's reference folder, which a person cloning the project does not
 * have. Markdown is read by marked's lexer and anchors are slugged by github-slugger, as GitHub
 * renders them (https://github.com/Flet/github-slugger).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import GithubSlugger from "github-slugger";
import { lexer, type Token, type Tokens, walkTokens } from "marked";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers";

const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
  .split("\0")
  .filter((f) => f && existsSync(join(ROOT, f)));
const markdown = tracked.filter((f) => f.endsWith(".md"));
const docs = markdown.filter((f) => f === "README.md" || f.startsWith("docs/"));

/** A link with a scheme (https:, mailto:) or a protocol-relative one leaves the repository on purpose. */
const external = (href: string) => /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//");

function links(file: string): string[] {
  const out: string[] = [];
  walkTokens(lexer(readFileSync(join(ROOT, file), "utf8")), (token) => {
    if (token.type === "link" || token.type === "image") out.push((token as Tokens.Link).href);
  });
  return out;
}

/** The text a heading renders to: its inline tokens without their markup. */
function plainText(tokens: Token[]): string {
  return tokens
    .map((t) => ("tokens" in t && t.tokens ? plainText(t.tokens) : "text" in t ? String(t.text) : ""))
    .join("");
}

const anchorCache = new Map<string, Set<string>>();
function anchors(file: string): Set<string> {
  let found = anchorCache.get(file);
  if (!found) {
    const slugger = new GithubSlugger();
    found = new Set();
    for (const token of lexer(readFileSync(join(ROOT, file), "utf8")))
      if (token.type === "heading") found.add(slugger.slug(plainText((token as Tokens.Heading).tokens)));
    anchorCache.set(file, found);
  }
  return found;
}

/** What is wrong with one relative link from `file`, or null when it resolves. */
function brokenLink(file: string, href: string): string | null {
  const [rawPath = "", anchor] = href.split("#", 2);
  const path = decodeURIComponent(rawPath);
  const target = path ? resolve(ROOT, dirname(file), path) : join(ROOT, file);
  const inside = relative(ROOT, target);
  if (inside.startsWith(`..${sep}`) || inside === "..") return "leads outside the repository";
  if (!existsSync(target)) return `${inside} does not exist`;
  if (anchor === undefined || anchor === "") return null;
  if (statSync(target).isDirectory() || !target.endsWith(".md")) return `#${anchor} on a file without headings`;
  return anchors(relative(ROOT, target)).has(anchor) ? null : `no heading #${anchor} in ${inside}`;
}

describe("documents", () => {
  it("README.md and docs/ are there to check", () => {
    expect(docs).toContain("README.md");
    expect(docs.filter((f) => f.startsWith("docs/")).length).toBeGreaterThan(3);
  });

  it("every relative link in a tracked Markdown file resolves to a file and heading in the repository", () => {
    const broken = markdown.flatMap((file) =>
      links(file)
        .filter((href) => !external(href))
        .flatMap((href) => {
          const problem = brokenLink(file, href);
          return problem ? [`${file}: (${href}) ${problem}`] : [];
        }),
    );
    expect(broken).toEqual([]);
  });

  it("the link check itself tells broken links from good ones", () => {
    expect(brokenLink("README.md", "docs/POLICY.md#vendor-files")).toBeNull();
    expect(brokenLink("docs/POLICY.md", "CONSENT.md")).toBeNull();
    expect(brokenLink("docs/POLICY.md", "#adding-a-vendor")).toBeNull();
    expect(brokenLink("README.md", "docs/NOPE.md")).toBe(`docs${sep}NOPE.md does not exist`);
    expect(brokenLink("README.md", "docs/POLICY.md#nope")).toMatch(/^no heading #nope/);
    expect(brokenLink("docs/POLICY.md", "../../elsewhere.md")).toBe("leads outside the repository");
    expect(external("https://github.com/cloudflare/workerd/issues/6818")).toBe(true);
    expect(external("docs/DEPLOY.md")).toBe(false);
  });

  it("README.md and docs/ speak of what things are, not of tracker issue numbers no reader can open", () => {
    const mentions = docs.flatMap((file) =>
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .flatMap((line, i) => (/\bissues? \d+\b/i.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(mentions).toEqual([]);
  });
});

describe("nothing points outside the repository", () => {
  // Spelled in parts, so that this file does not mention it itself.
  const NEEDLES = [["shared", "reference"].join("/"), ["..", "shared", ""].join("/")];
  const mentions = (file: string) => {
    const text = readFileSync(join(ROOT, file), "latin1").toLowerCase();
    return NEEDLES.some((needle) => text.includes(needle));
  };

  it("no tracked file mentions the workplace's reference folder", () => {
    expect(tracked.filter(mentions)).toEqual([]);
  });
});
