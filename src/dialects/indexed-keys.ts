/** Indexes past this many get their key built on each use. */
const CACHED = 256;

/**
 * The attribute keys `<head>.N.<tail>` (`<head>.N.` with no tail), each built once: a call writes
 * the same keys as the one before, and a key concatenated on every call is garbage that the engine
 * must look up again before it can use it as a property name.
 */
export class IndexedKeys {
  private readonly keys: string[] = [];

  constructor(
    private readonly head: string,
    private readonly tail = "",
  ) {}

  at(i: number): string {
    if (i >= CACHED) return `${this.head}.${i}.${this.tail}`;
    return (this.keys[i] ??= `${this.head}.${i}.${this.tail}`);
  }
}
