/**
 * Starts the stub origin (Node, loopback only) that the worker tests fetch for real, so the
 * runtime's own content decoding is exercised. Nothing in the suite reaches the internet.
 */
import type { TestProject } from "vitest/node";
import { startStubOrigin } from "./helpers/stub-origin";

declare module "vitest" {
  export interface ProvidedContext {
    stubOriginPort: number;
  }
}

export default async function setup(project: TestProject) {
  const origin = await startStubOrigin();
  project.provide("stubOriginPort", origin.port);
  return () => origin.close();
}
