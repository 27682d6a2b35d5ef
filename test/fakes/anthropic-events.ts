/**
 * The Messages API's event stream for one message, as the API documents it: message_start (the
 * message with empty content and its initial usage), ping, per block content_block_start / _delta
 * / _stop, message_delta (stop_reason, usage), message_stop.
 */

export interface FakeSseEvent {
  event: string;
  /** Sent as JSON unless it is a string (then sent as is, to script malformed data). */
  data: unknown;
}

type Block = Record<string, any>;

export function messageEvents(
  message: Record<string, any>,
  deltaSize: number,
  deltaUsage: "output" | "cumulative",
): FakeSseEvent[] {
  const usage = message.usage as Record<string, unknown>;
  const events: FakeSseEvent[] = [
    {
      event: "message_start",
      data: {
        type: "message_start",
        message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
      },
    },
    { event: "ping", data: { type: "ping" } },
  ];
  (message.content as Block[]).forEach((block, index) => {
    events.push({ event: "content_block_start", data: { type: "content_block_start", index, content_block: startOf(block) } });
    for (const delta of deltasOf(block, deltaSize)) {
      events.push({ event: "content_block_delta", data: { type: "content_block_delta", index, delta } });
    }
    events.push({ event: "content_block_stop", data: { type: "content_block_stop", index } });
  });
  const finalUsage =
    deltaUsage === "cumulative"
      ? {
          input_tokens: usage.input_tokens,
          output_tokens: usage.output_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens,
        }
      : { output_tokens: usage.output_tokens };
  events.push(
    {
      event: "message_delta",
      data: {
        type: "message_delta",
        delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence ?? null, stop_details: null },
        usage: finalUsage,
      },
    },
    { event: "message_stop", data: { type: "message_stop" } },
  );
  return events;
}

/** A block as content_block_start carries it: its text, thinking or input still empty. */
function startOf(block: Block): Block {
  switch (block.type) {
    case "text":
      return { ...block, text: "" };
    case "thinking":
      return { ...block, thinking: "", signature: "" };
    case "tool_use":
      return { ...block, input: {} };
    default:
      return block;
  }
}

function deltasOf(block: Block, size: number): Block[] {
  switch (block.type) {
    case "text":
      return pieces(block.text, size).map((text) => ({ type: "text_delta", text }));
    case "thinking":
      return [
        ...pieces(block.thinking, size).map((thinking) => ({ type: "thinking_delta", thinking })),
        { type: "signature_delta", signature: block.signature },
      ];
    case "tool_use":
      // The API's first input_json_delta is often empty.
      return ["", ...pieces(JSON.stringify(block.input ?? {}), size)].map((partial_json) => ({
        type: "input_json_delta",
        partial_json,
      }));
    default:
      return [];
  }
}

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
