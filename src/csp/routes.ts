/**
 * POST /__gk/csp-report: CSP violation reports in either format browsers send, counted per
 * blocked host, directive, vendor and purpose (./report.ts, ./record.ts). Answers carry no body.
 */
import type { Hono } from "hono";
import { readBounded } from "../http/read-body";
import { mediaType } from "../match/media-type";
import type { CompiledPolicy } from "../policy/compile";
import { CSP_REPORT_PATH } from "./header";
import { recordViolation } from "./record";
import { classifyViolation, MAX_REPORT_BYTES, parseCspReports } from "./report";

const REPORT_TYPES = new Set(["application/csp-report", "application/reports+json", "application/json"]);

export function registerCspRoutes(app: Hono<{ Bindings: Env }>, { policy }: { policy: CompiledPolicy }): void {
  app.post(CSP_REPORT_PATH, async (c) => {
    const request = c.req.raw;
    if (!REPORT_TYPES.has(mediaType(request.headers.get("content-type")))) return c.body(null, 415);
    const body = await readBounded(request, MAX_REPORT_BYTES);
    if (body === null) return c.body(null, 413);
    const violations = parseCspReports(new TextDecoder().decode(body));
    if (!violations) return c.body(null, 400);
    for (const v of violations) recordViolation(classifyViolation(policy, v), c.env?.CSP_REPORTS);
    return c.body(null, 204);
  });
}
