/**
 * Spans, span events and log bodies coat made itself carry the step id coat minted for them under this
 * symbol: the processors read it to know the content is already rendered per mode. A symbol
 * key is never enumerated, so no exporter or serializer sees it; a WeakMap would do the same
 * at a price, as every entry is an ephemeron the garbage collector must trace on every cycle
 * (measured: about 1.3 µs per call at 100 k calls/s). Symbol.for: the ESM and CommonJS builds
 * must agree on it.
 */
import { isContentKey } from "../capture/content-keys.js";

const OWN_STEP = Symbol.for("agent-coat.own-step");

type Marked = { [OWN_STEP]?: unknown };

export function markOwn(record: object, stepId: string): void {
  (record as Marked)[OWN_STEP] = stepId;
}

/** The step id when `record` is one coat made, else undefined. */
export function ownStep(record: unknown): string | undefined {
  if (record === null || typeof record !== "object") return undefined;
  const step = (record as Marked)[OWN_STEP];
  return typeof step === "string" ? step : undefined;
}

/**
 * The `input.value` / `output.value` texts coat rendered in redacted mode with the scrubber the
 * capture processors apply, on its own span: the processors skip scanning those very strings
 * again (a value someone else set under the key is scanned as before).
 */
const OWN_INPUT = Symbol.for("agent-coat.own-input");
const OWN_OUTPUT = Symbol.for("agent-coat.own-output");
const OWN_SCRUBBER = Symbol.for("agent-coat.own-scrubber");

type MarkedText = { [OWN_INPUT]?: string; [OWN_OUTPUT]?: string; [OWN_SCRUBBER]?: object };

export function markScrubbed(record: object, direction: "input" | "output", text: string, scrubber: object): void {
  const r = record as MarkedText;
  r[OWN_SCRUBBER] = scrubber;
  if (direction === "input") r[OWN_INPUT] = text;
  else r[OWN_OUTPUT] = text;
}

/** Whether `value` is the text coat rendered for `direction` on `record`, scrubbed by `scrubber`. */
export function isScrubbedBy(record: object, direction: "input" | "output", value: unknown, scrubber: object): boolean {
  const r = record as MarkedText;
  if (r[OWN_SCRUBBER] !== scrubber || typeof value !== "string") return false;
  return value === (direction === "input" ? r[OWN_INPUT] : r[OWN_OUTPUT]);
}

/**
 * The content attributes coat wrote on its own LLM span (messages, in the wrapper's mode, or only
 * their roles and tool names in mode none): the processors treat these very values as coat's
 * rendered content (scrubbed, never dropped or re-rendered); a value someone else sets under the
 * same key is enforced as before.
 */
const OWN_RENDERED = Symbol.for("agent-coat.own-rendered");

type MarkedRendered = { [OWN_RENDERED]?: Record<string, unknown> };

export function markRendered(record: object, attributes: Readonly<Record<string, unknown>>): void {
  const r = record as MarkedRendered;
  const own = (r[OWN_RENDERED] ??= Object.create(null) as Record<string, unknown>);
  for (const key in attributes) if (isContentKey(key)) own[key] = attributes[key];
}

export function isRenderedOwn(record: object, key: string, value: unknown): boolean {
  const own = (record as MarkedRendered)[OWN_RENDERED];
  return own !== undefined && own[key] === value && value !== undefined;
}
