import { ConnState } from '@statestore-ha/proto';

export type StatestoreIndex = 1 | 2;

export type Verdict = 'accept' | 'skip' | 'stale';

export interface ActiveChange {
  from: StatestoreIndex | undefined;
  to: StatestoreIndex | undefined;
  epoch: number;
  failover: boolean;
}

/**
 * Which statestored a subscriber follows. The subscriber feeds it what each link says and asks it
 * whether to accept an update; with HA the answers come from libs/ha's follower (epoch fencing).
 */
export interface ActiveTracker {
  registered(index: StatestoreIndex, isActive: boolean, epoch: number, nowMs: number): ActiveChange | undefined;
  roleNotification(index: StatestoreIndex, isActive: boolean, epoch: number, nowMs: number): { verdict: Verdict; change?: ActiveChange };
  /** An update or catalogd notification from `index` carrying `epoch`. */
  acceptFrom(index: StatestoreIndex, epoch: number): Verdict;
  heartbeat(index: StatestoreIndex, nowMs: number): void;
  linkLost(index: StatestoreIndex, nowMs: number): ActiveChange | undefined;
  /** This subscriber's view of its link to the OTHER statestored, for the standby's question. */
  connStateOfOther(asker: StatestoreIndex, nowMs: number): ConnState;
  active(): StatestoreIndex | undefined;
  highestEpoch(): number;
  inGracePeriod(nowMs: number): boolean;
}

/** HA off: the one statestored is the active one as soon as it registered us. */
export class SingleStatestoreTracker implements ActiveTracker {
  private current: StatestoreIndex | undefined;
  private graceUntilMs = 0;

  constructor(private readonly gracePeriodMs: number) {}

  registered(index: StatestoreIndex, _isActive: boolean, epoch: number, nowMs: number): ActiveChange | undefined {
    // Impala starts the grace period after every reconnect too (SetStatestoreActive), so a
    // restarted statestored's empty topics do not empty the membership view at once.
    this.graceUntilMs = nowMs + this.gracePeriodMs;
    if (this.current === index) return undefined;
    this.current = index;
    return { from: undefined, to: index, epoch, failover: false };
  }

  roleNotification(index: StatestoreIndex): { verdict: Verdict } {
    return { verdict: index === this.current ? 'accept' : 'skip' };
  }

  acceptFrom(index: StatestoreIndex): Verdict {
    return index === this.current ? 'accept' : 'skip';
  }

  heartbeat(): void {
    // Without a peer there is no other statestored whose liveness this would tell apart.
  }

  linkLost(): ActiveChange | undefined {
    // Updates only come over a link, so keep following the one statestored: it is the only one.
    return undefined;
  }

  connStateOfOther(): ConnState {
    return ConnState.CONN_STATE_UNKNOWN;
  }

  active(): StatestoreIndex | undefined {
    return this.current;
  }

  highestEpoch(): number {
    return 0;
  }

  inGracePeriod(nowMs: number): boolean {
    return nowMs < this.graceUntilMs;
  }
}
