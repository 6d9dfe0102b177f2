/**
 * The browser script's entry, bundled by scripts/client-api-build.mjs into ./script.generated.ts.
 * `gkConfig` is not defined here: the edge wraps the bundle in a function that passes the site's
 * config (./served.ts), so one build serves every site. `document.currentScript` is the edge's
 * `<script data-gatekeeper>` element (it is set while a classic script runs, deferred ones too).
 */
import { type ClientConfig, type ClientWindow, installGatekeeper } from "./runtime";

declare const gkConfig: ClientConfig;

const page = globalThis as unknown as ClientWindow;
installGatekeeper(page, page.document.currentScript ?? null, gkConfig);
