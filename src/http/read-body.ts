/**
 * A request body read whole, but never past `limit` bytes: for the small bodies the gatekeeper
 * itself reads (consent form, CSP reports, beacons); pages are never buffered. Null when the body
 * is too large: a Content-Length over the limit cancels it unread, and a body that grows past the
 * limit is cancelled there, whatever Content-Length claimed.
 */
export async function readBounded(request: Request, limit: number): Promise<Uint8Array | null> {
  if (Number(request.headers.get("content-length") ?? "0") > limit) {
    await request.body?.cancel().catch(() => {});
    return null;
  }
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
