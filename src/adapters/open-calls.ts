import type { Context } from "@opentelemetry/api";
import { context } from "@opentelemetry/api";
import { reportOnce } from "../runtime/report.js";
import type { CoatCall } from "../wrap/call.js";
import { Coating } from "../wrap/coating.js";
import type { AdapterOptions } from "../wrap/coating.js";
import type { CoatOptions } from "../wrap/options.js";
import { startCall } from "../wrap/start-call.js";

const MAX_COATINGS = 1000;

/**
 * The calls an adapter has open for a framework's runs or spans, by the framework's id: started
 * under a parent context, settled once, never throwing into the framework (failures are reported
 * once under `what`). One Coating per op and name, shared by their calls.
 */
export class OpenCalls {
  private readonly calls = new Map<string, CoatCall>();
  private readonly coatings = new Map<string, Coating>();

  constructor(
    private readonly options: CoatOptions,
    private readonly what: string,
  ) {}

  get(key: string): CoatCall | undefined {
    return this.calls.get(key);
  }

  /** Forgets a call without settling it (it was settled elsewhere). */
  forget(key: string): void {
    this.calls.delete(key);
  }

  keys(): string[] {
    return [...this.calls.keys()];
  }

  /** Starts the call for `key` under `parent`; the one already open when the framework reports a start twice. */
  open(key: string, op: string, name: string, args: unknown[], parent: Context, extra?: AdapterOptions): CoatCall | undefined {
    const known = this.calls.get(key);
    if (known !== undefined) return known;
    try {
      const coating = this.coating(op, name, extra);
      const call = context.with(parent, () => startCall(coating, args));
      if (call !== undefined) this.calls.set(key, call);
      return call;
    } catch (error) {
      reportOnce(this.what, error);
      return undefined;
    }
  }

  /** Settles and forgets the call for `key`, if one is open. */
  close(key: string, settle: (call: CoatCall) => void): void {
    const call = this.calls.get(key);
    if (call === undefined) return;
    this.calls.delete(key);
    try {
      settle(call);
    } catch (error) {
      reportOnce(this.what, error);
    }
  }

  private coating(op: string, name: string, extra: AdapterOptions = {}): Coating {
    const key = `${op}\u0000${name}`;
    let found = this.coatings.get(key);
    if (found === undefined) {
      if (this.coatings.size >= MAX_COATINGS) this.coatings.clear();
      this.coatings.set(key, (found = new Coating(op, name, { ...this.options, ...extra, name })));
    }
    return found;
  }
}
