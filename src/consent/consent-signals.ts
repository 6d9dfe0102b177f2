/**
 * Google Consent Mode signals from allowed purposes: a signal is "granted" when every purpose the
 * site file maps to it is allowed, else "denied". One function for both the defaults the edge
 * injects (./consent-mode.ts) and the updates the client API pushes after a change
 * (src/ui/client-api/runtime.ts), so the two can never disagree. Pure, without imports: it is
 * bundled into the browser script.
 * https://developers.google.com/tag-platform/security/guides/consent#update-consent
 */
export type SignalMap = Readonly<Record<string, readonly string[]>>;
export type SignalState = "granted" | "denied";

export function signalStates(map: SignalMap, allowed: { has(purpose: string): boolean }): Record<string, SignalState> {
  const out: Record<string, SignalState> = {};
  for (const signal of Object.keys(map)) out[signal] = map[signal]!.every((p) => allowed.has(p)) ? "granted" : "denied";
  return out;
}
