/**
 * Synchronous last-chance cleanups (kill children, delete proxies' processes) for a normal exit,
 * an uncaught error, SIGINT or SIGTERM: the same hook chaos/src/netfault uses for namespaces, so
 * one signal runs both. Registers `hook`; the returned function unregisters it.
 */
import * as fs from 'node:fs';
import { registerExitCleanup } from '../netfault';

export const onProcessExit: (hook: () => void) => () => void = registerExitCleanup;

/**
 * SIGKILLs every direct child of this process, found through /proc (Linux): the Prometheus and
 * toxiproxy servers a suite started keep their ChildProcess private, and a SIGTERM to the CLI
 * alone would otherwise leave them running.
 */
export function killChildProcessesSync(): number[] {
  const killed: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return killed;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ')'.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      process.kill(Number(entry), 'SIGKILL');
      killed.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return killed;
}
