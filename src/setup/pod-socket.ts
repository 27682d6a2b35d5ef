import { diag } from "@opentelemetry/api";
import type { ExportResult } from "@opentelemetry/core";
import { ExportResultCode } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { createConnection } from "node:net";
import type { Socket } from "node:net";
import { envelopeLines } from "./envelopes.js";

export const DEFAULT_POD_SOCKET = "/run/envpod/queue.sock";

/** Bytes the socket may hold unsent before new envelopes are dropped (and counted) instead. */
const MAX_BUFFERED = 4 * 1024 * 1024;

/**
 * Sends AOT envelopes as JSON lines to the envpod pod's queue socket. If the socket is missing or
 * fails, it warns once and falls back to `fallback` (stderr) for the rest of the process. Writes
 * never wait: what is not yet connected is queued, and a stalled socket drops instead of growing.
 */
export class PodSocketExporter implements LogRecordExporter {
  private socket: Socket | undefined;
  private state: "idle" | "connecting" | "open" | "failed" = "idle";
  private queued: ReadableLogRecord[] = [];
  dropped = 0;

  constructor(
    readonly path: string,
    private readonly fallback: LogRecordExporter,
  ) {}

  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    if (this.state === "failed") return this.fallback.export(records, done);
    if (this.state === "open" && this.socket !== undefined) this.send(envelopeLines(records, ""));
    else {
      for (const record of records) this.queued.push(record);
      if (this.state === "idle") this.connect();
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  private send(text: string): void {
    if (text === "" || this.socket === undefined) return;
    if (this.socket.writableLength > MAX_BUFFERED) {
      this.dropped += countLines(text);
      diag.warn(`agent-coat: pod socket ${this.path} is not draining; ${this.dropped} envelopes dropped so far`);
      return;
    }
    this.socket.write(text);
  }

  private connect(): void {
    this.state = "connecting";
    const socket = createConnection({ path: this.path });
    this.socket = socket;
    socket.unref();
    socket.on("connect", () => {
      this.state = "open";
      const pending = this.queued;
      this.queued = [];
      this.send(envelopeLines(pending, ""));
    });
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => {
      if (this.state === "open" || this.state === "connecting") this.fail(new Error("socket closed by the pod runtime"));
    });
  }

  private fail(error: Error): void {
    if (this.state === "failed") return;
    this.state = "failed";
    diag.warn(`agent-coat: envpod queue socket ${this.path} unavailable (${error.message}); falling back to stderr`);
    const pending = this.queued;
    this.queued = [];
    if (pending.length > 0) this.fallback.export(pending, () => undefined);
    this.socket?.destroy();
  }

  async forceFlush(): Promise<void> {
    const socket = this.socket;
    if (this.state !== "open" || socket === undefined || socket.writableLength === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      socket.once("drain", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.socket?.end();
    await this.fallback.shutdown();
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
