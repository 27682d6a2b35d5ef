/** Polls `probe` until it returns a value that `done` accepts; rejects after `timeoutMs` with the last value. */
export async function eventually<T>(what: string, probe: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let failure: unknown;
  for (;;) {
    try {
      last = await probe();
      failure = undefined;
      if (done(last)) return last;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) {
      const seen = failure !== undefined ? `last error: ${String(failure)}` : `last seen: ${JSON.stringify(last, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))?.slice(0, 2000)}`;
      throw new Error(`timed out waiting for ${what}; ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** True once something accepts TCP connections on 127.0.0.1:port. */
export async function listening(port: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
