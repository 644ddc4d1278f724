import { ConnState } from '@statestore-ha/proto';
import {
  activeStatestore,
  inGracePeriod,
  initialFollowerState,
  stepFollower,
  type ConnState as HaConnState,
  type FollowerConfig,
  type FollowerEffect,
  type FollowerEvent,
  type FollowerOutcome,
  type FollowerState,
} from '@statestore-ha/ha';

export type StatestoreIndex = 1 | 2;

export type Verdict = 'accept' | 'skip' | 'stale';

export interface ActiveChange {
  from: StatestoreIndex | undefined;
  to: StatestoreIndex | undefined;
  epoch: number;
  failover: boolean;
}

export interface Tracked {
  verdict: Verdict;
  change: ActiveChange | undefined;
  /** What we say about a statestored changed (to or from REFUSED): tell the other one now. */
  reports: Array<{ about: StatestoreIndex; connState: ConnState }>;
}

const VERDICT: Record<FollowerOutcome, Verdict> = { accepted: 'accept', skipped: 'skip', stale: 'stale' };
const WIRE_CONN_STATE: Record<HaConnState, ConnState> = {
  OK: ConnState.CONN_STATE_OK,
  FAILED: ConnState.CONN_STATE_FAILED,
  UNKNOWN: ConnState.CONN_STATE_UNKNOWN,
  REFUSED: ConnState.CONN_STATE_REFUSED,
};

/**
 * The runner of libs/ha's follower in a subscriber: whom to follow, epoch fencing, what to tell
 * the standby about the active, the grace period. It feeds the follower what each link says and
 * turns its effects into answers; the decisions are the follower's, the same code the simulator
 * runs. With HA off the follower follows statestored 1 and checks no epochs.
 */
export class ActiveTracker {
  private state: FollowerState;

  /**
   * `startedAtMs`: a statestored never reached since then is reported FAILED once the subscriber
   * timeout has passed (Impala says UNKNOWN forever, which can keep the other one in recovery
   * mode while this one is dead).
   */
  constructor(config: FollowerConfig, startedAtMs: number | null = null) {
    this.state = initialFollowerState(config, startedAtMs);
  }

  registered(index: StatestoreIndex, statestoreId: string, isActive: boolean, epoch: number, nowMs: number): Tracked {
    return this.step({ kind: 'registered', index, statestoreId, isActive, epoch }, nowMs);
  }

  /** Our answer to a heartbeat: the link state to the other statestored when asked. */
  heartbeat(index: StatestoreIndex, requestConnState: boolean, nowMs: number): { connState: ConnState } {
    const out = stepFollower(this.state, { kind: 'heartbeat', index, requestConnState }, nowMs);
    this.state = out.state;
    const reply = out.effects.find((e): e is Extract<FollowerEffect, { kind: 'replyHeartbeat' }> => e.kind === 'replyHeartbeat');
    return { connState: reply?.connState ? WIRE_CONN_STATE[reply.connState] : ConnState.CONN_STATE_UNKNOWN };
  }

  roleNotification(index: StatestoreIndex, isActive: boolean, epoch: number, nowMs: number): Tracked {
    return this.step({ kind: 'roleNotification', index, isActive, epoch }, nowMs);
  }

  /** A topic update or catalogd notification from `index` under `epoch`. */
  acceptFrom(index: StatestoreIndex, epoch: number, nowMs: number): Tracked {
    return this.step({ kind: 'topicUpdate', index, epoch }, nowMs);
  }

  linkLost(index: StatestoreIndex, nowMs: number): Tracked {
    return this.step({ kind: 'linkDown', index }, nowMs);
  }

  /** A connect to statestored `index` was refused (ECONNREFUSED): nobody listens there. */
  connectRefused(index: StatestoreIndex, nowMs: number): Tracked {
    return this.step({ kind: 'connectRefused', index }, nowMs);
  }

  active(): StatestoreIndex | undefined {
    return activeStatestore(this.state) ?? undefined;
  }

  highestEpoch(): number {
    return this.state.highestEpoch;
  }

  inGracePeriod(nowMs: number): boolean {
    return inGracePeriod(this.state, nowMs);
  }

  private step(ev: FollowerEvent, nowMs: number): Tracked {
    const out = stepFollower(this.state, ev, nowMs);
    this.state = out.state;
    let verdict: Verdict = 'accept';
    let change: ActiveChange | undefined;
    const reports: Tracked['reports'] = [];
    for (const e of out.effects) {
      if (e.kind === 'activeChanged') change = { from: e.from ?? undefined, to: e.to ?? undefined, epoch: e.epoch, failover: e.failover };
      else if (e.kind === 'answerRoleNotification' || e.kind === 'answerTopicUpdate') verdict = VERDICT[e.outcome];
      else if (e.kind === 'staleRegistration') verdict = 'stale';
      else if (e.kind === 'reportChanged') reports.push({ about: e.about, connState: WIRE_CONN_STATE[e.connState] });
    }
    return { verdict, change, reports };
  }
}
