/**
 * /__gk/consent/receipt: the visitor's own current consent record, server-rendered in fi, sv or
 * en. Shows the stored proof when the gatekeeper's own cookie decided, what another consent
 * manager allowed when one did, and says so plainly when there is no choice or no record. No script.
 */
import type { Decision } from "../consent/decide";
import type { ConsentRecord } from "../consent/records";
import type { Purpose } from "../policy/schema";
import { escapeHtml } from "./escape";
import type { Language } from "./language";
import type { Texts } from "./texts";

export interface ReceiptInput {
  texts: Texts;
  lang: Language;
  purposes: readonly Purpose[];
  decision: Decision;
  /** The latest stored record for the cookie's consent id; null when none was found or readable. */
  record: ConsentRecord | null;
}

const LANGUAGE_NAMES: Record<string, string> = { fi: "suomi", sv: "svenska", en: "English" };

function when(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function row(label: string, value: string): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${value}</td></tr>`;
}

function purposeRows(input: ReceiptInput, allowed: ReadonlySet<string>): string {
  const { texts: t, lang } = input;
  return input.purposes
    .map((p) => row(p.name[lang], escapeHtml(p.required ? t.alwaysOn : allowed.has(p.id) ? t.allowed : t.refused)))
    .join("");
}

export function renderReceipt(input: ReceiptInput): string {
  const { texts: t, decision, record } = input;
  const links = `<p><a href="/__gk/preferences?lang=${input.lang}">${escapeHtml(t.preferencesTitle)}</a> · <a href="/__gk/cookies?lang=${input.lang}">${escapeHtml(t.declarationTitle)}</a></p>`;
  if (decision.basis !== "consent") return `<p>${escapeHtml(t.receiptNone)}</p>\n${links}`;
  if (decision.source !== "gatekeeper" || !decision.consent) {
    const rows = row(t.consentSource, escapeHtml(decision.source ?? "")) + purposeRows(input, decision.allowed);
    return `<p>${escapeHtml(t.receiptOtherSource)}</p>\n<table>${rows}</table>\n${links}`;
  }
  const cookie = decision.consent;
  const intro = record ? t.receiptIntro : t.receiptNotStored;
  const rows = [
    row(t.consentId, `<code>${escapeHtml(cookie.id)}</code>`),
    row(t.recordedAt, escapeHtml(when(record?.recordedAt ?? cookie.issuedAt))),
    row(t.policyVersion, escapeHtml(String(record?.policyVersion ?? cookie.version))),
    purposeRows(input, new Set(record?.purposes ?? cookie.purposes)),
    row(t.consentSource, escapeHtml(record?.source ?? "gatekeeper")),
  ];
  if (record) {
    rows.push(row(t.language, escapeHtml(LANGUAGE_NAMES[record.lang] ?? record.lang)));
    rows.push(row(t.textVersion, escapeHtml(String(record.textVersion))));
  }
  return `<p>${escapeHtml(intro)}</p>\n<table>${rows.join("")}</table>\n${links}`;
}
