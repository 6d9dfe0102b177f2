/**
 * Feeds the real gate an origin body in chosen chunks, the way lol-html's own harness replays
 * every input at several chunk sizes (lol-html tests/harness/input.rs). Output must not depend on
 * where the network happened to cut the page, including in the middle of a UTF-8 character.
 */
import fc from "fast-check";
import { parseFragment } from "parse5";
import { expect } from "vitest";
import { consentCookie, makeGate, SITE } from "./gate";
import { repointDifference, withoutInjected } from "./injected";
import { vendorPurposes } from "./vendor-oracle";

export const PURPOSES = ["functional", "analytics", "marketing", "social"] as const;
export type Purpose = (typeof PURPOSES)[number];

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Cuts `bytes` into chunks of the given sizes, cycling through them; sizes are at least 1. */
export function cut(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  let i = 0;
  while (offset < bytes.length) {
    const size = Math.max(1, sizes.length ? (sizes[i++ % sizes.length] ?? 1) : bytes.length);
    chunks.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  return chunks;
}

/** One chunk per byte: every possible boundary, inside every multi-byte character. */
export function bytewise(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (b) => Uint8Array.of(b));
}

/** Chunks cut right after the lead byte of every multi-byte UTF-8 sequence. */
export function cutInsideCharacters(bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i]! & 0xc0) === 0xc0) {
      chunks.push(bytes.slice(start, i + 1));
      start = i + 1;
    }
  }
  chunks.push(bytes.slice(start));
  return chunks.filter((c) => c.length > 0);
}

/** How many chunk boundaries fall inside a multi-byte UTF-8 character. */
export function splitCharacters(chunks: readonly Uint8Array[]): number {
  let count = 0;
  for (const chunk of chunks.slice(1)) if (chunk.length && (chunk[0]! & 0xc0) === 0x80) count++;
  return count;
}

/**
 * Chunk sizes for fast-check: mostly tiny (1 byte, a few bytes) with some medium and large ones,
 * cycled over the body. Shrinks towards fewer, smaller chunks.
 */
export const chunkSizes = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(1) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 8 }) },
    { weight: 2, arbitrary: fc.integer({ min: 9, max: 200 }) },
    { weight: 1, arbitrary: fc.integer({ min: 201, max: 8192 }) },
  ),
  { minLength: 1, maxLength: 40 },
);

export interface GateRun {
  status: number;
  headers: Headers;
  /** The whole body the visitor gets. */
  text: string;
  /** The body without the elements the gatekeeper injected (marked `data-gatekeeper`). */
  page: string;
  /** Chunks the origin body was sent in. */
  chunks: number;
}

export interface RunOptions {
  /** Purposes allowed by the consent cookie; null sends no cookie at all. */
  allow: readonly string[] | null;
  /** Extra origin response headers. */
  headers?: Record<string, string>;
  path?: string;
}

/** Sends `chunks` through the real app as the origin's HTML body and reads what comes out. */
export async function runGate(chunks: readonly Uint8Array[], options: RunOptions): Promise<GateRun> {
  const { request } = makeGate(
    () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (const chunk of chunks) controller.enqueue(chunk);
            controller.close();
          },
        }),
        { headers: { "content-type": "text/html; charset=utf-8", ...options.headers } },
      ),
  );
  const headers: Record<string, string> = options.allow ? { cookie: consentCookie([...options.allow]) } : {};
  const res = await request(options.path ?? "/", { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, page: withoutInjected(text), chunks: chunks.length };
}

/** Prints a chunking so a failure names it exactly. */
export function describeChunks(chunks: readonly Uint8Array[]): string {
  const sizes = chunks.map((c) => c.length);
  return sizes.length > 40 ? `${sizes.length} chunks: ${sizes.slice(0, 40).join(",")},...` : sizes.join(",");
}

/** The URL a raw attribute value names on the test page, when it is a vendor's (per the oracle). */
function vendorUrlOf(raw: string): URL | null {
  const el = parseFragment(`<a x='${raw.replace(/'/g, "&#39;")}'>`).childNodes[0];
  const value = el && "attrs" in el ? (el.attrs[0]?.value ?? "") : "";
  try {
    const url = new URL(value, SITE);
    return vendorPurposes(url).length ? url : null;
  } catch {
    return null;
  }
}

/**
 * `page` (output without injected elements) must be `expected`, apart from what the contract
 * allows besides injected elements: vendor tags re-pointed to first-party paths under /__gk/.
 */
export function expectPage(page: string, expected: string, message = ""): void {
  if (page === expected) return;
  const why = repointDifference(expected, page, vendorUrlOf);
  if (why !== null) expect(page, `${message} (${why})`).toBe(expected);
}
