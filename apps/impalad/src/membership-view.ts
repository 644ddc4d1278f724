/** One backend as it publishes itself to impala-membership. */
export interface Backend {
  id: string;
  address: string;
  isCoordinator: boolean;
  isExecutor: boolean;
}

const decoder = new TextDecoder();

function decodeBackend(key: string, value: Uint8Array): Backend | undefined {
  try {
    const b = JSON.parse(decoder.decode(value)) as Partial<Backend>;
    if (typeof b.address !== 'string') return undefined;
    return { id: key, address: b.address, isCoordinator: b.isCoordinator === true, isExecutor: b.isExecutor === true };
  } catch {
    return undefined;
  }
}

/**
 * The impalad's view of cluster membership (Impala's ClusterMembershipMgr), from the
 * impala-membership topic. During the recovery grace period after a failover or reconnect
 * (statestore_subscriber_recovery_grace_period_ms) backends missing from a fresh topic are kept:
 * the new active's topic starts empty and fills as subscribers republish, and dropping live
 * backends meanwhile would fail their queries for nothing.
 */
export class MembershipView {
  private current = new Map<string, Backend>();
  private retained = new Map<string, Backend>();

  /** A new state of the topic; `inGrace` says whether missing backends are kept for now. */
  update(entries: ReadonlyMap<string, Uint8Array>, inGrace: boolean): void {
    const next = new Map<string, Backend>();
    for (const [key, value] of entries) {
      const b = decodeBackend(key, value);
      if (b) next.set(key, b);
    }
    if (inGrace) {
      for (const [id, b] of this.current) if (!next.has(id)) this.retained.set(id, b);
      for (const id of next.keys()) this.retained.delete(id);
    } else {
      this.retained.clear();
    }
    this.current = next;
  }

  /** The grace period is over: backends that did not come back are dropped now. */
  graceEnded(): void {
    this.retained.clear();
  }

  members(): Backend[] {
    return [...this.current.values(), ...this.retained.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get size(): number {
    return this.current.size + this.retained.size;
  }

  get retainedCount(): number {
    return this.retained.size;
  }
}
