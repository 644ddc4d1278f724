/**
 * Synchronous cleanups that must run however the process ends: normal exit, an uncaught
 * error, SIGINT or SIGTERM. A namespace left behind keeps its processes, addresses and rules,
 * and the next run's `ip netns add` of the same name fails, so this is not optional.
 * (SIGKILL cannot be caught: `sweepStaleLabs()` removes what a killed process left.)
 */
const cleanups = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // keep going: the others still need to run
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  // Keep the default meaning of the signal (exit) unless someone else handles it.
  process.removeListener(signal, onSignal);
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Registers a cleanup; call the returned function once it has run normally. */
export function registerExitCleanup(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}
