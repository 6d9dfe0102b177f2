/**
 * The gate's output for one page, checked the way the HTML suites check every case: the same whole
 * and fed byte by byte, and making no contact with a refused vendor (the parse5 oracle).
 */
import { expect } from "vitest";
import { SITE } from "./gate";
import { bytewise, runGate, utf8 } from "./streaming";
import { refusedContacts } from "./vendor-oracle";

const PAGE = new URL("/", SITE);

/** The page the gate serves for `input` with `allow`, without injected elements. */
export async function gatedPage(input: string, allow: readonly string[]): Promise<string> {
  const whole = await runGate([utf8(input)], { allow });
  expect(whole.status).toBe(200);
  const bytes = await runGate(bytewise(utf8(input)), { allow });
  expect(bytes.text, "output depends on chunking").toBe(whole.text);
  expect(refusedContacts(whole.text, PAGE, allow)).toEqual([]);
  return whole.page;
}
