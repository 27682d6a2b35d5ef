// The spool as the drain uses it: several requests handed out at once, delivered out of order,
// one given back; the cursor on disk only ever covers a delivered prefix.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Spool } from "../../src/delivery/spool.js";
import type { SpoolEntry } from "../../src/delivery/spool.js";

const limits = { maxBytes: 1 << 30, maxAgeMs: 3_600_000, segmentBytes: 1 << 20 };
const noEvents = { lost: () => undefined, damaged: () => undefined };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function spoolWith(names: string[]): Promise<{ dir: string; spool: Spool }> {
  const dir = mkdtempSync(join(tmpdir(), "coat-spool-"));
  dirs.push(dir);
  const spool = new Spool(dir, limits, noEvents);
  for (const name of names) spool.append({ bytes: Buffer.from(name), count: 1 });
  await spool.settled();
  return { dir, spool };
}

const text = (entry: SpoolEntry | undefined) => (entry === undefined ? undefined : Buffer.from(entry.payload.bytes).toString());

async function readAll(dir: string): Promise<string[]> {
  const spool = new Spool(dir, limits, noEvents);
  const seen: string[] = [];
  for (let entry = await spool.next(); entry !== undefined; entry = await spool.next()) seen.push(text(entry)!);
  return seen;
}

describe("Spool", () => {
  it("hands out requests oldest first without waiting for each to be acknowledged", async () => {
    const { spool } = await spoolWith(["a", "b", "c"]);
    expect([text(await spool.next()), text(await spool.next()), text(await spool.next()), text(await spool.next())]).toEqual(["a", "b", "c", undefined]);
  });

  it("keeps its cursor at the first request not delivered when later ones are delivered first", async () => {
    const { dir, spool } = await spoolWith(["a", "b", "c"]);
    const [a, b, c] = [await spool.next(), await spool.next(), await spool.next()];
    await spool.ack(c!);
    await spool.ack(b!);
    await spool.close();
    // A later run (same folder) reads from the cursor: "a" was never delivered, so all three come again.
    expect(await readAll(dir)).toEqual(["a", "b", "c"]);
    await spool.ack(a!);
    expect(readdirSync(dir).filter((f) => f.endsWith(".seg"))).toEqual([]);
    expect(spool.holdsData).toBe(false);
  });

  it("moves the cursor over the delivered prefix only", async () => {
    const { dir, spool } = await spoolWith(["a", "b", "c"]);
    const [a, , c] = [await spool.next(), await spool.next(), await spool.next()];
    await spool.ack(a!);
    await spool.ack(c!);
    await spool.close();
    expect(await readAll(dir)).toEqual(["b", "c"]);
  });

  it("hands a request given back out again before newer ones", async () => {
    const { spool } = await spoolWith(["a", "b", "c"]);
    const a = await spool.next();
    const b = await spool.next();
    spool.retry(b!);
    spool.retry(a!);
    expect([text(await spool.next()), text(await spool.next()), text(await spool.next()), text(await spool.next())]).toEqual(["a", "b", "c", undefined]);
  });
});
