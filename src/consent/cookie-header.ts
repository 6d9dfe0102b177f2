/**
 * One cookie out of a Cookie header, strictly (RFC 6265 §5.4): names compared exactly, only
 * spaces and tabs trimmed. Two cookies of one name (a shadowing cookie from a subdomain or
 * another path) are not guessed between. Pure; every consent source reads its cookie here.
 */
export type CookieValue =
  | { state: "absent" }
  | { state: "invalid"; reason: "duplicate" | "oversized" | "empty" }
  | { state: "present"; value: string };

export function cookieValue(header: string | null, name: string, maxLength: number): CookieValue {
  if (!header) return { state: "absent" };
  let value: string | undefined;
  let count = 0;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1 || trimWsp(part.slice(0, eq)) !== name) continue;
    count++;
    value = trimWsp(part.slice(eq + 1));
  }
  if (count === 0 || value === undefined) return { state: "absent" };
  if (count > 1) return { state: "invalid", reason: "duplicate" };
  if (value.length > maxLength) return { state: "invalid", reason: "oversized" };
  if (value === "") return { state: "invalid", reason: "empty" };
  return { state: "present", value };
}

/** Only spaces and tabs: a U+00A0-padded value is not the same cookie value. */
function trimWsp(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, "");
}
