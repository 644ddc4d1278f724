/**
 * Polls every daemon's page every `everyMs` (statestoreds: /ha; subscribers: /status) and
 * records what it saw: the harness' own observations, next to the daemons' logs. Each daemon
 * is polled on its own loop, so a paused daemon (its poll times out) delays no other.
 */
import type { ClusterRuntime } from '../cluster';
import type { RunRecorder } from './run-recorder';
import type { ObserveEvent } from './run-events';

interface HaPage {
  role?: string;
  active_epoch?: number;
  connected_with_peer?: boolean;
}
interface StatusPage {
  is_active?: boolean;
  statestore?: { active?: number | null; activeEpoch?: number };
}

export class PagePoller {
  private stopped = false;
  private loops: Promise<void>[] = [];
  private readonly latest = new Map<string, ObserveEvent>();

  constructor(private readonly runtime: ClusterRuntime, private readonly recorder: RunRecorder, private readonly everyMs = 100) {}

  start(): void {
    this.loops = this.runtime.names().map((name) => this.loop(name));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  /** The last observation of each daemon. */
  snapshot(): ReadonlyMap<string, ObserveEvent> {
    return this.latest;
  }

  private async loop(name: string): Promise<void> {
    const statestored = this.runtime.spec(name).app === 'statestored';
    while (!this.stopped) {
      const started = Date.now();
      const ev = await this.poll(name, statestored);
      this.latest.set(name, ev);
      this.recorder.add(ev);
      await new Promise((r) => setTimeout(r, Math.max(0, this.everyMs - (Date.now() - started))));
    }
  }

  private async poll(name: string, statestored: boolean): Promise<ObserveEvent> {
    const t = Date.now();
    if (!this.runtime.running(name)) return { kind: 'observe', t, daemon: name, running: false, reachable: false };
    try {
      const res = await fetch(`${this.runtime.webUrl(name)}${statestored ? '/ha' : '/status'}`, { signal: AbortSignal.timeout(Math.max(300, this.everyMs * 3)) });
      const page = (await res.json()) as HaPage & StatusPage;
      if (statestored) {
        return { kind: 'observe', t, daemon: name, running: true, reachable: true, role: page.role ?? 'unknown', peerConnected: page.connected_with_peer === true, epoch: BigInt(page.active_epoch ?? 0) };
      }
      return {
        kind: 'observe',
        t,
        daemon: name,
        running: true,
        reachable: true,
        follows: page.statestore?.active ?? null,
        epoch: BigInt(page.statestore?.activeEpoch ?? 0),
        ...(page.is_active === undefined ? {} : { catalogdActive: page.is_active }),
      };
    } catch {
      return { kind: 'observe', t, daemon: name, running: true, reachable: false };
    }
  }
}
