import type { ExportResult } from "@opentelemetry/core";
import { ExportResultCode } from "@opentelemetry/core";
import { JsonLogsSerializer, JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { mkdir, open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { dirname, resolve } from "node:path";

const NEWLINE = Buffer.from("\n");

/**
 * One append-only JSON-lines file shared by the span and log sinks that write to it, so that
 * their lines never interleave. Writes are queued, never awaited by the caller of export().
 */
class JsonlFile {
  private handle: Promise<FileHandle> | undefined;
  private tail: Promise<void> = Promise.resolve();
  users = 0;

  constructor(readonly path: string) {}

  append(line: Uint8Array): Promise<void> {
    this.handle ??= mkdir(dirname(this.path), { recursive: true }).then(() => open(this.path, "a"));
    const handle = this.handle;
    const write = this.tail.then(async () => {
      const h = await handle;
      // One write per line: with O_APPEND, another process appending to the same file cannot land
      // between a line and its newline. A short write (rare on files) is completed, not dropped.
      const bytes = Buffer.concat([line, NEWLINE]);
      for (let offset = 0; offset < bytes.length; ) {
        const { bytesWritten } = await h.write(bytes, offset);
        if (bytesWritten <= 0) throw new Error(`could not append to ${this.path}`);
        offset += bytesWritten;
      }
    });
    this.tail = write.catch(() => undefined);
    return write;
  }

  flushed(): Promise<void> {
    return this.tail;
  }

  async close(): Promise<void> {
    await this.tail;
    const handle = this.handle;
    this.handle = undefined;
    if (handle !== undefined) await (await handle.catch(() => undefined))?.close();
  }
}

const files = new Map<string, JsonlFile>();

function acquire(path: string): JsonlFile {
  const key = resolve(path);
  let file = files.get(key);
  if (file === undefined) files.set(key, (file = new JsonlFile(key)));
  file.users++;
  return file;
}

async function release(file: JsonlFile): Promise<void> {
  if (--file.users > 0) return file.flushed();
  files.delete(file.path);
  await file.close();
}

/** Writes what it exports as OTLP JSON lines: one export request per line, as the Collector's file exporter does. */
abstract class OtlpJsonlExporter<T> {
  private readonly file: JsonlFile;
  private closed = false;

  constructor(path: string) {
    this.file = acquire(path);
  }

  protected abstract serialize(items: T[]): Uint8Array | undefined;

  export(items: T[], done: (result: ExportResult) => void): void {
    // An empty export request is no line at all (the Collector's file exporter writes none either).
    if (items.length === 0) return done({ code: ExportResultCode.SUCCESS });
    let line: Uint8Array | undefined;
    try {
      line = this.serialize(items);
    } catch (error) {
      return done({ code: ExportResultCode.FAILED, error: error as Error });
    }
    if (line === undefined || this.closed) return done({ code: ExportResultCode.SUCCESS });
    this.file.append(line).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: Error) => done({ code: ExportResultCode.FAILED, error }),
    );
  }

  forceFlush(): Promise<void> {
    return this.file.flushed();
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await release(this.file);
  }
}

export class FileSpanExporter extends OtlpJsonlExporter<ReadableSpan> implements SpanExporter {
  protected serialize(spans: ReadableSpan[]): Uint8Array | undefined {
    return JsonTraceSerializer.serializeRequest(spans);
  }
}

export class FileLogExporter extends OtlpJsonlExporter<ReadableLogRecord> implements LogRecordExporter {
  protected serialize(records: ReadableLogRecord[]): Uint8Array | undefined {
    return JsonLogsSerializer.serializeRequest(records);
  }
}
