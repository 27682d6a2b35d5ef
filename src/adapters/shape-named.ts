import type { LlmShape } from "../llm/exchange.js";
import { SHAPES } from "../llm/shapes/registry.js";

export function shapeNamed(name: string): LlmShape {
  const shape = SHAPES.find((s) => s.name === name);
  if (shape === undefined) throw new Error(`agent-coat: no LLM shape named ${name}`);
  return shape;
}
