/**
 * A simulated statestored: the shipped node (libs/statestored-node) behind a message-to-event
 * adapter, as apps/statestored's runner drives it over gRPC. Ticks at nextWakeupMs, peer RPCs and
 * subscriber streams in, effects out onto the simulated network. No decision is made here; the
 * only state of its own is what the invariant checker needs to see from outside the node.
 */
import type { ConnState, PeerLinkState } from '@statestore-ha/ha';
import {
  activeEpochOf,
  designatedCatalogd,
  isActiveNode,
  isRegistered,
  nextWakeupMs,
  nodeConfigFromFlags,
  pairFormed,
  PROTOCOL_VERSION,
  roleOf,
  startNode,
  step,
  subscriberEntries,
  type LinkId,
  type NodeEffect,
  type NodeEvent,
  type NodeMutation,
  type NodeState,
  type UpMessage,
} from '@statestore-ha/statestored-node';
import type { FakeClock, SimNetwork } from '@statestore-ha/testing';
import type { InvariantChecker } from './invariants';
import type { SimConfig } from './sim-config';
import type { SimMessage } from './sim-messages';
import { SimProcess } from './sim-process';

/** The watch's keepalive (grpc-ha-transport.ts: pings every second, 1 s to answer), scaled like the flags. */
const WATCH_PING_MS = 250;
const WATCH_KEEPALIVE_TIMEOUT_MS = 600;
const WATCH_RETRY_MS = 100;
const WATCH_CONNECT_TIMEOUT_MS = 500;

interface StreamRef {
  readonly subscriber: string;
  readonly stream: number;
}

export class SimStatestored extends SimProcess {
  private node: NodeState | null = null;
  private timer: number | null = null;
  private timerAt = Infinity;
  private links = new Map<string, LinkId>();
  private streams = new Map<LinkId, StreamRef>();
  private nextLink = 1;
  /** What the simulator saw delivered, for the takeover check (not the node's own table). */
  private deliveredReports = new Map<string, ConnState>();
  private lastPeerContactMs: number | null = null;
  /** The watch on the peer's process (StatestoreHaWatch), as its edge keeps it. */
  private watch: { state: PeerLinkState; open: boolean; lastPongMs: number; attempt: number } = { state: 'unknown', open: false, lastPongMs: 0, attempt: 0 };

  constructor(
    name: string,
    private readonly peer: string,
    private readonly config: SimConfig,
    private readonly mutations: readonly NodeMutation[],
    private readonly seedOf: (life: number) => number,
    clock: FakeClock,
    net: SimNetwork<SimMessage>,
    private readonly checker: InvariantChecker,
  ) {
    super(name, clock, net);
  }

  get statestoreId(): string {
    return `${this.name}#${this.life}`;
  }

  /** The node while this process is up. */
  get state(): NodeState | null {
    return this.up ? this.node : null;
  }

  isActive(): boolean {
    return this.state !== null && isActiveNode(this.state);
  }

  epoch(): number {
    return this.node === null ? 0 : activeEpochOf(this.node);
  }

  role(): string {
    return this.state === null ? 'down' : roleOf(this.state);
  }

  pairFormed(): boolean {
    return this.state !== null && pairFormed(this.state);
  }

  hasRegistered(subscriber: string): boolean {
    return this.state !== null && isRegistered(this.state, subscriber);
  }

  /** The catalogd this statestored's election designates (Impala's active_catalogd). */
  activeCatalogd(): string | null {
    return this.node === null ? null : (designatedCatalogd(this.node)?.subscriberId ?? null);
  }

  override crash(): void {
    // The kernel ends a killed process's streams: every subscriber it can still reach sees FIN,
    // and so does the peer's watch on it.
    for (const { subscriber, stream } of this.streams.values()) this.send(subscriber, { t: 'closed', stream });
    this.send(this.peer, { t: 'watchEnded' });
    super.crash();
  }

  /** The node's own link to its peer as the network last told it (for the takeover check). */
  peerLinkState(): PeerLinkState {
    return this.watch.state;
  }

  protected boot(): void {
    this.links = new Map();
    this.streams = new Map();
    this.deliveredReports = new Map();
    this.lastPeerContactMs = null;
    this.timer = null;
    this.timerAt = Infinity;
    this.watch = { state: 'unknown', open: false, lastPongMs: 0, attempt: 0 };
    const config = nodeConfigFromFlags(this.config.statestored, { statestoreId: this.statestoreId, selfHaAddress: `${this.name}:24020`, peerHaAddress: `${this.peer}:24020` }, this.mutations);
    const started = startNode(config, this.clock.now(), this.seedOf(this.life));
    this.node = started.state;
    this.carryOut(started.effects);
    this.arm();
    this.openWatch();
    this.every(WATCH_PING_MS, () => this.pingWatch());
  }

  // ---- the watch on the peer (grpc-ha-transport.ts's watch, its keepalive included) ---------

  private openWatch(): void {
    const attempt = ++this.watch.attempt;
    this.watch.open = false;
    this.connect(this.peer, { t: 'watch' }, () => {
      this.reportLink('refused');
      this.after(WATCH_RETRY_MS, () => this.openWatch());
    });
    // No answer (a cut path, a paused peer): try again, as a connect times out.
    this.after(WATCH_CONNECT_TIMEOUT_MS, () => {
      if (this.watch.attempt === attempt && !this.watch.open) this.openWatch();
    });
  }

  private pingWatch(): void {
    if (!this.watch.open) return;
    if (this.clock.now() - this.watch.lastPongMs > WATCH_KEEPALIVE_TIMEOUT_MS) {
      // Keepalive: a watch that stopped answering is dead; reconnecting will tell why.
      this.reportLink('down');
      this.openWatch();
      return;
    }
    this.send(this.peer, { t: 'watchPing' });
  }

  private reportLink(state: Exclude<PeerLinkState, 'unknown'>): void {
    if (this.watch.state === state) return;
    this.watch.state = state;
    this.feed({ kind: 'peerLink', state });
  }

  private feed(ev: NodeEvent): readonly NodeEffect[] {
    if (this.node === null) return [];
    const r = step(this.node, ev, this.clock.now());
    this.node = r.state;
    this.carryOut(r.effects);
    this.arm();
    return r.effects;
  }

  private arm(): void {
    if (this.node === null) return;
    const at = nextWakeupMs(this.node);
    if (this.timer !== null && this.timerAt === at) return;
    if (this.timer !== null) this.clock.cancel(this.timer);
    this.timerAt = at;
    this.timer = this.after(Math.max(0, at - this.clock.now()), () => {
      this.timer = null;
      this.timerAt = Infinity;
      this.feed({ kind: 'tick' });
    });
  }

  private carryOut(effects: readonly NodeEffect[]): void {
    const now = this.clock.now();
    for (const fx of effects) {
      switch (fx.kind) {
        case 'send': {
          const ref = this.streams.get(fx.link);
          if (ref) this.send(ref.subscriber, { t: 'down', stream: ref.stream, msg: fx.msg });
          break;
        }
        case 'closeLink': {
          const ref = this.streams.get(fx.link);
          if (!ref) break;
          this.streams.delete(fx.link);
          this.links.delete(key(ref.subscriber, ref.stream));
          this.send(ref.subscriber, { t: 'closed', stream: ref.stream });
          break;
        }
        case 'sendHandshake':
          this.send(this.peer, { t: 'handshake', seq: fx.seq, request: fx.request });
          break;
        case 'sendHaHeartbeat':
          this.send(this.peer, { t: 'haHeartbeat', seq: fx.seq, request: fx.request });
          break;
        case 'roleChanged':
          this.checker.note(now, this.statestoreId, 'role', `${fx.from}->${fx.to} epoch=${fx.epoch} ${fx.reason}`);
          if (fx.reason === 'takeover' || fx.reason === 'crashEvidence') this.checkTakeover(now, fx.reason);
          if (fx.from === 'active') this.deliveredReports.clear();
          break;
        case 'catalogdDesignated':
          this.checker.note(now, this.statestoreId, 'catalogd', `active=${fx.active.subscriberId} ${fx.reason}`);
          break;
        case 'protocolVersionAnswer':
        case 'replyHandshake':
        case 'replyHaHeartbeat':
        case 'activeEpochChanged':
        case 'recoveryModeChanged':
        case 'peerConnectedChanged':
        case 'takeoverCheck':
        case 'networkDisabledChanged':
        case 'subscriberRegistered':
        case 'subscriberUnregistered':
        case 'registrationRejected':
        case 'heartbeatAnswered':
        case 'heartbeatMissed':
        case 'heartbeatSummary':
        case 'topicUpdateAnswered':
        case 'topicUpdateTimedOut':
        case 'writesRejected':
        case 'topicEntriesCleared':
        case 'notices':
        case 'noticeRoundStarted':
        case 'noticeRoundDone':
        case 'debugActionApplied':
        case 'catalogdCleared':
        case 'catalogdVersionStamped':
          break; // replies are read where the request came in; the rest is for logs and metrics
      }
    }
  }

  /** The design's takeover rule, from what the network delivered: peer silent AND a majority lost the active. */
  private checkTakeover(now: number, reason: 'takeover' | 'crashEvidence'): void {
    const node = this.node;
    if (node === null) return;
    let failed = 0;
    let refused = 0;
    let total = 0;
    for (const e of subscriberEntries(node)) {
      total++;
      const report = this.deliveredReports.get(e.subscriberId);
      if (report === 'FAILED' || report === 'REFUSED') failed++;
      if (report === 'REFUSED') refused++;
    }
    const silent = this.lastPeerContactMs === null ? null : now - this.lastPeerContactMs;
    this.checker.takeover({
      t: now,
      node: this.statestoreId,
      reason,
      peerSilentMs: silent,
      peerTimeoutMs: this.config.statestored.statestore_peer_timeout_seconds * 1000,
      failed,
      refused,
      total,
      peerLink: this.watch.state,
      mutated: this.mutations.length > 0,
    });
  }

  protected receive(from: string, msg: SimMessage): void {
    if (this.node === null) return;
    const now = this.clock.now();
    switch (msg.t) {
      case 'handshake': {
        this.lastPeerContactMs = now;
        const reply = this.feed({ kind: 'haHandshakeRequested', protocolVersion: PROTOCOL_VERSION, request: msg.request }).find((e) => e.kind === 'replyHandshake');
        this.send(from, { t: 'handshakeReply', seq: msg.seq, reply: reply?.kind === 'replyHandshake' ? reply.reply : null });
        return;
      }
      case 'handshakeReply':
        if (msg.reply === null) {
          this.feed({ kind: 'haHandshakeFailed', seq: msg.seq });
          return;
        }
        this.lastPeerContactMs = now;
        this.feed({ kind: 'haHandshakeAnswered', seq: msg.seq, reply: msg.reply });
        return;
      case 'haHeartbeat': {
        if (msg.request.dstStatestoreId === this.statestoreId) this.lastPeerContactMs = now;
        const reply = this.feed({ kind: 'haHeartbeatRequested', request: msg.request }).find((e) => e.kind === 'replyHaHeartbeat');
        this.send(from, { t: 'haHeartbeatReply', seq: msg.seq, reply: reply?.kind === 'replyHaHeartbeat' ? reply.reply : null });
        return;
      }
      case 'haHeartbeatReply':
        if (msg.reply === null) {
          this.feed({ kind: 'haHeartbeatFailed', seq: msg.seq });
          return;
        }
        this.lastPeerContactMs = now;
        this.feed({ kind: 'haHeartbeatAnswered', seq: msg.seq, staleEpoch: msg.reply.staleEpoch, peerEpoch: msg.reply.epoch, peerIsActive: msg.reply.isActive });
        return;
      case 'up':
        return this.fromSubscriber(from, msg.stream, msg.msg);
      case 'closed': {
        const link = this.links.get(key(from, msg.stream));
        if (link === undefined) return;
        this.links.delete(key(from, msg.stream));
        this.streams.delete(link);
        this.feed({ kind: 'linkClosed', link });
        return;
      }
      case 'watch':
        this.send(from, { t: 'watching' });
        return;
      case 'watchPing':
        this.send(from, { t: 'watchPong' });
        return;
      case 'watching':
        this.watch.open = true;
        this.watch.lastPongMs = now;
        this.reportLink('up');
        return;
      case 'watchPong':
        this.watch.lastPongMs = now;
        return;
      case 'watchEnded':
        // The peer's process ended the watch (FIN): reconnect at once, which finds out why.
        this.reportLink('down');
        this.openWatch();
        return;
      case 'down':
        return; // statestored -> subscriber only
    }
  }

  private fromSubscriber(from: string, stream: number, msg: UpMessage): void {
    let link = this.links.get(key(from, stream));
    if (link === undefined) {
      link = this.nextLink++;
      this.links.set(key(from, stream), link);
      this.streams.set(link, { subscriber: from, stream });
    }
    const role = this.node === null ? 'down' : roleOf(this.node);
    // Only a standby (or recovering) node asks for, and reads, the subscriber's view of the active.
    if ((msg.kind === 'heartbeat' || msg.kind === 'connState') && (role === 'standby' || role === 'recovery')) this.deliveredReports.set(from, msg.connState);
    this.feed(msg.kind === 'register' ? { kind: 'up', link, msg, registrationId: `${from}#${stream}@${this.statestoreId}` } : { kind: 'up', link, msg });
  }
}

function key(subscriber: string, stream: number): string {
  return `${subscriber}#${stream}`;
}
