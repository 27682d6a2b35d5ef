import type { Context } from "@opentelemetry/api";
import { context } from "@opentelemetry/api";
import { Op } from "../../dialects/ops.js";
import { gateStartedCall } from "../../govern/gate.js";
import { checkPolicies, governance } from "../../govern/governance.js";
import type { Policy } from "../../govern/policy.js";
import { reportOnce } from "../../runtime/report.js";
import type { CoatCall } from "../../wrap/call.js";
import type { CoatOptions } from "../../wrap/options.js";
import { OpenCalls } from "../open-calls.js";

/** The fields of the Claude Agent SDK's hook inputs read here (`BaseHookInput` and the events' own). */
interface HookInput {
  hook_event_name: string;
  session_id: string;
  agent_id?: string;
  agent_type?: string;
  prompt?: string;
  tool_name?: string;
  tool_input?: unknown;
  tool_response?: unknown;
  tool_use_id?: string;
  error?: unknown;
  error_details?: string;
  is_interrupt?: boolean;
  last_assistant_message?: string;
  reason?: string;
}

/** What a hook answers: `{}` goes on; a PreToolUse denial stops the tool. */
type HookOutput = Record<string, unknown>;
type HookCallback = (input: HookInput, toolUseId: string | undefined, options: { signal: AbortSignal }) => Promise<HookOutput>;
/** `Options["hooks"]` of `@anthropic-ai/claude-agent-sdk`: callback matchers per hook event. */
export type ClaudeHooks = Record<string, Array<{ matcher?: string; hooks: HookCallback[]; timeout?: number }>>;

/** The hook events recorded. */
export const RECORDED_EVENTS = ["UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionDenied", "SubagentStart", "SubagentStop", "Stop", "StopFailure", "SessionEnd"] as const;

export interface ClaudeHooksOptions extends CoatOptions {
  /** The session's call name (default `claude-agent`, or the session's `agent_type`). */
  agentName?: string;
  /** The context a session's call starts under (default: the context active when its first hook runs). */
  parent?: () => Context;
}

const NOTHING: HookOutput = Object.freeze({}) as HookOutput;

/**
 * Records a Claude Agent SDK session from its hooks: each turn of the session (an AGENT call from
 * its prompt to `Stop`; prompts injected during a turn are STEP calls), each tool use (a TOOL call
 * from `PreToolUse` to `PostToolUse`, or failed by `PostToolUseFailure` / `PermissionDenied`, input
 * and result), each sub-agent (an AGENT call from `SubagentStart` to `SubagentStop`, its tool uses
 * under it; one still running when the turn stops stays open under it). A tool use the turn
 * stopped without finishing fails as not completed. With policies a `PreToolUse` the gates stop
 * answers `permissionDecision: "deny"` with the reason, so the tool does not run and the model is
 * told why; every other hook only observes and never fails the run.
 */
export class ClaudeSessionRecorder {
  readonly hooks: ClaudeHooks;
  private readonly calls: OpenCalls;
  private readonly policies: readonly Policy[];
  /** The open calls of each session's main thread, by session id, to close what its hooks never settled at Stop. */
  private readonly sessions = new Map<string, Set<string>>();
  /** The open tool uses of each sub-agent, closed at its SubagentStop; and the sub-agents of each session, closed at SessionEnd. */
  private readonly subagentTools = new Map<string, Set<string>>();
  private readonly sessionSubagents = new Map<string, Set<string>>();
  /** The last turn of each session that stopped: where hooks arriving after its Stop belong. */
  private readonly stopped = new Map<string, Context>();
  private prompts = 0;

  constructor(private readonly options: ClaudeHooksOptions = {}) {
    this.calls = new OpenCalls(options, "recording a Claude Agent SDK hook");
    this.policies = checkPolicies(options.policies, "coatClaudeHooks option policies");
    const handlers: Record<(typeof RECORDED_EVENTS)[number], (input: HookInput) => HookOutput | Promise<HookOutput>> = {
      UserPromptSubmit: (input) => this.prompt(input),
      PreToolUse: (input) => this.toolStart(input),
      PostToolUse: (input) => this.toolEnd(input),
      PostToolUseFailure: (input) => this.toolFailed(input),
      PermissionDenied: (input) => this.toolFailed(input),
      SubagentStart: (input) => this.subagentStart(input),
      SubagentStop: (input) => this.subagentStop(input),
      Stop: (input) => this.stop(input),
      StopFailure: (input) => this.stop(input),
      SessionEnd: (input) => this.sessionEnd(input),
    };
    this.hooks = {};
    // With policies, a PreToolUse hook that fails or times out (an approval that outlasts it) must not let the tool run.
    const failClosed = this.policies.length > 0 || governance.policies.length > 0;
    for (const event of RECORDED_EVENTS) {
      const handle = handlers[event];
      this.hooks[event] = [{ hooks: [async (input) => guarded(handle, input)], ...(event === "PreToolUse" && failClosed && { onFailure: "block" as const }) }];
    }
  }

  /** Closes every call still open when the run ends: tool uses and sub-agents fail as not completed, turns end (or fail with `error`). */
  closeAll(error?: unknown): void {
    for (const key of this.calls.keys()) {
      this.calls.close(key, (call) => {
        if (!key.startsWith("session:")) call.fail(notCompleted(key));
        else if (error !== undefined) call.fail(error);
        else call.end(undefined);
      });
    }
    this.sessions.clear();
    this.subagentTools.clear();
    this.sessionSubagents.clear();
    this.stopped.clear();
  }

  private prompt(input: HookInput): HookOutput {
    const known = this.calls.get(sessionKey(input.session_id));
    if (known === undefined) this.session(input, [input.prompt ?? ""]);
    else {
      // A prompt injected during a turn: a STEP call that ends as it starts.
      const key = `prompt:${++this.prompts}`;
      this.calls.open(key, Op.STEP, "user prompt", [input.prompt ?? ""], known.ctx);
      this.calls.close(key, (call) => call.end(undefined));
    }
    return NOTHING;
  }

  private async toolStart(input: HookInput): Promise<HookOutput> {
    const id = input.tool_use_id;
    if (id === undefined) return NOTHING;
    const args = [input.tool_input ?? {}];
    const parent = this.parentOf(input);
    const open = (key: string) => this.calls.open(key, Op.TOOL, input.tool_name ?? "tool", args, parent.ctx);
    // A sub-agent's tool uses may outlive the turn: they are not the turn's to close at its Stop.
    const call = input.agent_id === undefined ? this.track(input.session_id, toolKey(id), open) : open(member(this.subagentTools, input.agent_id, toolKey(id)));
    if (call === undefined) return NOTHING;
    call.setAttribute("tool_call.id", id);
    if (this.policies.length === 0 && governance.policies.length === 0) return NOTHING;
    // Claude Code runs the tool with the input a PreToolUse hook gives back: redact() and modify() are carried out.
    let updated: unknown;
    const stopped = await gateStartedCall(call, this.policies, args, this.options.approver, (changed) => (updated = changed[0]));
    if (stopped === undefined) return updated === undefined ? NOTHING : { hookSpecificOutput: { hookEventName: "PreToolUse", updatedInput: updated } };
    this.calls.forget(toolKey(id));
    return { hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "deny", permissionDecisionReason: stopped.message } };
  }

  private toolEnd(input: HookInput): HookOutput {
    if (input.tool_use_id === undefined) return NOTHING;
    if (input.agent_id !== undefined) this.subagentTools.get(input.agent_id)?.delete(toolKey(input.tool_use_id));
    this.calls.close(toolKey(input.tool_use_id), (call) => call.end(input.tool_response));
    return NOTHING;
  }

  private toolFailed(input: HookInput): HookOutput {
    if (input.tool_use_id === undefined) return NOTHING;
    if (input.agent_id !== undefined) this.subagentTools.get(input.agent_id)?.delete(toolKey(input.tool_use_id));
    const denied = input.hook_event_name === "PermissionDenied";
    const error = new Error(denied ? input.reason ?? "permission denied" : typeof input.error === "string" ? input.error : "tool use failed");
    error.name = denied ? "PermissionDenied" : input.is_interrupt === true ? "ToolInterrupted" : "ToolUseFailure";
    this.calls.close(toolKey(input.tool_use_id), (call) => call.fail(error));
    return NOTHING;
  }

  private subagentStart(input: HookInput): HookOutput {
    if (input.agent_id === undefined) return NOTHING;
    const root = this.parentOf({ ...input, agent_id: undefined, agent_type: undefined });
    this.calls.open(member(this.sessionSubagents, input.session_id, agentKey(input.agent_id)), Op.AGENT, input.agent_type ?? "subagent", [], root.ctx);
    return NOTHING;
  }

  private subagentStop(input: HookInput): HookOutput {
    if (input.agent_id === undefined) return NOTHING;
    this.closeSubagent(input.agent_id, (call) => call.end(input.last_assistant_message));
    this.sessionSubagents.get(input.session_id)?.delete(agentKey(input.agent_id));
    return NOTHING;
  }

  /** Ends a sub-agent: its tool uses that never finished fail as not completed. */
  private closeSubagent(agentId: string, settle: (call: CoatCall) => void): void {
    for (const key of this.subagentTools.get(agentId) ?? []) this.calls.close(key, (call) => call.fail(notCompleted(key)));
    this.subagentTools.delete(agentId);
    this.calls.close(agentKey(agentId), settle);
  }

  private stop(input: HookInput): HookOutput {
    // A sub-agent's own Stop is its SubagentStop; only the main thread's ends the session.
    if (input.agent_id !== undefined) return NOTHING;
    this.closeSession(input.session_id, (call) => {
      if (input.hook_event_name === "StopFailure") call.fail(stopError(input));
      else call.end(input.last_assistant_message);
    });
    return NOTHING;
  }

  private sessionEnd(input: HookInput): HookOutput {
    for (const key of this.sessionSubagents.get(input.session_id) ?? []) this.closeSubagent(key.slice("agent:".length), (call) => call.fail(notCompleted(key)));
    this.sessionSubagents.delete(input.session_id);
    this.closeSession(input.session_id, (call) => call.end(undefined));
    this.stopped.delete(input.session_id);
    return NOTHING;
  }

  /** The session's call, opened by its first hook. */
  private session(input: HookInput, args: unknown[]): { ctx: Context } {
    const key = sessionKey(input.session_id);
    const open = this.calls.get(key);
    if (open !== undefined) return open;
    const name = this.options.agentName ?? (input.agent_id === undefined ? input.agent_type : undefined) ?? "claude-agent";
    const call = this.track(input.session_id, key, () => this.calls.open(key, Op.AGENT, name, args, this.options.parent?.() ?? context.active()));
    call?.setAttribute("session.id", input.session_id);
    return call ?? { ctx: context.active() };
  }

  /**
   * A sub-agent's hooks carry its `agent_id`: their tool uses go under it. Otherwise the open turn;
   * after its Stop (a sub-agent still at work) the turn that stopped; else a turn opened now.
   */
  private parentOf(input: HookInput): { ctx: Context } {
    const agent = input.agent_id === undefined ? undefined : this.calls.get(agentKey(input.agent_id));
    if (agent !== undefined) return agent;
    const open = this.calls.get(sessionKey(input.session_id));
    if (open !== undefined) return open;
    const stopped = this.stopped.get(input.session_id);
    return stopped !== undefined ? { ctx: stopped } : this.session(input, []);
  }

  /** Ends the session's turn: its tool uses that never finished fail as not completed; sub-agents at work stay open. */
  private closeSession(sessionId: string, settle: (call: CoatCall) => void): void {
    const keys = this.sessions.get(sessionId);
    this.sessions.delete(sessionId);
    const rootKey = sessionKey(sessionId);
    for (const key of keys ?? []) if (key !== rootKey) this.calls.close(key, (call) => call.fail(notCompleted(key)));
    const turn = this.calls.get(rootKey);
    if (turn !== undefined) {
      if (this.stopped.size >= MAX_STOPPED) this.stopped.delete(this.stopped.keys().next().value!);
      this.stopped.set(sessionId, turn.ctx);
    }
    this.calls.close(rootKey, settle);
  }


  private track<T>(sessionId: string, key: string, open: (key: string) => T): T {
    let keys = this.sessions.get(sessionId);
    if (keys === undefined) this.sessions.set(sessionId, (keys = new Set()));
    keys.add(key);
    return open(key);
  }
}

/** A hook that fails would show the user a warning from Claude Code: recording failures are reported once instead. */
async function guarded(handle: (input: HookInput) => HookOutput | Promise<HookOutput>, input: unknown): Promise<HookOutput> {
  try {
    if (typeof input !== "object" || input === null || typeof (input as HookInput).session_id !== "string") return NOTHING;
    return await handle(input as HookInput);
  } catch (error) {
    reportOnce("recording a Claude Agent SDK hook", error);
    return NOTHING;
  }
}

function stopError(input: HookInput): Error {
  const error = new Error(input.error_details ?? (typeof input.error === "string" ? input.error : "the turn ended in an API error"));
  error.name = typeof input.error === "string" ? input.error : "StopFailure";
  return error;
}

// A stopped turn is kept (its span included) only for the hooks that may still come after its Stop.
const MAX_STOPPED = 100;

/** Adds `key` to the set of `owner` in `sets`, and returns it. */
function member(sets: Map<string, Set<string>>, owner: string, key: string): string {
  let set = sets.get(owner);
  if (set === undefined) sets.set(owner, (set = new Set()));
  set.add(key);
  return key;
}

function notCompleted(key: string): Error {
  const error = new Error(key.startsWith("agent:") ? "the sub-agent did not finish before the run ended" : "the tool use did not finish: no PostToolUse or failure hook came for it");
  error.name = "NotCompleted";
  return error;
}

const sessionKey = (id: string): string => `session:${id}`;
const toolKey = (id: string): string => `tool:${id}`;
const agentKey = (id: string): string => `agent:${id}`;
