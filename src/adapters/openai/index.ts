/**
 * `agent-coat/openai`: records an OpenAI client's model calls as LLM calls without patching the
 * module. `coatOpenAI(client)` replaces, on that client's own resource objects, the two methods
 * that call a model — `chat.completions.create` and `responses.create`, through which the SDK's
 * `parse()` and `stream()` helpers also go — and returns the same client. Results are the SDK's own objects (streams observed in
 * place, `withResponse()` and `asResponse()` untouched); requests are never altered, so a stream's
 * usage is recorded when the request asks for it (`stream_options: { include_usage: true }`).
 * Clients made from it later (`client.withOptions()`) are not recorded: pass them in too.
 */
import type { CoatOptions } from "../../wrap/options.js";
import { coatMethod } from "../coat-method.js";
import { observeApiPromise } from "../api-promise.js";
import { shapeNamed } from "../shape-named.js";

export function coatOpenAI<Client extends object>(client: Client, options: CoatOptions = {}): Client {
  if (client === null || typeof client !== "object") throw new TypeError("agent-coat: coatOpenAI(client) needs an OpenAI client");
  const opts: CoatOptions = { provider: "openai", ...options };
  const chat = shapeNamed("openai.chat");
  const responses = shapeNamed("openai.responses");
  const completions = (client as { chat?: { completions?: object } }).chat?.completions;
  coatMethod(completions, "create", "openai.chat.completions.create", chat, opts, observeApiPromise);
  const api = (client as { responses?: object }).responses;
  coatMethod(api, "create", "openai.responses.create", responses, opts, observeApiPromise);
  return client;
}
