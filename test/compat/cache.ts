// Where the compatibility suite keeps Node binaries, the npm cache, the scratch apps and the last
// run's table: $AGENT_COAT_COMPAT_CACHE, default ~/.cache/agent-coat-compat.
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export const CACHE = resolve(process.env.AGENT_COAT_COMPAT_CACHE ?? join(homedir(), ".cache", "agent-coat-compat"));
export const LAST_RUN = join(CACHE, "last-run.txt");
