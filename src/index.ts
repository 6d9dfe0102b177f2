/**
 * Worker entry: the app, with the policy validated and compiled once per isolate, and the
 * per-environment overrides (GK_MODE, GK_CSP_MODE) read from the vars once.
 */
import { env } from "cloudflare:workers";
import { createApp } from "./app";
import { activePolicy } from "./policy/active";

export default createApp({ policy: activePolicy(), vars: env as unknown as Record<string, unknown> });
