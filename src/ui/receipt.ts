/**
 * /__gk/consent/receipt: the visitor's own current consent record, server-rendered in fi, sv or
 * en. Shows the stored proof when the gatekeeper's own cookie decided, what another consent
 * manager allowed when one did, and says so plainly when there is no choice or no record. No script.
 */
import type { Decision } from "../consent/decide";
import type { ConsentRecord } from "../consent/records";
import type { Purpose } from "../policy/schema";
import { type Html, html } from "./html";
import { type Language, say } from "./language";
import { languageName } from "./page";
import type { Texts } from "./texts";

export interface ReceiptInput {
  texts: Texts;
  lang: Language;
  purposes: readonly Purpose[];
  decision: Decision;
  /** The latest stored record for the cookie's consent id; null when none was found or readable. */
  record: ConsentRecord | null;
}

function when(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** One row of the receipt; `value` is text (escaped) or markup. */
function row(label: string, value: string | Html): Html {
  return html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
}

function purposeRows(input: ReceiptInput, allowed: ReadonlySet<string>): Html[] {
  const { texts: t, lang } = input;
  return input.purposes.map((p) =>
    row(say(p.name, lang), p.required ? t.alwaysOn : allowed.has(p.id) ? t.allowed : t.refused),
  );
}

export function renderReceipt(input: ReceiptInput): string {
  return String(receipt(input));
}

function receipt(input: ReceiptInput): Html {
  const { texts: t, decision, record } = input;
  const links = html`<p><a href="/__gk/preferences?lang=${input.lang}">${t.preferencesTitle}</a> · <a href="/__gk/cookies?lang=${input.lang}">${t.declarationTitle}</a></p>`;
  if (decision.basis !== "consent") return html`<p>${t.receiptNone}</p>\n${links}`;
  if (decision.source !== "gatekeeper" || !decision.consent) {
    const rows = [row(t.consentSource, decision.source ?? ""), purposeRows(input, decision.allowed)];
    return html`<p>${t.receiptOtherSource}</p>\n<table>${rows}</table>\n${links}`;
  }
  const cookie = decision.consent;
  const intro = record ? t.receiptIntro : t.receiptNotStored;
  const rows = [
    row(t.consentId, html`<code>${cookie.id}</code>`),
    row(t.recordedAt, when(record?.recordedAt ?? cookie.issuedAt)),
    row(t.policyVersion, String(record?.policyVersion ?? cookie.version)),
    purposeRows(input, new Set(record?.purposes ?? cookie.purposes)),
    row(t.consentSource, record?.source ?? "gatekeeper"),
  ];
  if (record) {
    rows.push(row(t.language, languageName(record.lang)));
    rows.push(row(t.textVersion, String(record.textVersion)));
  }
  return html`<p>${intro}</p>\n<table>${rows}</table>\n${links}`;
}
