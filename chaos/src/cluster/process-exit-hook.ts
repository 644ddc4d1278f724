/**
 * Synchronous last-chance cleanups (kill children, delete proxies' processes) for a normal exit,
 * an uncaught error, SIGINT or SIGTERM. chaos/src/netfault keeps its own hook for namespaces;
 * this one is for what the suites start.
 */
import * as fs from 'node:fs';
const hooks = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const hook of [...hooks]) {
    hooks.delete(hook);
    try {
      hook();
    } catch {
      // the others still need to run
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  process.removeListener(signal, onSignal);
  // Keep the signal's default meaning (exit) unless someone else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** Registers `hook`; the returned function unregisters it once it is no longer needed. */
export function onProcessExit(hook: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  hooks.add(hook);
  return () => {
    hooks.delete(hook);
  };
}

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
