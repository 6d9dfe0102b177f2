/**
 * Only the site's own analytics go upstream. A hit names its property in one parameter (gtag's
 * `tid`, the beacon's `collect.idParam`); the site file lists its own (`measurementIds`). Without
 * this, the beacon endpoint would relay hits into any property, and one POST of 50 lines with 50
 * different ids would reach the vendor as one request from the site's edge: an anonymising relay
 * for analytics spam.
 *
 * A request is a hit in its query (GET, or a POST without body lines) or a batch: shared
 * parameters in the query and one hit per body line (gtag's sendBeacon), each line sent with the
 * query's parameters, where its own id, if it has one, names its property. So:
 *
 * - every id in the query must be listed, or nothing in the request is forwarded;
 * - a query hit needs an id;
 * - a body line is forwarded when its own ids are all listed, or, without one, when the query
 *   names a listed id; any other line is dropped, and the rest of the batch still goes.
 *
 * Parameter names compare case-insensitively, as the parameter rules do, so `TID=` cannot slip a
 * foreign id past the check. Pure.
 */
import type { Params } from "./hit";

export type DropReason = "foreign-id" | "no-id" | "no-consent";
export type DropCounts = Partial<Record<DropReason, number>>;

export interface OwnHits {
  /** Hits in the request: its body lines, or one for a hit in the query alone. */
  hits: number;
  /** The body lines to forward; empty for a hit in the query alone. */
  lines: Params[];
  /** False when nothing in the request may be forwarded. */
  forward: boolean;
  dropped: DropCounts;
}

function idsIn(params: Params, idParam: string): string[] {
  const name = idParam.toLowerCase();
  return params.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

export function ownHits(query: Params, lines: readonly Params[], idParam: string, own: ReadonlySet<string>): OwnHits {
  const hits = lines.length || 1;
  const queryIds = idsIn(query, idParam);
  if (queryIds.some((id) => !own.has(id))) return { hits, lines: [], forward: false, dropped: { "foreign-id": hits } };
  if (!lines.length)
    return queryIds.length
      ? { hits, lines: [], forward: true, dropped: {} }
      : { hits, lines: [], forward: false, dropped: { "no-id": 1 } };
  const dropped: DropCounts = {};
  const kept: Params[] = [];
  for (const line of lines) {
    const ids = idsIn(line, idParam);
    const reason: DropReason | null = ids.length
      ? ids.every((id) => own.has(id))
        ? null
        : "foreign-id"
      : queryIds.length
        ? null
        : "no-id";
    if (reason) dropped[reason] = (dropped[reason] ?? 0) + 1;
    else kept.push(line);
  }
  return { hits, lines: kept, forward: kept.length > 0, dropped };
}
