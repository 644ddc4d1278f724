/** The harness' side of a run's history: fault operations and page polls, in arrival order. */
import type { FaultAction, RunEvent } from './run-events';

export class RunRecorder {
  private readonly evs: RunEvent[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  fault(action: FaultAction, daemons: readonly string[], label: string): void {
    this.evs.push({ kind: 'fault', t: this.now(), action, daemons, label });
  }

  add(ev: RunEvent): void {
    this.evs.push(ev);
  }

  events(): readonly RunEvent[] {
    return this.evs;
  }
}
