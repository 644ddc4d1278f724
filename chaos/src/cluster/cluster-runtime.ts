/**
 * How a chaos run starts and handles daemons, whatever runs them (host processes today;
 * containers behind the same interface later). Faults on links are a separate concern
 * (LinkFaults); process faults (kill, pause, restart) live here because only the runtime holds
 * the processes.
 */
import type { DaemonSpec, FlagValue } from '@statestore-ha/cluster';
import type { ScrapeTarget } from '../prometheus';

export type RuntimeKind = 'process' | 'containers';

/** Where and how one daemon runs, as a fault injector decided it (route()). */
export interface DaemonPlacement {
  /** Command prefix, e.g. ['ip', 'netns', 'exec', '<ns>'] to run in a namespace. */
  readonly wrapper?: readonly string[];
  /** Address the harness and Prometheus reach the daemon's web port on; default 127.0.0.1. */
  readonly webHost?: string;
}

export interface ClusterRuntime {
  readonly kind: RuntimeKind;
  /** Starts statestoreds, then catalogds, then impalads, each group healthy before the next. */
  start(specs: readonly DaemonSpec[], placements: ReadonlyMap<string, DaemonPlacement>): Promise<void>;
  /** Stops everything (SIGCONT first, then SIGTERM, then SIGKILL); safe to call twice. */
  stop(): Promise<void>;
  names(): string[];
  spec(name: string): DaemonSpec;
  running(name: string): boolean;
  /** SIGKILL: a crash. */
  kill(name: string): Promise<void>;
  /** SIGSTOP, or a container's cgroup freezer: the process holds its sockets and says nothing (a GC pause, a hung VM). */
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  /** Starts a stopped or killed daemon again (same flags, plus `extraFlags`). */
  restart(name: string, extraFlags?: Record<string, FlagValue>): Promise<void>;
  webUrl(name: string): string;
  logFile(name: string): string;
  /** One Prometheus target per daemon, labelled with its name. */
  scrapeTargets(labels?: Readonly<Record<string, string>>): ScrapeTarget[];
}

/** Prometheus targets for a planned cluster, known before it starts (file_sd takes ~5 s to apply). */
export function scrapeTargetsFor(specs: readonly DaemonSpec[], placements: ReadonlyMap<string, DaemonPlacement>, labels: Readonly<Record<string, string>> = {}): ScrapeTarget[] {
  return specs.map((s) => ({ address: `${placements.get(s.name)?.webHost ?? '127.0.0.1'}:${s.webPort}`, labels: { ...labels, daemon: s.name, app: s.app } }));
}
