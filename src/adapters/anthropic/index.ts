/**
 * `agent-coat/anthropic`: records an Anthropic client's model calls as LLM calls without patching
 * the module. `coatAnthropic(client)` replaces `messages.create` and `messages.stream` on that
 * client's own `messages` resource (`messages.parse()` goes through create) and returns the same
 * client; the create() a stream makes is part of the stream's call, not a call of its own. Results
 * are the SDK's own objects (streams observed in place, `withResponse()` and `asResponse()`
 * untouched); requests are never altered. Clients made from it later are not recorded.
 */
import type { CoatOptions } from "../../wrap/options.js";
import { coatMethod } from "../coat-method.js";
import { observeApiPromise, observeEventStream } from "../api-promise.js";
import { shapeNamed } from "../shape-named.js";

export function coatAnthropic<Client extends object>(client: Client, options: CoatOptions = {}): Client {
  if (client === null || typeof client !== "object") throw new TypeError("agent-coat: coatAnthropic(client) needs an Anthropic client");
  const opts: CoatOptions = { provider: "anthropic", ...options };
  const shape = shapeNamed("anthropic.messages");
  const messages = (client as { messages?: object }).messages;
  coatMethod(messages, "create", "anthropic.messages.create", shape, opts, observeApiPromise);
  // The helper starts the SDK's own span before it calls create(): recorded itself, so that span nests inside.
  coatMethod(messages, "stream", "anthropic.messages.stream", shape, opts, (call, stream) => observeEventStream(call, stream, "finalMessage"));
  return client;
}
