/**
 * Browser suite set-up: refuses to run without Chromium (it never skips), then starts the demo
 * origin, the gatekeeper and the vendor upstream stand-in once for every test file (servers.ts),
 * and stops them at the end, also when tests fail.
 */
import { accessSync, constants } from "node:fs";
import type { TestProject } from "vitest/node";
import { CHROMIUM } from "./env";
import { spawnStack } from "./servers";

declare module "vitest" {
  export interface ProvidedContext {
    gatekeeperPort: number;
    upstreamUrl: string;
  }
}

export default async function setup(project: TestProject) {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(
      `The browser suite needs Chromium at ${CHROMIUM} and it is missing. Install it with:\n\n` +
        "    apt-get install -y chromium\n\n(.ci/run does this; the suite never skips without a browser.)",
    );
  }
  const stack = await spawnStack();
  project.provide("gatekeeperPort", stack.gatekeeperPort);
  project.provide("upstreamUrl", stack.upstream);
  return () => stack.stop();
}
