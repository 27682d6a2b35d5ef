import { warnOnce } from "../runtime/report.js";
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

/** How long forceFlush() / shutdown() wait for the connection and for unsent bytes to drain. */
const FLUSH_TIMEOUT_MS = 1000;

/**
 * Sends AOT envelopes as JSON lines to the envpod pod's queue socket. If the socket is missing or
 * fails, it warns once and falls back to `fallback` (stderr) for the rest of the process, with
 * everything not yet handed to the kernel. Writes never wait: what is not yet connected is
 * queued, and a stalled socket drops instead of growing.
 */
export class PodSocketExporter implements LogRecordExporter {
  private socket: Socket | undefined;
  private state: "idle" | "connecting" | "open" | "failed" | "closed" = "idle";
  /** Records exported before the connection opened. */
  private queued: ReadableLogRecord[] = [];
  /** Records of the writes the socket has not yet handed to the kernel, oldest first. */
  private unsent: ReadableLogRecord[][] = [];
  /** Resolved whenever the state or `unsent` changes: what forceFlush() waits on. */
  private waiters: (() => void)[] = [];
  /** A flush timed out on unsent writes and none has completed since: later flushes do not wait again. */
  private stalled = false;
  dropped = 0;

  constructor(
    readonly path: string,
    private readonly fallback: LogRecordExporter,
  ) {}

  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    if (this.state === "failed") return this.fallback.export(records, done);
    if (this.state === "closed") return done({ code: ExportResultCode.FAILED, error: new Error("the envpod socket exporter is shut down") });
    if (this.state === "open") this.send(records);
    else {
      for (const record of records) this.queued.push(record);
      if (this.state === "idle") this.connect();
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  private send(records: ReadableLogRecord[]): void {
    const socket = this.socket;
    const text = envelopeLines(records, "");
    if (text === "" || socket === undefined) return;
    if (socket.writableLength > MAX_BUFFERED) {
      this.dropped += countLines(text);
      diag.warn(`agent-coat: pod socket ${this.path} is not draining; ${this.dropped} envelopes dropped so far`);
      return;
    }
    this.unsent.push(records);
    socket.write(text, (error) => {
      // Callbacks come in write order; a failed write leaves its records for fail() to re-route.
      if (error || this.state !== "open") return;
      this.stalled = false;
      this.unsent.shift();
      if (this.unsent.length === 0) this.wake();
    });
  }

  private connect(): void {
    this.state = "connecting";
    const socket = createConnection({ path: this.path });
    this.socket = socket;
    socket.unref();
    socket.on("connect", () => {
      if (this.state !== "connecting") return;
      this.state = "open";
      const pending = this.queued;
      this.queued = [];
      this.send(pending);
      this.wake();
    });
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => this.fail(new Error("socket closed by the pod runtime")));
  }

  private fail(error: Error): void {
    if (this.state === "failed" || this.state === "closed") return;
    this.state = "failed";
    warnOnce(`pod socket ${this.path}`, `envpod queue socket ${this.path} unavailable (${error.message}); falling back to stderr`);
    // Nothing lost: what waited for the connection and what the socket still held go to stderr.
    const pending = [...this.queued, ...this.unsent.flat()];
    this.queued = [];
    this.unsent = [];
    if (pending.length > 0) this.fallback.export(pending, () => undefined);
    this.socket?.destroy();
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * Waits, at most FLUSH_TIMEOUT_MS, for the connection to open and for unsent writes to drain;
   * not at all on a socket already found stalled (the batch processor flushes once per batch).
   */
  async forceFlush(): Promise<void> {
    const deadline = Date.now() + FLUSH_TIMEOUT_MS;
    while (this.state === "connecting" || (this.state === "open" && this.unsent.length > 0 && !this.stalled)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        if (this.state === "open") this.stalled = true;
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, left); // ref'd: keeps a process in beforeExit alive until then
        function finish() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.push(finish);
      });
    }
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    // Still connecting or not drained after the wait: the process may end now, so stderr gets them.
    if (this.state === "connecting" || this.unsent.length > 0) this.fail(new Error("not drained at shutdown"));
    if (this.state !== "failed") {
      this.state = "closed";
      this.socket?.end();
    }
    this.wake();
    await this.fallback.shutdown();
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
