/**
 * In-process OTLP receiver for tests.
 *
 * Listens on 127.0.0.1 (free ports) for
 *   - OTLP/HTTP  `POST /v1/traces`, `POST /v1/logs`
 *       content-type application/x-protobuf (or application/protobuf) or application/json,
 *       optional content-encoding gzip / deflate / br;
 *   - OTLP/gRPC  `opentelemetry.proto.collector.trace.v1.TraceService/Export` and
 *       `opentelemetry.proto.collector.logs.v1.LogsService/Export` (insecure, on a second port).
 *
 * Whatever the protocol, everything decoded is normalised into one plain shape
 * (`ReceivedSpan`, `ReceivedLog`) so tests can compare transports with `toEqual`.
 */
import * as http from "node:http";
import * as zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { SEAL_CHECKPOINT_NAME, SealKey } from "../../src/dialects/keys.js";

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

export type AttrValue =
  | string
  | number
  | boolean
  | bigint
  | null
  | Uint8Array
  | AttrValue[]
  | { [k: string]: AttrValue };

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP span kind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer (API SpanKind + 1). */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, AttrValue>;
  events: { name: string; timeUnixNano: bigint; attributes: Record<string, AttrValue> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, AttrValue> }[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  resource: Record<string, AttrValue>;
  scope: { name: string; version: string };
  droppedAttributesCount: number;
}

export interface ReceivedLog {
  traceId: string;
  spanId: string;
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  eventName: string;
  body: AttrValue;
  attributes: Record<string, AttrValue>;
  resource: Record<string, AttrValue>;
  scope: { name: string; version: string };
}

export type ReceivedTransport = "http/protobuf" | "http/json" | "grpc";

export interface ReceivedRequest {
  signal: "traces" | "logs";
  transport: ReceivedTransport;
  /** HTTP path, or the gRPC method path for gRPC. */
  path: string;
  /** HTTP request headers, or gRPC metadata (binary values as base64). */
  headers: Record<string, string | string[] | undefined>;
  /** Bytes after decompression. */
  rawBody: Buffer;
  /** Bytes before decompression (for gRPC: the message length grpc-js hands over, i.e. already decompressed). */
  wireBytes: number;
  /** Status the receiver answered: an HTTP status, or for gRPC the HTTP-equivalent (200, or the programmed failure). */
  status: number;
}

export interface FailureOptions {
  /** Value for a `Retry-After` response header (HTTP only). The JS exporters turn "0" into an immediate retry. */
  retryAfter?: string | number;
  /** Restrict the failure to one transport family; default: whichever export request comes next. */
  only?: "http" | "grpc";
}

export interface OtlpReceiver {
  /** e.g. "http://127.0.0.1:43123"; exporters need the full `${httpUrl}/v1/traces` as `url`. */
  readonly httpUrl: string;
  /** e.g. "http://127.0.0.1:43124"; pass as `url` to the OTLP gRPC exporters. */
  readonly grpcUrl: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  /** Spans and log records, without the seal's checkpoint log records (those are in `checkpoints`); every span. */
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
  /**
   * The seal's checkpoints: the spans that carry one (they are agent spans, in `spans` too — a
   * checkpoint is never a span of its own) and the checkpoint log records (kept apart from `logs`,
   * so counts of the agent's own records stay exact).
   */
  readonly checkpoints: { spans: ReceivedSpan[]; logs: ReceivedLog[] };
  /** Every export request received, including the ones answered with a programmed failure. */
  readonly requests: ReceivedRequest[];
  /** Problems the receiver saw (bad path, undecodable body, ...): handy when a wait times out. */
  readonly errors: string[];
  /** Polls `predicate` (every 10 ms); rejects on timeout (default 10 s) with the counts seen so far. */
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  waitForSpans(n: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  waitForLogs(n: number, timeoutMs?: number): Promise<ReceivedLog[]>;
  /**
   * The next `n` export requests (HTTP, and gRPC unless `opts.only` says otherwise) are answered with
   * `status` (default 503) and their payload is NOT recorded as spans/logs. Calls queue up.
   * gRPC gets the matching gRPC code (see `httpStatusToGrpcCode`).
   */
  failNext(n: number, status?: number, opts?: FailureOptions): void;
  /** Answer every export request with `status` until called with `null`. Applies after any `failNext` queue. */
  failAll(status: number | null, opts?: FailureOptions): void;
  /** Clears spans, logs, requests, errors and any programmed failures. Arrays are cleared in place. */
  reset(): void;
  /** Every decompressed request body as latin1 text, joined with "\n": for leak tests searching raw bytes. */
  allWireText(): string;
  /** Stops both servers and destroys open connections. Idempotent. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------

const TRACE_GRPC_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
const LOGS_GRPC_PATH = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

interface Schema {
  traceRequest: protobuf.Type;
  logsRequest: protobuf.Type;
  traceResponse: protobuf.Type;
  logsResponse: protobuf.Type;
}

let schema: Schema | undefined;

function getSchema(): Schema {
  if (!schema) {
    const root = protobuf.loadSync(fileURLToPath(new URL("./otlp-min.proto", import.meta.url)));
    // The response messages are empty in practice (partial_success is optional); define them here
    // rather than in the shared .proto.
    const responses = new protobuf.Namespace("otlp_responses");
    const traceResponse = new protobuf.Type("ExportTraceServiceResponse");
    const logsResponse = new protobuf.Type("ExportLogsServiceResponse");
    responses.add(traceResponse).add(logsResponse);
    root.add(responses);
    schema = {
      traceRequest: root.lookupType("otlp.ExportTraceServiceRequest"),
      logsRequest: root.lookupType("otlp.ExportLogsServiceRequest"),
      traceResponse,
      logsResponse,
    };
  }
  return schema;
}

/** protobuf bytes -> plain object in the same (camelCase) shape as OTLP/JSON, 64-bit ints as decimal strings. */
function decodeProtobuf(type: protobuf.Type, bytes: Uint8Array): Loose {
  const message = type.decode(bytes);
  return type.toObject(message, { longs: String }) as Loose;
}

// ---------------------------------------------------------------------------
// Normalisation (works on both protobufjs `toObject` output and OTLP/JSON)
// ---------------------------------------------------------------------------

type Loose = Record<string, unknown>;

function isObj(v: unknown): v is Loose {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function obj(v: unknown): Loose {
  return isObj(v) ? v : {};
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string {
  return typeof v === "string" ? v : v == null ? "" : String(v);
}

/** OTLP/JSON may use snake_case field names (protobuf JSON mapping allows both): camelCase every object key. */
function camelize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelize);
  if (isObj(v)) {
    const out: Loose = {};
    for (const [k, val] of Object.entries(v)) {
      out[k.includes("_") ? k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) : k] = camelize(val);
    }
    return out;
  }
  return v;
}

function bytesToHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

/** Ids: protobuf carries bytes, OTLP/JSON carries hex (base64 accepted only when the string cannot be hex). */
function toHexId(v: unknown): string {
  if (v == null) return "";
  if (v instanceof Uint8Array) return bytesToHex(v);
  if (Array.isArray(v)) return bytesToHex(Uint8Array.from(v as number[]));
  const s = str(v);
  if (s === "") return "";
  if (s.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(s)) return s.toLowerCase();
  return Buffer.from(s, "base64").toString("hex");
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return new Uint8Array(v); // copy: plain Uint8Array, never a Buffer
  if (Array.isArray(v)) return Uint8Array.from(v as number[]);
  return new Uint8Array(Buffer.from(str(v), "base64"));
}

interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

function isLongLike(v: unknown): v is LongLike {
  return isObj(v) && typeof v.low === "number" && typeof v.high === "number";
}

/** 64-bit integer from string | number | bigint | Long; absent -> 0n. */
function toBigInt(v: unknown): bigint {
  if (v == null || v === "") return 0n;
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(Math.trunc(v));
  if (typeof v === "string") return BigInt(v.trim());
  if (isLongLike(v)) {
    const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
    return v.unsigned ? bits : BigInt.asIntN(64, bits);
  }
  throw new Error(`cannot read a 64-bit integer from ${JSON.stringify(v)}`);
}

const SPAN_KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE_NAMES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const SEVERITY_BASES: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };

function severityFromName(s: string): number | undefined {
  const m = /^SEVERITY_NUMBER_([A-Z]+)([2-4]?)$/.exec(s);
  if (!m) return s === "SEVERITY_NUMBER_UNSPECIFIED" ? 0 : undefined;
  const base = SEVERITY_BASES[m[1]!];
  return base === undefined ? undefined : base + (m[2] ? Number(m[2]) - 1 : 0);
}

/** Small integers / enums: number, numeric string, or enum name. */
function toInt(v: unknown, names?: Record<string, number> | ((s: string) => number | undefined)): number {
  if (v == null || v === "") return 0;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  const s = str(v);
  if (/^-?\d+$/.test(s)) return Number(s);
  const named = typeof names === "function" ? names(s) : names?.[s];
  if (named !== undefined) return named;
  throw new Error(`cannot read an integer from ${JSON.stringify(v)}`);
}

function toAttrValue(v: unknown): AttrValue {
  if (!isObj(v)) return null;
  if (v.stringValue != null) return str(v.stringValue);
  if (v.boolValue != null) return v.boolValue === true || v.boolValue === "true";
  if (v.intValue != null) {
    const big = toBigInt(v.intValue);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  if (v.doubleValue != null) return Number(v.doubleValue); // JSON may carry "NaN" / "Infinity" as strings
  if (v.arrayValue != null) return arr(obj(v.arrayValue).values).map(toAttrValue);
  if (v.kvlistValue != null) return toAttributes(obj(v.kvlistValue).values);
  if (v.bytesValue != null) return toBytes(v.bytesValue);
  return null;
}

function toAttributes(list: unknown): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of arr(list)) {
    const o = obj(kv);
    // defineProperty: a key such as "__proto__" must stay data, not change the prototype
    Object.defineProperty(out, str(o.key), {
      value: toAttrValue(o.value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function toScope(v: unknown): { name: string; version: string } {
  const o = obj(v);
  return { name: str(o.name), version: str(o.version) };
}

export function normaliseTraces(request: unknown): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of arr(obj(request).resourceSpans)) {
    const resourceSpans = obj(rs);
    const resource = toAttributes(obj(resourceSpans.resource).attributes);
    for (const ss of arr(resourceSpans.scopeSpans)) {
      const scopeSpans = obj(ss);
      const scope = toScope(scopeSpans.scope);
      for (const sp of arr(scopeSpans.spans)) {
        const s = obj(sp);
        const status = obj(s.status);
        out.push({
          traceId: toHexId(s.traceId),
          spanId: toHexId(s.spanId),
          parentSpanId: toHexId(s.parentSpanId),
          name: str(s.name),
          kind: toInt(s.kind, SPAN_KIND_NAMES),
          startTimeUnixNano: toBigInt(s.startTimeUnixNano),
          endTimeUnixNano: toBigInt(s.endTimeUnixNano),
          attributes: toAttributes(s.attributes),
          events: arr(s.events).map((e) => {
            const ev = obj(e);
            return { name: str(ev.name), timeUnixNano: toBigInt(ev.timeUnixNano), attributes: toAttributes(ev.attributes) };
          }),
          links: arr(s.links).map((l) => {
            const link = obj(l);
            return { traceId: toHexId(link.traceId), spanId: toHexId(link.spanId), attributes: toAttributes(link.attributes) };
          }),
          status: { code: toInt(status.code, STATUS_CODE_NAMES), message: str(status.message) },
          resource: { ...resource },
          scope: { ...scope },
          droppedAttributesCount: toInt(s.droppedAttributesCount),
        });
      }
    }
  }
  return out;
}

export function normaliseLogs(request: unknown): ReceivedLog[] {
  const out: ReceivedLog[] = [];
  for (const rl of arr(obj(request).resourceLogs)) {
    const resourceLogs = obj(rl);
    const resource = toAttributes(obj(resourceLogs.resource).attributes);
    for (const sl of arr(resourceLogs.scopeLogs)) {
      const scopeLogs = obj(sl);
      const scope = toScope(scopeLogs.scope);
      for (const lr of arr(scopeLogs.logRecords)) {
        const r = obj(lr);
        out.push({
          traceId: toHexId(r.traceId),
          spanId: toHexId(r.spanId),
          timeUnixNano: toBigInt(r.timeUnixNano),
          observedTimeUnixNano: toBigInt(r.observedTimeUnixNano),
          severityNumber: toInt(r.severityNumber, severityFromName),
          severityText: str(r.severityText),
          eventName: str(r.eventName),
          body: toAttrValue(r.body),
          attributes: toAttributes(r.attributes),
          resource: { ...resource },
          scope: { ...scope },
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Failure programming
// ---------------------------------------------------------------------------

interface Failure {
  status: number;
  retryAfter?: string | number;
  only?: "http" | "grpc";
}

/** HTTP status -> gRPC status code, for programmed failures on the gRPC port. */
export function httpStatusToGrpcCode(status: number): grpc.status {
  switch (status) {
    case 400:
      return grpc.status.INVALID_ARGUMENT;
    case 401:
      return grpc.status.UNAUTHENTICATED;
    case 403:
      return grpc.status.PERMISSION_DENIED;
    case 404:
      return grpc.status.NOT_FOUND;
    case 408:
    case 504:
      return grpc.status.DEADLINE_EXCEEDED;
    case 413:
    case 429:
      return grpc.status.RESOURCE_EXHAUSTED;
    case 501:
      return grpc.status.UNIMPLEMENTED;
    case 502:
    case 503:
      return grpc.status.UNAVAILABLE;
    case 500:
      return grpc.status.INTERNAL;
    default:
      return grpc.status.UNKNOWN;
  }
}

// ---------------------------------------------------------------------------
// Receiver
// ---------------------------------------------------------------------------

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function decompress(body: Buffer, encoding: string): Buffer {
  switch (encoding) {
    case "":
    case "identity":
      return body;
    case "gzip":
    case "x-gzip":
      return zlib.gunzipSync(body);
    case "deflate":
      try {
        return zlib.inflateSync(body);
      } catch {
        return zlib.inflateRawSync(body); // some clients send raw deflate
      }
    case "br":
      return zlib.brotliDecompressSync(body);
    default:
      throw new UnsupportedEncoding(encoding);
  }
}

class UnsupportedEncoding extends Error {}

function headerString(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v.join(",") : (v ?? "")).trim().toLowerCase();
}

interface GrpcRequest {
  raw: Buffer;
  decoded?: Loose;
  error?: string;
}

/** `httpPort`: listen on this port (a receiver brought back where an earlier one was stopped). */
export async function startOtlpReceiver(options: { httpPort?: number; grpcPort?: number } = {}): Promise<OtlpReceiver> {
  const s = getSchema();
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLog[] = [];
  const checkpoints = { spans: [] as ReceivedSpan[], logs: [] as ReceivedLog[] };
  const requests: ReceivedRequest[] = [];
  const errors: string[] = [];
  const failQueue: Failure[] = [];
  let failAlways: Failure | null = null;

  function takeFailure(kind: "http" | "grpc"): Failure | undefined {
    const i = failQueue.findIndex((f) => f.only === undefined || f.only === kind);
    if (i >= 0) return failQueue.splice(i, 1)[0];
    if (failAlways && (failAlways.only === undefined || failAlways.only === kind)) return failAlways;
    return undefined;
  }

  function ingest(signal: "traces" | "logs", decoded: unknown): void {
    if (signal === "traces") {
      for (const span of normaliseTraces(decoded)) {
        spans.push(span);
        if (span.attributes[SealKey.CHECKPOINT_FINAL] !== undefined) checkpoints.spans.push(span);
      }
    }
    else for (const log of normaliseLogs(decoded)) (log.eventName === SEAL_CHECKPOINT_NAME ? checkpoints.logs : logs).push(log);
  }

  // ---------------------------------------------------------------- HTTP
  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    const signal = path === "/v1/traces" ? "traces" : path === "/v1/logs" ? "logs" : undefined;
    const wire = await readBody(req);
    const reply = (status: number, contentType: string, body: string | Buffer, extra: http.OutgoingHttpHeaders = {}) => {
      res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body), ...extra });
      res.end(body);
    };
    if (!signal) {
      errors.push(`HTTP ${req.method} ${path}: unknown path`);
      return reply(404, "text/plain", "not found");
    }
    if (req.method !== "POST") {
      errors.push(`HTTP ${req.method} ${path}: method not allowed`);
      return reply(405, "text/plain", "method not allowed", { allow: "POST" });
    }
    const mime = headerString(req.headers["content-type"]).split(";")[0]!.trim();
    const transport: ReceivedTransport | undefined =
      mime === "application/x-protobuf" || mime === "application/protobuf"
        ? "http/protobuf"
        : mime === "application/json"
          ? "http/json"
          : undefined;
    if (!transport) {
      errors.push(`HTTP POST ${path}: unsupported content-type ${JSON.stringify(req.headers["content-type"])}`);
      return reply(415, "text/plain", "unsupported content-type");
    }
    let rawBody: Buffer;
    try {
      rawBody = decompress(wire, headerString(req.headers["content-encoding"]));
    } catch (err) {
      const unsupported = err instanceof UnsupportedEncoding;
      errors.push(`HTTP POST ${path}: ${unsupported ? "unsupported content-encoding" : "cannot decompress"}: ${String(err)}`);
      return reply(unsupported ? 415 : 400, "text/plain", "bad content-encoding");
    }
    const record: ReceivedRequest = {
      signal,
      transport,
      path,
      headers: { ...req.headers },
      rawBody,
      wireBytes: wire.length,
      status: 200,
    };
    requests.push(record);

    const failure = takeFailure("http");
    if (failure) {
      record.status = failure.status;
      const extra: http.OutgoingHttpHeaders = failure.retryAfter !== undefined ? { "retry-after": String(failure.retryAfter) } : {};
      return reply(failure.status, "text/plain", `programmed failure ${failure.status}`, extra);
    }

    try {
      const decoded =
        transport === "http/json"
          ? camelize(JSON.parse(rawBody.toString("utf8")))
          : decodeProtobuf(signal === "traces" ? s.traceRequest : s.logsRequest, rawBody);
      ingest(signal, decoded);
    } catch (err) {
      record.status = 400;
      errors.push(`HTTP POST ${path} (${transport}): cannot decode body: ${String(err)}`);
      return reply(400, "text/plain", "cannot decode body");
    }

    if (transport === "http/json") return reply(200, "application/json", "{}");
    const response = signal === "traces" ? s.traceResponse : s.logsResponse;
    return reply(200, "application/x-protobuf", Buffer.from(response.encode(response.create({})).finish()));
  }

  const httpServer = http.createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      errors.push(`HTTP handler crashed: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end();
    });
  });

  // ---------------------------------------------------------------- gRPC
  function serviceDefinition(
    path: string,
    requestType: protobuf.Type,
    responseType: protobuf.Type,
  ): grpc.ServiceDefinition<grpc.UntypedServiceImplementation> {
    return {
      Export: {
        path,
        requestStream: false,
        responseStream: false,
        originalName: "export",
        requestSerialize: (req: GrpcRequest) => req.raw,
        requestDeserialize: (buf: Buffer): GrpcRequest => {
          const raw = Buffer.from(buf);
          try {
            return { raw, decoded: decodeProtobuf(requestType, raw) };
          } catch (err) {
            return { raw, error: String(err) };
          }
        },
        responseSerialize: (msg: Loose) => Buffer.from(responseType.encode(responseType.fromObject(msg)).finish()),
        responseDeserialize: (buf: Buffer) => responseType.toObject(responseType.decode(buf)),
      },
    };
  }

  function grpcHandler(signal: "traces" | "logs", path: string): grpc.handleUnaryCall<GrpcRequest, Loose> {
    return (call, callback) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(call.metadata.getMap())) {
        headers[k] = typeof v === "string" ? v : Buffer.from(v).toString("base64");
      }
      const { raw, decoded, error } = call.request;
      const record: ReceivedRequest = { signal, transport: "grpc", path, headers, rawBody: raw, wireBytes: raw.length, status: 200 };
      requests.push(record);
      const failure = takeFailure("grpc");
      if (failure) {
        record.status = failure.status;
        callback({ code: httpStatusToGrpcCode(failure.status), details: `programmed failure ${failure.status}` });
        return;
      }
      try {
        if (error !== undefined || decoded === undefined) throw new Error(error ?? "no message");
        ingest(signal, decoded);
      } catch (err) {
        record.status = 400;
        errors.push(`gRPC ${path}: cannot decode message: ${String(err)}`);
        callback({ code: grpc.status.INVALID_ARGUMENT, details: "cannot decode message" });
        return;
      }
      callback(null, {});
    };
  }

  const grpcServer = new grpc.Server({ "grpc.max_receive_message_length": 64 * 1024 * 1024 });
  grpcServer.addService(serviceDefinition(TRACE_GRPC_PATH, s.traceRequest, s.traceResponse), {
    Export: grpcHandler("traces", TRACE_GRPC_PATH),
  });
  grpcServer.addService(serviceDefinition(LOGS_GRPC_PATH, s.logsRequest, s.logsResponse), {
    Export: grpcHandler("logs", LOGS_GRPC_PATH),
  });

  // ---------------------------------------------------------------- listen
  const httpPort = await new Promise<number>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.httpPort ?? 0, "127.0.0.1", () => {
      httpServer.off("error", reject);
      const addr = httpServer.address();
      if (addr && typeof addr === "object") resolve(addr.port);
      else reject(new Error("OTLP receiver: cannot read HTTP port"));
    });
  });
  let grpcPort: number;
  try {
    grpcPort = await new Promise<number>((resolve, reject) => {
      grpcServer.bindAsync(`127.0.0.1:${options.grpcPort ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      );
    });
  } catch (err) {
    httpServer.close();
    grpcServer.forceShutdown();
    throw err;
  }

  let closing: Promise<void> | undefined;

  const receiver: OtlpReceiver = {
    httpUrl: `http://127.0.0.1:${httpPort}`,
    grpcUrl: `http://127.0.0.1:${grpcPort}`,
    httpPort,
    grpcPort,
    spans,
    logs,
    checkpoints,
    requests,
    errors,

    waitFor(predicate, timeoutMs = 10_000, what) {
      const started = Date.now();
      return new Promise<void>((resolve, reject) => {
        let lastError: unknown;
        const tick = () => {
          try {
            if (predicate()) return resolve();
            lastError = undefined;
          } catch (err) {
            lastError = err;
          }
          if (Date.now() - started >= timeoutMs) {
            const statuses = requests.map((r) => `${r.transport} ${r.signal} ${r.status}`).join(", ");
            reject(
              new Error(
                `OTLP receiver: timed out after ${timeoutMs} ms waiting for ${what ?? "condition"}; ` +
                  `seen spans=${spans.length} logs=${logs.length} requests=${requests.length}` +
                  (statuses ? ` [${statuses}]` : "") +
                  (errors.length ? `; receiver errors: ${errors.join(" | ")}` : "") +
                  (lastError !== undefined ? `; predicate threw: ${String(lastError)}` : ""),
              ),
            );
            return;
          }
          setTimeout(tick, 10);
        };
        tick();
      });
    },

    async waitForSpans(n, timeoutMs) {
      await receiver.waitFor(() => spans.length >= n, timeoutMs, `${n} span(s)`);
      return spans.slice();
    },

    async waitForLogs(n, timeoutMs) {
      await receiver.waitFor(() => logs.length >= n, timeoutMs, `${n} log record(s)`);
      return logs.slice();
    },

    failNext(n, status = 503, opts = {}) {
      for (let i = 0; i < n; i++) failQueue.push({ status, retryAfter: opts.retryAfter, only: opts.only });
    },

    failAll(status, opts = {}) {
      failAlways = status === null ? null : { status, retryAfter: opts.retryAfter, only: opts.only };
    },

    reset() {
      spans.length = 0;
      logs.length = 0;
      checkpoints.spans.length = 0;
      checkpoints.logs.length = 0;
      requests.length = 0;
      errors.length = 0;
      failQueue.length = 0;
      failAlways = null;
    },

    allWireText() {
      return requests.map((r) => r.rawBody.toString("latin1")).join("\n");
    },

    close() {
      closing ??= new Promise<void>((resolve) => {
        grpcServer.forceShutdown();
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      return closing;
    },
  };
  return receiver;
}
