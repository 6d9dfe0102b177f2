/**
 * The cookie declaration ("Käytetyt evästeet"), generated from the same policy files that
 * enforce cookies, so it cannot drift from what the gate does. Served at /__gk/cookies and
 * written as Markdown by `npm run declaration`.
 */
import type { Purpose, SiteFile, VendorFile } from "../policy/schema";
import { html } from "./html";
import { type Language, say } from "./language";
import { formatLifetime } from "./lifetime";
import type { Texts } from "./texts";

export interface DeclarationRow {
  vendor: VendorFile;
  cookie: VendorFile["cookies"][number];
}

export interface DeclarationSection {
  purpose: Purpose;
  vendors: VendorFile[];
  rows: DeclarationRow[];
}

export function declarationSections(
  purposes: readonly Purpose[],
  vendors: readonly VendorFile[],
): DeclarationSection[] {
  return purposes.map((purpose) => {
    const own = vendors.filter((v) => v.purpose === purpose.id);
    return {
      purpose,
      vendors: own,
      rows: own.flatMap((vendor) => vendor.cookies.map((cookie) => ({ vendor, cookie }))),
    };
  });
}

/** The cookie's domain: concrete when the host is known, in words otherwise. */
export function domainLabel(
  domain: string,
  host: string | null,
  t: Pick<Texts, "domainHost" | "domainParent">,
): string {
  if (domain !== "host" && domain !== "parent") return domain;
  if (!host) return domain === "host" ? t.domainHost : t.domainParent;
  if (domain === "host") return host;
  const labels = host.split(".");
  return labels.length >= 2 && !/^[\d.]+$/.test(host) && !host.includes(":") ? `.${labels.slice(-2).join(".")}` : host;
}

function cookieText(row: DeclarationRow, lang: Language): string {
  return row.cookie.description?.[lang] ?? "";
}

export function renderDeclarationHtml(input: {
  sections: DeclarationSection[];
  site: SiteFile;
  texts: Texts;
  lang: Language;
  host: string | null;
}): string {
  const { texts: t, lang } = input;
  const parts = [html`<p>${t.declarationIntro}</p>`];
  for (const s of input.sections) {
    parts.push(html`<h2>${s.purpose.name[lang]}</h2><p>${s.purpose.description[lang]}</p>`);
    if (s.rows.length === 0) continue;
    parts.push(
      html`<table><thead><tr><th scope="col">${t.cookie}</th><th scope="col">${t.vendors}</th><th scope="col">${t.lifetime}</th><th scope="col">${t.domain}</th></tr></thead><tbody>`,
    );
    for (const row of s.rows) {
      const vendor = row.vendor.privacyPolicy
        ? html`<a href="${row.vendor.privacyPolicy}" rel="noopener noreferrer">${row.vendor.name}</a>`
        : row.vendor.name;
      const what = cookieText(row, lang);
      parts.push(
        html`<tr><td><code>${row.cookie.name}</code>${what ? html`<br>${what}` : ""}</td><td>${vendor}</td><td>${formatLifetime(row.cookie.lifetime, lang, t.lifetimeSession)}</td><td>${domainLabel(row.cookie.domain, input.host, t)}</td></tr>`,
      );
    }
    parts.push(html`</tbody></table>`);
  }
  parts.push(html`<p><a href="${input.site.ui.privacyPolicy}">${t.privacyPolicy}</a></p>`);
  return parts.join("\n");
}

/** Markdown cells: pipes and line breaks would break the table. */
const md = (s: string) => s.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

export function renderDeclarationMarkdown(input: {
  sections: DeclarationSection[];
  site: SiteFile;
  texts: Texts;
  lang: Language;
}): string {
  const { texts: t, lang } = input;
  const out = [`# ${t.declarationTitle}`, "", t.declarationIntro, ""];
  for (const s of input.sections) {
    out.push(`## ${say(s.purpose.name, lang)}`, "", say(s.purpose.description, lang), "");
    if (s.rows.length === 0) continue;
    out.push(`| ${t.cookie} | ${t.vendors} | ${t.lifetime} | ${t.domain} |`, "|---|---|---|---|");
    for (const row of s.rows) {
      const vendor = row.vendor.privacyPolicy
        ? `[${md(row.vendor.name)}](${row.vendor.privacyPolicy})`
        : md(row.vendor.name);
      const what = cookieText(row, lang);
      out.push(
        `| \`${row.cookie.name}\`${what ? ` ${md(what)}` : ""} | ${vendor} | ${formatLifetime(row.cookie.lifetime, lang, t.lifetimeSession)} | ${domainLabel(row.cookie.domain, null, t)} |`,
      );
    }
    out.push("");
  }
  out.push(`[${t.privacyPolicy}](${input.site.ui.privacyPolicy})`, "");
  return out.join("\n");
}
