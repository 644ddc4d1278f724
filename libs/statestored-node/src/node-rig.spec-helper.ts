/**
 * The rig of the node-*.spec.ts files: one node built by nodeConfigFromFlags from Impala's
 * defaults, scripted subscribers, a scripted HA peer, and a clock that moves only with
 * advance()/until(). Not exported from index.ts; only specs import it.
 */
import type { TopicDeltaData, TopicSubscription } from '@statestore-ha/topics';
import { IMPALA_DEFAULTS } from './impala-defaults';
import type { DownMessage, LinkId, RegistrationRequest, UpMessage } from './messages';
import { nodeConfigFromFlags, type StatestoredNodeFlags } from './node-config';
import type { NodeEffect, NoticeKind, NoticeResult } from './node-effects';
import type { NodeEvent } from './node-events';
import type { NodeState } from './node-state';
import { nextWakeupMs, startNode, step } from './step';

/** The rig's clock at startNode. */
export const T0 = 1_000_000;

/** How a scripted subscriber answers what it is sent; unset fields: it does not answer. */
export interface Script {
  heartbeats?: { connState: 'OK' | 'FAILED' | 'UNKNOWN'; highestEpochSeen: number };
  /** Answers role notifications: ok, under their epoch. */
  role?: boolean;
  /** Answers catalogd notifications: ok, with their version. */
  catalogd?: boolean;
}

/** What the fake HA peer does with the node's RPCs (null: no peer answers, they fail). */
export type Peer = ((fx: Extract<NodeEffect, { kind: 'sendHandshake' | 'sendHaHeartbeat' }>) => NodeEvent) | null;

const REQUEST: RegistrationRequest = {
  protocolVersion: 1,
  subscriberId: '',
  location: { hostname: 'h', port: 27000 },
  topics: [],
  subscriberType: 'COORDINATOR',
  subscribeCatalogdChange: false,
  catalogdRegistration: undefined,
  highestEpochSeen: 0,
};

export class Rig {
  now = T0;
  state: NodeState;
  readonly scripts = new Map<LinkId, Script>();
  peer: Peer = null;
  /** What startNode returned, and what the peer's answers to it caused. */
  readonly started: NodeEffect[];
  private nextRegistration = 1;

  constructor(flags: Partial<StatestoredNodeFlags> = {}, peer: Peer = null) {
    this.peer = peer;
    const config = nodeConfigFromFlags({ ...IMPALA_DEFAULTS, ...flags }, { statestoreId: 'ss-test', selfHaAddress: 'ss-a:24020', peerHaAddress: 'ss-b:24020' });
    const started = startNode(config, this.now, 1);
    this.state = started.state;
    this.started = [...started.effects, ...this.reactTo(started.effects)];
  }

  /** Steps one event, then whatever scripted subscribers and the peer answer; returns every effect. */
  step(ev: NodeEvent): NodeEffect[] {
    const r = step(this.state, ev, this.now);
    this.state = r.state;
    return [...r.effects, ...this.reactTo(r.effects)];
  }

  /** Moves the clock by `ms`, ticking the node whenever it asks to be woken. */
  advance(ms: number): NodeEffect[] {
    const until = this.now + ms;
    const out: NodeEffect[] = [];
    for (let t = nextWakeupMs(this.state); t <= until; t = nextWakeupMs(this.state)) {
      this.now = Math.max(this.now, t);
      out.push(...this.step({ kind: 'tick' }));
    }
    this.now = until;
    return out;
  }

  /** Ticks until a step's effects include one that `pred` picks (at most `maxMs`); the clock stays there. */
  until(pred: (fx: NodeEffect) => boolean, maxMs: number): NodeEffect[] {
    const limit = this.now + maxMs;
    const out: NodeEffect[] = [];
    for (let t = nextWakeupMs(this.state); t <= limit; t = nextWakeupMs(this.state)) {
      this.now = Math.max(this.now, t);
      const fx = this.step({ kind: 'tick' });
      out.push(...fx);
      if (fx.some(pred)) return out;
    }
    throw new Error(`nothing expected happened within ${maxMs} ms`);
  }

  register(link: LinkId, request: Partial<RegistrationRequest> & { subscriberId: string }, script: Script = {}): NodeEffect[] {
    this.scripts.set(link, script);
    const msg: UpMessage = { kind: 'register', request: { ...REQUEST, ...request } };
    return this.step({ kind: 'up', link, msg, registrationId: `reg-${this.nextRegistration++}` });
  }

  up(link: LinkId, msg: UpMessage): NodeEffect[] {
    return this.step({ kind: 'up', link, msg });
  }

  private reactTo(effects: readonly NodeEffect[]): NodeEffect[] {
    const out: NodeEffect[] = [];
    for (const fx of effects) {
      let answer: NodeEvent | null = null;
      if (fx.kind === 'send') {
        const script = this.scripts.get(fx.link) ?? {};
        const m = fx.msg;
        if (m.kind === 'heartbeat' && script.heartbeats) {
          answer = { kind: 'up', link: fx.link, msg: { kind: 'heartbeat', seq: m.seq, connState: script.heartbeats.connState, highestEpochSeen: script.heartbeats.highestEpochSeen } };
        } else if (m.kind === 'role' && script.role === true) {
          answer = { kind: 'up', link: fx.link, msg: { kind: 'role', activeEpoch: m.activeEpoch, skipped: false, staleEpoch: false, highestEpochSeen: m.activeEpoch } };
        } else if (m.kind === 'catalogd' && script.catalogd === true) {
          answer = { kind: 'up', link: fx.link, msg: { kind: 'catalogd', catalogdVersion: m.version, skipped: false } };
        }
      } else if (fx.kind === 'sendHandshake') {
        answer = this.peer ? this.peer(fx) : { kind: 'haHandshakeFailed', seq: fx.seq };
      } else if (fx.kind === 'sendHaHeartbeat') {
        answer = this.peer ? this.peer(fx) : { kind: 'haHeartbeatFailed', seq: fx.seq };
      }
      if (answer !== null) out.push(...this.step(answer));
    }
    return out;
  }
}

// ---- reading effects ----------------------------------------------------------------------------

/** The messages of one kind sent on `link`. */
export function sent<K extends DownMessage['kind']>(effects: readonly NodeEffect[], link: LinkId, kind: K): Array<Extract<DownMessage, { kind: K }>> {
  return effects.flatMap((fx) => (fx.kind === 'send' && fx.link === link && fx.msg.kind === kind ? [fx.msg as Extract<DownMessage, { kind: K }>] : []));
}

export function effectsOf<K extends NodeEffect['kind']>(effects: readonly NodeEffect[], kind: K): Array<Extract<NodeEffect, { kind: K }>> {
  return effects.filter((fx): fx is Extract<NodeEffect, { kind: K }> => fx.kind === kind);
}

export const isHeartbeat = (fx: NodeEffect): boolean => fx.kind === 'send' && fx.msg.kind === 'heartbeat';

/** How many notifications of `notice` the `notices` effects in `fx` count with `result`. */
export const noticeCount = (fx: readonly NodeEffect[], notice: NoticeKind, result: NoticeResult): number =>
  effectsOf(fx, 'notices')
    .filter((n) => n.notice === notice && n.result === result)
    .reduce((sum, n) => sum + n.count, 0);

// ---- topics -------------------------------------------------------------------------------------

export const CATALOG = 'catalog-update';
export const MEMBERSHIP = 'impala-membership';

export const topic = (topicName: string, isTransient = false): TopicSubscription => ({ topicName, isTransient, populateMinSubscriberTopicVersion: false });

/** A subscriber's write of `entries` ([key, value]) to one topic. */
export const put = (topicName: string, entries: Array<[string, string]>, extra: Partial<TopicDeltaData> = {}): TopicDeltaData => ({
  topicName,
  entries: entries.map(([key, v]) => ({ key, value: new TextEncoder().encode(v), deleted: false })),
  isDelta: true,
  ...extra,
});

// ---- the HA peer, scripted ----------------------------------------------------------------------

/** HA on, with a peer timeout of 1 s and checks and heartbeats every 100 ms, so a takeover takes about a second. */
export const FAST_HA_FLAGS: Partial<StatestoredNodeFlags> = {
  enable_statestored_ha: true,
  statestore_peer_timeout_seconds: 1,
  statestore_ha_heartbeat_monitoring_frequency_ms: 100,
  statestore_heartbeat_frequency_ms: 100,
  statestore_heartbeat_tcp_timeout_seconds: 1,
};

/** A peer that is active under `epoch`: this node becomes its standby. Its HA heartbeats are the test's to send. */
export const activePeer =
  (epoch = 4): Peer =>
  (fx) =>
    fx.kind === 'sendHandshake' ? { kind: 'haHandshakeAnswered', seq: fx.seq, reply: { statestoreId: 'peer', isActive: true, epoch } } : { kind: 'haHeartbeatFailed', seq: fx.seq };

/** A peer that is standby: this node becomes active, and its HA heartbeats are answered. */
export const standbyPeer: Peer = (fx) =>
  fx.kind === 'sendHandshake'
    ? { kind: 'haHandshakeAnswered', seq: fx.seq, reply: { statestoreId: 'peer', isActive: false, epoch: 0 } }
    : { kind: 'haHeartbeatAnswered', seq: fx.seq, staleEpoch: false, peerEpoch: 0, peerIsActive: false };

/** A subscriber that answers heartbeats reporting it lost the other statestored (the active). */
export const LOST_ACTIVE: Script = { heartbeats: { connState: 'FAILED', highestEpochSeen: 0 } };
