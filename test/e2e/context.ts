// What the global setup hands to every test file (vitest's provide/inject).
import { inject } from "vitest";
import type { JaegerService } from "./support/jaeger.js";

export interface E2eContext {
  jaeger: JaegerService;
  phoenixUrl: string;
  /** The Collector binary (absent under Docker, where the Collector of docker-compose.yml runs). */
  collectorBinary?: string;
  /** A throw-away folder under the OS temp dir, removed after the run. */
  workDir: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    e2e: E2eContext;
  }
}

export const e2e = (): E2eContext => inject("e2e");
