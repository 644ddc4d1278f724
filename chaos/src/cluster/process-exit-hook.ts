/**
 * Synchronous last-chance cleanups (kill children, delete proxies' processes) for a normal exit,
 * an uncaught error, SIGINT or SIGTERM. chaos/src/netfault keeps its own hook for namespaces;
 * this one is for what the suites start.
 */
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
