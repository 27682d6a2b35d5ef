/**
 * A loopback fake of the Anthropic Messages API (node:http on 127.0.0.1, port 0), for pointing the
 * real `@anthropic-ai/sdk` (or `@ai-sdk/anthropic`) at it: `new Anthropic({ baseURL: fake.url,
 * apiKey: "test", maxRetries: 0 })`. It records every request and answers `POST /v1/messages` in
 * the documented wire format: a JSON `message`, or with `stream: true` the event stream
 * (message_start, ping, content_block_start/delta/stop, message_delta, message_stop). A test
 * scripts replies in order (`replies` option or `fake.reply(...)`); without one it says hello.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { messageEvents, type FakeSseEvent } from "./anthropic-events.js";

export type FakeBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id?: string; name: string; input: unknown }
  | { type: "thinking"; thinking: string; signature?: string }
  | { type: "redacted_thinking"; data: string }
  | ({ type: string } & Record<string, unknown>);

export interface FakeUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  output_tokens_details?: { thinking_tokens: number } | null;
}

export interface FakeMessage {
  id?: string;
  /** Defaults to the request's `model`. */
  model?: string;
  content?: FakeBlock[];
  /** Defaults to `tool_use` when a tool_use block is present, else `end_turn`. */
  stop_reason?: string;
  stop_sequence?: string | null;
  usage?: FakeUsage;
}

export type FakeReply =
  /** A message: JSON, or its event stream when the request asked for `stream: true`. */
  | {
      message: FakeMessage;
      /** Characters per text/thinking/input_json delta (default 4). */
      deltaSize?: number;
      /** message_delta's usage: `output` (output_tokens only, default) or `cumulative` (all counts). */
      deltaUsage?: "output" | "cumulative";
    }
  /** An API error with the documented body; `retryAfter` (seconds) sets `retry-after`. */
  | { error: { status: number; type?: string; message?: string; retryAfter?: number } }
  /** A stream written exactly as given: for malformed or unusual event sequences. */
  | { events: FakeSseEvent[] };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body, or undefined if it was not JSON. */
  body: any;
}

export interface AnthropicFake {
  /** The base URL for the SDK's `baseURL` (no `/v1`: the SDK adds it). */
  url: string;
  /** The same, under the name the SDKs use. */
  baseURL: string;
  /** The URL `@ai-sdk/anthropic` takes as `baseURL` (it includes `/v1`). */
  v1: string;
  requests: RecordedRequest[];
  /** Queue replies for the next requests (after those already queued). */
  reply(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

export interface AnthropicFakeOptions {
  replies?: FakeReply[];
  /** Answers a request before the queue does (for agents whose requests interleave, e.g. a sub-agent's); undefined leaves it to the queue. */
  route?: (body: any) => FakeReply | undefined;
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

export const DEFAULT_TEXT = "Hello from the fake Anthropic API.";

export async function startAnthropicFake(options: AnthropicFakeOptions = {}): Promise<AnthropicFake> {
  const queue: FakeReply[] = [...(options.replies ?? [])];
  const requests: RecordedRequest[] = [];
  let served = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: any;
      try {
        body = raw === "" ? undefined : JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const path = (req.url ?? "/").split("?")[0]!;
      requests.push({ method: req.method ?? "", path, headers: req.headers, body });
      served += 1;
      const requestId = `req_fake_${served}`;

      if (req.method !== "POST" || path !== "/v1/messages") {
        return sendError(res, requestId, { status: 404, message: `No fake for ${req.method} ${path}` });
      }
      const reply = options.route?.(body) ?? queue.shift() ?? { message: {} };
      if ("error" in reply) return sendError(res, requestId, reply.error);
      if ("events" in reply) return sendEvents(res, requestId, reply.events);

      const message = fullMessage(reply.message, body, served);
      if (body?.stream === true) {
        return sendEvents(res, requestId, messageEvents(message, reply.deltaSize ?? 4, reply.deltaUsage ?? "output"));
      }
      res.writeHead(200, { "content-type": "application/json", "request-id": requestId });
      res.end(JSON.stringify(message));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: url,
    v1: `${url}/v1`,
    requests,
    reply: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The message as the API sends it: every field present, defaults filled in. */
function fullMessage(m: FakeMessage, body: any, n: number): Record<string, unknown> {
  const content = (m.content ?? [{ type: "text", text: DEFAULT_TEXT }]).map((b, i) =>
    b.type === "text" ? { citations: null, ...b }
    : b.type === "tool_use" ? { ...b, id: b.id ?? `toolu_fake_${n}_${i}` }
    : b.type === "thinking" ? { signature: `sig_fake_${n}_${i}`, ...b }
    : b,
  );
  const hasToolUse = content.some((b) => b.type === "tool_use");
  return {
    id: m.id ?? `msg_fake_${n}`,
    type: "message",
    role: "assistant",
    model: m.model ?? (typeof body?.model === "string" ? body.model : "claude-fake"),
    content,
    stop_reason: m.stop_reason ?? (hasToolUse ? "tool_use" : "end_turn"),
    stop_sequence: m.stop_sequence ?? null,
    container: null,
    stop_details: null,
    usage: {
      input_tokens: 12,
      output_tokens: 6,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      ...m.usage,
    },
  };
}

function sendError(
  res: import("node:http").ServerResponse,
  requestId: string,
  e: { status: number; type?: string; message?: string; retryAfter?: number },
): void {
  const headers: Record<string, string> = { "content-type": "application/json", "request-id": requestId };
  if (e.retryAfter !== undefined) headers["retry-after"] = String(e.retryAfter);
  res.writeHead(e.status, headers);
  const type = e.type ?? ERROR_TYPES[e.status] ?? "api_error";
  res.end(JSON.stringify({ type: "error", error: { type, message: e.message ?? `Fake ${type}` }, request_id: requestId }));
}

function sendEvents(res: import("node:http").ServerResponse, requestId: string, events: FakeSseEvent[]): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": requestId });
  for (const e of events) {
    const data = typeof e.data === "string" ? e.data : JSON.stringify(e.data);
    res.write(`event: ${e.event}\ndata: ${data}\n\n`);
  }
  res.end();
}
