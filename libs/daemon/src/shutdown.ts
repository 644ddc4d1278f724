import type { Logger } from './logger';

export type StopStep = () => Promise<void> | void;

/**
 * Stops the daemon cleanly on SIGTERM and SIGINT: runs the steps in order once, then exits 0.
 * A second signal, or steps that hang past `timeoutMs`, exit 1 at once, so `kill` always works
 * (Node as PID 1 in a container ignores SIGTERM unless it is handled).
 */
export function installShutdown(log: Logger, steps: readonly StopStep[], timeoutMs = 5000): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const step of steps) {
        try {
          await step();
        } catch (err) {
          log.warn({ err }, 'shutdown step failed');
        }
      }
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown timed out, exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    void stop().then(() => {
      log.info('stopped');
      log.flush?.();
      process.exit(0);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return stop;
}
