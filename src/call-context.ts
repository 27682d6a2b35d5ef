import type { Context, Span } from "@opentelemetry/api";
import { INVALID_SPAN_CONTEXT, trace } from "@opentelemetry/api";
import type { Scope } from "./scope.js";
import { SCOPE_KEY } from "./scope.js";

/**
 * The key @opentelemetry/api keeps the active span under. It is not exported: it is learnt
 * through the public Context interface, from the key trace.setSpan() hands to setValue().
 */
const SPAN_KEY: symbol | undefined = (() => {
  let key: symbol | undefined;
  const probe: Context = {
    getValue: () => undefined,
    setValue(k) {
      key = k;
      return probe;
    },
    deleteValue: () => probe,
  };
  trace.setSpan(probe, trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  return key;
})();

/** One more value on top of a context: what setValue() and deleteValue() on ours return. */
class ValueContext implements Context {
  constructor(
    private readonly parent: Context,
    private readonly key: symbol,
    private readonly value: unknown,
  ) {}

  getValue(key: symbol): unknown {
    return key === this.key ? this.value : this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new ValueContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new ValueContext(this, key, undefined);
  }
}

/**
 * The context a coat call runs in: its parent's, with the call's span active and the call as
 * scope. One small object instead of two copies of the parent's map of values, on every call.
 */
class CallContext implements Context {
  constructor(
    private readonly parent: Context,
    private readonly scope: Scope,
    private readonly span: Span,
  ) {}

  getValue(key: symbol): unknown {
    return key === SPAN_KEY ? this.span : key === SCOPE_KEY ? this.scope : this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new ValueContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new ValueContext(this, key, undefined);
  }
}

export function callContext(parent: Context, scope: Scope, span: Span): Context {
  if (SPAN_KEY === undefined) return trace.setSpan(parent.setValue(SCOPE_KEY, scope), span);
  return new CallContext(parent, scope, span);
}
