/**
 * Segment files are named `<ms since epoch, 13 digits>-<pid>-<counter>.seg`, so that sorting the
 * names sorts by age and a segment says which process wrote it (and, once claimed, which one
 * re-sends it).
 */
export interface SegmentName {
  readonly created: number;
  readonly pid: number;
  readonly counter: number;
}

const PATTERN = /^(\d{13})-(\d+)-(\d+)\.seg$/;

export function segmentFileName(name: SegmentName): string {
  return `${String(name.created).padStart(13, "0")}-${name.pid}-${String(name.counter).padStart(6, "0")}.seg`;
}

export function parseSegmentFileName(file: string): SegmentName | undefined {
  const m = PATTERN.exec(file);
  if (m === null) return undefined;
  return { created: Number(m[1]), pid: Number(m[2]), counter: Number(m[3]) };
}

/** Whether a process with this pid runs now (another process's segments are left to it). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
