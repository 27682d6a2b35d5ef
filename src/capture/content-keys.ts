import { SemanticConventions as OI } from "@arizeai/openinference-semantic-conventions";
import { ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_STACKTRACE } from "@opentelemetry/semantic-conventions";
import { GenAiKey } from "../dialects/gen-ai-keys.js";
import { EnvpodKey } from "../dialects/keys.js";

/** Attributes whose whole value is content (what a call received, produced or threw). */
const EXACT: ReadonlySet<string> = new Set([
  OI.INPUT_VALUE,
  OI.OUTPUT_VALUE,
  OI.LLM_PROMPTS,
  OI.PROMPT_TEMPLATE_VARIABLES,
  OI.RERANKER_QUERY,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  GenAiKey.PROMPT,
  GenAiKey.COMPLETION,
  GenAiKey.INPUT_MESSAGES,
  GenAiKey.OUTPUT_MESSAGES,
  GenAiKey.SYSTEM_INSTRUCTIONS,
  GenAiKey.TOOL_CALL_ARGUMENTS,
  GenAiKey.TOOL_CALL_RESULT,
  EnvpodKey.TIE_DATA,
]);

/** Flattened lists of content: every attribute under these prefixes is content. */
const PREFIXES: readonly string[] = [
  `${OI.LLM_INPUT_MESSAGES}.`,
  `${OI.LLM_OUTPUT_MESSAGES}.`,
  `${OI.LLM_PROMPTS}.`,
  `${OI.RETRIEVAL_DOCUMENTS}.`,
  `${OI.EMBEDDING_EMBEDDINGS}.`,
  `${OI.RERANKER_INPUT_DOCUMENTS}.`,
  `${OI.RERANKER_OUTPUT_DOCUMENTS}.`,
];

/** The older flattened GenAI form: `gen_ai.prompt.0.content`, `gen_ai.completion.1.role` … */
const INDEXED: readonly string[] = [`${GenAiKey.PROMPT}.`, `${GenAiKey.COMPLETION}.`];

const MEMO_LIMIT = 4096;
const memo = new Map<string, boolean>();

/** True when an attribute carries content that the capture mode governs. Memoized (bounded). */
export function isContentKey(key: string): boolean {
  let known = memo.get(key);
  if (known === undefined) {
    known = classify(key);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, known);
  }
  return known;
}

function classify(key: string): boolean {
  if (EXACT.has(key)) return true;
  for (const prefix of PREFIXES) if (key.startsWith(prefix)) return true;
  for (const prefix of INDEXED) {
    if (key.startsWith(prefix)) {
      const c = key.charCodeAt(prefix.length);
      if (c >= 48 && c <= 57) return true;
    }
  }
  return false;
}
