import type { LlmResponse, LlmStreamAccumulator } from "../exchange.js";
import { field, num, record, str } from "../read.js";
import { messageResponse } from "./anthropic-messages.js";

type Block = { type: string; text: string; json: string; id?: string; name?: string };

/** Folds the Messages event stream (message_start, content_block_*, message_delta) into the final message. */
export class AnthropicStream implements LlmStreamAccumulator {
  private message: Record<string, unknown> | undefined;
  private readonly blocks = new Map<number, Block>();
  private usage: Record<string, unknown> = {};
  private stopReason: string | undefined;

  add(event: unknown): void {
    try {
      const type = str(event, "type");
      if (type === "message_start") {
        const message = record(event, "message");
        if (message === undefined) return;
        this.message = { type: "message", role: "assistant", id: str(message, "id"), model: str(message, "model") };
        Object.assign(this.usage, plain(record(message, "usage")));
      } else if (type === "content_block_start") {
        const block = record(event, "content_block");
        const index = num(event, "index");
        if (block === undefined || index === undefined) return;
        this.blocks.set(index, { type: str(block, "type") ?? "text", text: str(block, "text") ?? str(block, "thinking") ?? "", json: "", ...idName(block) });
      } else if (type === "content_block_delta") {
        const block = this.blocks.get(num(event, "index") ?? -1);
        const delta = record(event, "delta");
        if (block === undefined || delta === undefined) return;
        block.text += str(delta, "text") ?? str(delta, "thinking") ?? "";
        block.json += str(delta, "partial_json") ?? "";
      } else if (type === "message_delta") {
        this.stopReason = str(record(event, "delta"), "stop_reason") ?? this.stopReason;
        Object.assign(this.usage, plain(record(event, "usage")));
      }
    } catch {
      // a malformed event is ignored
    }
  }

  response(): LlmResponse | undefined {
    if (this.message === undefined) return undefined;
    const content = [...this.blocks.entries()].sort(([a], [b]) => a - b).map(([, b]) => toBlock(b));
    return messageResponse({ ...this.message, content, stop_reason: this.stopReason, usage: this.usage });
  }
}

function idName(block: object): { id?: string; name?: string } {
  const out: { id?: string; name?: string } = {};
  const id = str(block, "id");
  const name = str(block, "name");
  if (id !== undefined) out.id = id;
  if (name !== undefined) out.name = name;
  return out;
}

function toBlock(b: Block): Record<string, unknown> {
  if (b.type === "tool_use") {
    let input: unknown = {};
    try {
      input = b.json === "" ? {} : JSON.parse(b.json);
    } catch {
      input = b.json;
    }
    return { type: "tool_use", id: b.id, name: b.name, input };
  }
  if (b.type === "thinking") return { type: "thinking", thinking: b.text };
  return { type: b.type, text: b.text };
}

/** The numeric usage counts of an event (null counts, as Anthropic sends for absent ones, dropped). */
function plain(usage: object | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (usage === undefined) return out;
  for (const key of Object.keys(usage)) {
    const value = field(usage, key);
    if (typeof value === "number" || (value !== null && typeof value === "object")) out[key] = value;
  }
  return out;
}
