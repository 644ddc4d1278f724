/**
 * The interpreter behind libs/statestored-node/testdata/*.txt (STYLE.md §3, after etcd-io/raft's
 * rafttest/interaction_env_handler.go): one switch over commands that drive real nodes and
 * scripted subscribers on a clock that only moves with `advance`. Messages are delivered at
 * once, in order (one stream per subscriber and statestored); HA RPCs between two nodes are
 * synchronous unless the link is cut or the peer is down, when the sender sees them fail.
 *
 * Not exported from index.ts: only the specs use it (scenarios.spec.ts, and node-ha.spec.ts for a
 * two-node case of a restarted active and a standby with priority).
 */
import { parseScenarioArgs, scenarioDurationMs, scenarioNumber, required } from '@statestore-ha/testing';
import type { ConnState } from '@statestore-ha/ha';
import { TopicView, resyncRequest, type TopicDeltaData, type TopicSubscription } from '@statestore-ha/topics';
import { IMPALA_DEFAULTS } from './impala-defaults';
import type { DownMessage, LinkId, SubscriberType, UpMessage } from './messages';
import { nodeConfigFromFlags, type StatestoredNodeFlags } from './node-config';
import type { NodeEffect } from './node-effects';
import type { NodeEvent } from './node-events';
import type { NodeState } from './node-state';
import { nextWakeupMs, startNode, step } from './step';
import { catalogHaInfoPage, haPage, roleOf, subscribersPage, topicsPage } from './node-queries';
import { nodeActiveEpoch } from './role-queries';

interface Node {
  readonly name: string;
  state: NodeState;
  up: boolean;
}

/** What a scripted subscriber knows of one statestored. */
interface Stub {
  link: LinkId | null;
  registrationId: string | null;
  readonly view: TopicView;
  /** Writes to put in the next update answer. */
  readonly answerWrites: TopicDeltaData[];
}

interface Client {
  readonly name: string;
  readonly type: SubscriberType;
  readonly topics: readonly TopicSubscription[];
  readonly catalogd: { force: boolean; ha: boolean } | null;
  readonly catalogdChange: boolean;
  readonly stubs: Map<string, Stub>;
  highestEpoch: number;
  connState: ConnState;
  /** What it reports to one statestored about its link to the other (`conn ... to=node`); else connState. */
  readonly connTo: Map<string, ConnState>;
  /** Does not answer these (a hung process: TCP still takes the bytes). */
  hung: Set<'heartbeat' | 'update' | 'notice'>;
  /** Answers to updates held while hung, sent by `release` (a callback that returns late). */
  held: Array<() => void>;
  skipUpdates: boolean;
  /** Every n-th heartbeat is answered `delayMs` late (Impala's test_intermittent_hung_heartbeats). */
  slowHeartbeats: { every: number; delayMs: number; count: number } | null;
  alive: boolean;
}

interface Timer {
  readonly at: number;
  readonly run: () => void;
}

export class NodeScenarioEnv {
  private now = 0;
  private readonly nodes = new Map<string, Node>();
  private readonly clients = new Map<string, Client>();
  private readonly links = new Map<LinkId, { node: string; client: string }>();
  private readonly cuts = new Set<string>();
  private timers: Timer[] = [];
  private nextLink = 1;
  private nextRegistration = 1;
  private out: string[] = [];
  private verbose = false;
  private delivering = false;
  private readonly queue: Array<() => void> = [];

  run(line: string): string {
    this.out = [];
    const [cmd, ...rest] = line.trim().split(/\s+/);
    const { pos, kv } = parseScenarioArgs(rest);
    switch (cmd) {
      case 'node':
        this.startNode(required(pos[0], 'node'), kv);
        break;
      case 'sub':
        this.defineClient(required(pos[0], 'name'), pos.slice(1), kv);
        break;
      case 'register':
        this.register(this.client(required(pos[0], 'sub')), required(pos[1], 'node'));
        break;
      case 'advance':
        this.verbose = pos.includes('verbose');
        this.advance(scenarioDurationMs(required(pos[0], 'duration')));
        this.verbose = false;
        break;
      case 'hang':
        for (const what of pos.slice(1).length > 0 ? pos.slice(1) : ['heartbeat', 'update', 'notice']) this.client(required(pos[0], 'sub')).hung.add(what as 'heartbeat');
        this.emit(`${pos[0]}: hangs ${pos.slice(1).join(' ') || 'everything'}`);
        break;
      case 'resume':
        this.client(required(pos[0], 'sub')).hung.clear();
        this.emit(`${pos[0]}: answers again`);
        break;
      case 'release': {
        const c = this.client(required(pos[0], 'sub'));
        c.hung.clear();
        for (const answer of c.held.splice(0)) answer();
        break;
      }
      case 'slow-heartbeats': {
        const c = this.client(required(pos[0], 'sub'));
        c.slowHeartbeats = { every: scenarioNumber(required(kv['every'], 'every')), delayMs: scenarioDurationMs(required(kv['delay'], 'delay')), count: 0 };
        break;
      }
      case 'skip':
        this.client(required(pos[0], 'sub')).skipUpdates = pos[1] !== 'off';
        break;
      case 'kill':
        this.kill(this.client(required(pos[0], 'sub')));
        break;
      case 'disconnect':
        this.disconnect(this.client(required(pos[0], 'sub')), required(pos[1], 'node'));
        break;
      case 'publish':
        this.publish(this.client(required(pos[0], 'sub')), required(pos[1], 'node'), required(pos[2], 'topic'), pos.slice(3), kv, false);
        break;
      case 'answer-writes':
        this.publish(this.client(required(pos[0], 'sub')), required(pos[1], 'node'), required(pos[2], 'topic'), pos.slice(3), kv, true);
        break;
      case 'unregister':
        this.upFrom(this.client(required(pos[0], 'sub')), required(pos[1], 'node'), { kind: 'unregister' });
        break;
      case 'conn': {
        // conn <sub> <state> [to=<node>]: what it reports (to that statestored only) about its link to the other.
        const c = this.client(required(pos[0], 'sub'));
        const state = conn(required(pos[1], 'state'));
        if (kv['to'] === undefined) c.connState = state;
        else c.connTo.set(kv['to'], state);
        break;
      }
      case 'report': {
        // report <sub> <node> <state>: the subscriber tells that statestored, unasked, what it
        // now says about its link to the other one (a refused reconnect: REFUSED).
        const c = this.client(required(pos[0], 'sub'));
        const state = conn(required(pos[2], 'state'));
        c.connTo.set(required(pos[1], 'node'), state);
        this.upFrom(c, required(pos[1], 'node'), { kind: 'connState', connState: state, highestEpochSeen: 0 });
        break;
      }
      case 'peer-link': {
        // peer-link <node> <up|down|refused>: that node's own watch on its peer's HA port.
        const state = required(pos[1], 'state');
        if (state !== 'up' && state !== 'down' && state !== 'refused') throw new Error(`bad peer link state ${state} (up, down or refused)`);
        this.feed(required(pos[0], 'node'), { kind: 'peerLink', state });
        break;
      }
      case 'view':
        this.showView(this.client(required(pos[0], 'sub')), required(pos[1], 'node'), required(pos[2], 'topic'));
        break;
      case 'status':
        this.status(required(pos[0], 'node'));
        break;
      case 'page':
        this.page(required(pos[0], 'node'), required(pos[1], 'page'));
        break;
      case 'crash':
        this.crash(required(pos[0], 'node'));
        break;
      case 'cut':
      case 'heal': {
        const key = [required(pos[0], 'a'), required(pos[1], 'b')].sort().join('|');
        if (cmd === 'cut') this.cuts.add(key);
        else this.cuts.delete(key);
        this.emit(`${cmd} ${pos[0]} <-> ${pos[1]}`);
        break;
      }
      case 'network':
        this.feed(required(pos[0], 'node'), { kind: 'setNetworkDisabled', disabled: pos[1] === 'off' });
        break;
      case 'ha-handshake': {
        // A raw handshake from an outside peer (e.g. a restarted standby that remembers an epoch).
        const n = required(pos[0], 'node');
        this.feed(n, {
          kind: 'haHandshakeRequested',
          protocolVersion: 1,
          request: { statestoreId: required(kv['from'], 'from'), address: kv['address'] ?? 'zz:24020', forceActive: false, isActive: pos.includes('active'), epoch: scenarioNumber(kv['epoch'] ?? '0') },
        });
        break;
      }
      default:
        throw new Error(`unknown command: ${line}`);
    }
    this.drain();
    return this.out.length === 0 ? 'ok' : this.out.join('\n');
  }

  // ---- nodes -------------------------------------------------------------------------------

  private startNode(name: string, kv: Record<string, string>): void {
    const flags: Record<string, unknown> = { ...IMPALA_DEFAULTS };
    for (const [k, v] of Object.entries(kv)) {
      if (!(k in IMPALA_DEFAULTS)) throw new Error(`unknown flag ${k}`);
      flags[k] = typeof IMPALA_DEFAULTS[k as keyof StatestoredNodeFlags] === 'number' ? scenarioNumber(v) : typeof IMPALA_DEFAULTS[k as keyof StatestoredNodeFlags] === 'boolean' ? v === 'true' : v;
    }
    const peer = [...this.nodes.keys()].find((n) => n !== name) ?? `${name === 'ss1' ? 'ss2' : 'ss1'}`;
    const config = nodeConfigFromFlags(flags as unknown as StatestoredNodeFlags, { statestoreId: `${name}-id`, selfHaAddress: `${name}:24020`, peerHaAddress: `${peer}:24020` });
    const started = startNode(config, this.now, 7);
    const node: Node = { name, state: started.state, up: true };
    this.nodes.set(name, node);
    this.emit(`${name}: started${config.ha ? ' (HA)' : ''}`);
    this.carryOut(node, started.effects);
  }

  private node(name: string): Node {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  private feed(name: string, ev: NodeEvent): readonly NodeEffect[] {
    const n = this.node(name);
    if (!n.up) return [];
    const r = step(n.state, ev, this.now);
    n.state = r.state;
    this.carryOut(n, r.effects);
    return r.effects;
  }

  private crash(name: string): void {
    const n = this.node(name);
    n.up = false;
    this.emit(`${name}: crashed`);
    // The kernel ends the crashed process's streams: every subscriber sees its link close.
    for (const [link, l] of [...this.links]) {
      if (l.node !== name) continue;
      this.links.delete(link);
      const stub = this.clients.get(l.client)?.stubs.get(name);
      if (stub && stub.link === link) stub.link = null;
    }
  }

  private reachable(a: string, b: string): boolean {
    const peer = this.nodes.get(b);
    return peer !== undefined && peer.up && !this.cuts.has([a, b].sort().join('|'));
  }

  private advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      let next = Infinity;
      let who: Node | null = null;
      for (const n of this.nodes.values()) {
        if (!n.up) continue;
        const t = nextWakeupMs(n.state);
        if (t < next) {
          next = t;
          who = n;
        }
      }
      const timer = this.timers.reduce<Timer | null>((a, t) => (a === null || t.at < a.at ? t : a), null);
      if (timer !== null && timer.at <= next && timer.at <= until) {
        this.timers = this.timers.filter((t) => t !== timer);
        this.now = Math.max(this.now, timer.at);
        timer.run();
        this.drain();
        continue;
      }
      if (who === null || next > until) break;
      this.now = Math.max(this.now, next);
      this.feed(who.name, { kind: 'tick' });
      this.drain();
    }
    this.now = until;
  }

  /** Delivers effects; messages to subscribers are queued so that answers never re-enter a step. */
  private carryOut(n: Node, effects: readonly NodeEffect[]): void {
    for (const fx of effects) {
      const line = describe(fx);
      if (line !== null && (this.verbose || !isChatty(fx))) this.emit(`${n.name}: ${line}`);
      switch (fx.kind) {
        case 'send':
          this.queue.push(() => this.toClient(fx.link, fx.msg));
          break;
        case 'closeLink': {
          const l = this.links.get(fx.link);
          this.links.delete(fx.link);
          const stub = l ? this.clients.get(l.client)?.stubs.get(l.node) : undefined;
          if (stub && stub.link === fx.link) stub.link = null;
          break;
        }
        case 'sendHandshake': {
          const peer = this.peerOf(n.name);
          const reply = peer && this.reachable(n.name, peer) ? this.feed(peer, { kind: 'haHandshakeRequested', protocolVersion: 1, request: fx.request }).find((e) => e.kind === 'replyHandshake') : undefined;
          const ev: NodeEvent =
            reply?.kind === 'replyHandshake' && reply.reply !== null ? { kind: 'haHandshakeAnswered', seq: fx.seq, reply: reply.reply } : { kind: 'haHandshakeFailed', seq: fx.seq };
          this.queue.push(() => this.feed(n.name, ev));
          break;
        }
        case 'sendHaHeartbeat': {
          const peer = this.peerOf(n.name);
          const reply = peer && this.reachable(n.name, peer) ? this.feed(peer, { kind: 'haHeartbeatRequested', request: fx.request }).find((e) => e.kind === 'replyHaHeartbeat') : undefined;
          const ev: NodeEvent =
            reply?.kind === 'replyHaHeartbeat' && reply.reply !== null
              ? { kind: 'haHeartbeatAnswered', seq: fx.seq, staleEpoch: reply.reply.staleEpoch, peerEpoch: reply.reply.epoch, peerIsActive: reply.reply.isActive }
              : { kind: 'haHeartbeatFailed', seq: fx.seq };
          this.queue.push(() => this.feed(n.name, ev));
          break;
        }
        default:
          break;
      }
    }
  }

  private drain(): void {
    if (this.delivering) return;
    this.delivering = true;
    for (let job = this.queue.shift(); job !== undefined; job = this.queue.shift()) job();
    this.delivering = false;
  }

  private peerOf(name: string): string | undefined {
    return [...this.nodes.keys()].find((n) => n !== name);
  }

  private status(name: string): void {
    const n = this.node(name);
    if (!n.up) {
      this.emit(`${name}: down`);
      return;
    }
    const page = subscribersPage(n.state, this.now) as { subscribers: Array<{ id: string; missed_heartbeats: number; link_connected: boolean }> };
    const subs = page.subscribers.map((s) => `${s.id}(missed=${s.missed_heartbeats}${s.link_connected ? '' : ' no-link'})`).join(' ');
    this.emit(`${name}: ${roleOf(n.state)} epoch=${nodeActiveEpoch(n.state)} subscribers=[${subs}]`);
    for (const t of n.state.topics.topics()) {
      const keys = t.buildDelta(0).entries.map((e) => `${e.key}@${t.get(e.key)?.version ?? '?'}`).join(' ');
      this.emit(`${name}: topic ${t.name} v${t.lastVersion} [${keys}]`);
    }
  }

  /** One of the node's pages (node-queries.ts), as the daemon serves it: one line of JSON. */
  private page(name: string, which: string): void {
    const s = this.node(name).state;
    let page: Record<string, unknown> | undefined;
    switch (which) {
      case 'subscribers':
        page = subscribersPage(s, this.now);
        break;
      case 'topics':
        page = topicsPage(s);
        break;
      case 'ha':
        page = haPage(s, this.now);
        break;
      case 'catalog-ha':
        page = catalogHaInfoPage(s);
        break;
      default:
        throw new Error(`unknown page ${which} (subscribers, topics, ha, catalog-ha)`);
    }
    this.emit(`${name}: ${which} ${page === undefined ? 'none' : JSON.stringify(page)}`);
  }

  // ---- scripted subscribers ----------------------------------------------------------------

  private defineClient(name: string, pos: readonly string[], kv: Record<string, string>): void {
    const topics: TopicSubscription[] = (kv['topics'] ?? '').split(',').filter((t) => t !== '').map((t) => {
      const [topicName = '', ...opts] = t.split(':');
      return { topicName, isTransient: opts.includes('transient'), populateMinSubscriberTopicVersion: opts.includes('min') };
    });
    const type = (kv['type'] ?? (pos.includes('catalogd') ? 'CATALOGD' : 'COORDINATOR')) as SubscriberType;
    this.clients.set(name, {
      name,
      type,
      topics,
      catalogd: type === 'CATALOGD' ? { force: pos.includes('force'), ha: kv['catalogd_ha'] === 'true' } : null,
      catalogdChange: pos.includes('catalogd-change'),
      stubs: new Map(),
      highestEpoch: 0,
      connState: 'OK',
      connTo: new Map(),
      hung: new Set(),
      held: [],
      skipUpdates: false,
      slowHeartbeats: null,
      alive: true,
    });
  }

  private client(name: string): Client {
    const c = this.clients.get(name);
    if (!c) throw new Error(`no subscriber ${name}`);
    return c;
  }

  private stub(c: Client, node: string): Stub {
    let s = c.stubs.get(node);
    if (!s) {
      s = { link: null, registrationId: null, view: new TopicView(), answerWrites: [] };
      c.stubs.set(node, s);
    }
    return s;
  }

  private register(c: Client, node: string): void {
    c.alive = true;
    c.hung.clear();
    const stub = this.stub(c, node);
    const link = this.nextLink++;
    stub.link = link;
    stub.view.reset();
    this.links.set(link, { node, client: c.name });
    const msg: UpMessage = {
      kind: 'register',
      request: {
        protocolVersion: 1,
        subscriberId: c.name,
        location: { hostname: c.name, port: 27000 },
        topics: c.topics,
        subscriberType: c.type,
        subscribeCatalogdChange: c.catalogdChange,
        catalogdRegistration: c.catalogd ? { protocol: 2, address: { hostname: c.name, port: 26000 }, enableCatalogdHa: c.catalogd.ha, forceCatalogdActive: c.catalogd.force, registrationTimeMs: 0 } : undefined,
        highestEpochSeen: c.highestEpoch,
      },
    };
    this.feed(node, { kind: 'up', link, msg, registrationId: `r${this.nextRegistration++}` });
  }

  private kill(c: Client): void {
    c.alive = false;
    this.emit(`${c.name}: killed`);
    for (const node of c.stubs.keys()) this.disconnect(c, node);
  }

  private disconnect(c: Client, node: string): void {
    const stub = c.stubs.get(node);
    if (!stub || stub.link === null) return;
    const link = stub.link;
    stub.link = null;
    this.links.delete(link);
    this.feed(node, { kind: 'linkClosed', link });
  }

  private upFrom(c: Client, node: string, msg: UpMessage): void {
    const link = c.stubs.get(node)?.link;
    if (link === undefined || link === null) throw new Error(`${c.name} has no link to ${node}`);
    this.feed(node, { kind: 'up', link, msg });
  }

  private publish(c: Client, node: string, topicName: string, pos: readonly string[], kv: Record<string, string>, inAnswer: boolean): void {
    const entries = Object.entries(kv)
      .filter(([k]) => k !== 'del')
      .map(([key, value]) => ({ key, value: new TextEncoder().encode(value), deleted: false }));
    if (kv['del'] !== undefined) entries.push({ key: kv['del'], value: new Uint8Array(0), deleted: true });
    const delta: TopicDeltaData = { topicName, entries, isDelta: true, ...(pos.includes('clear') ? { clearTopicEntries: true } : {}) };
    if (inAnswer) this.stub(c, node).answerWrites.push(delta);
    else this.upFrom(c, node, { kind: 'publish', seq: 1, writes: [delta] });
  }

  private showView(c: Client, node: string, topic: string): void {
    const v = this.stub(c, node).view;
    const keys = [...v.entries(topic)].map(([k, val]) => `${k}=${new TextDecoder().decode(val)}`).join(' ');
    this.emit(`${c.name}: view of ${topic} from ${node} at v${v.currentVersion(topic)}: [${keys}]`);
  }

  private toClient(link: LinkId, msg: DownMessage): void {
    const l = this.links.get(link);
    if (!l) return;
    const c = this.client(l.client);
    if (!c.alive) return;
    const stub = this.stub(c, l.node);
    if (stub.link !== link) return;
    const answer = (up: UpMessage): void => {
      if (this.links.has(link)) this.feed(l.node, { kind: 'up', link, msg: up });
      else this.emit(`${c.name}: ${up.kind} answer not delivered: the stream to ${l.node} is closed`);
    };
    switch (msg.kind) {
      case 'registered':
        stub.registrationId = msg.registrationId;
        if (msg.isActive) c.highestEpoch = Math.max(c.highestEpoch, msg.activeEpoch);
        return;
      case 'heartbeat': {
        if (c.hung.has('heartbeat')) return;
        const up: UpMessage = { kind: 'heartbeat', seq: msg.seq, connState: c.connTo.get(l.node) ?? c.connState, highestEpochSeen: c.highestEpoch };
        const slow = c.slowHeartbeats;
        if (slow !== null && ++slow.count % slow.every === 0) {
          this.timers.push({ at: this.now + slow.delayMs, run: () => answer(up) });
          return;
        }
        answer(up);
        return;
      }
      case 'updateState': {
        if (c.hung.has('update')) {
          c.held.push(() => this.answerUpdate(c, stub, msg, answer));
          return;
        }
        this.answerUpdate(c, stub, msg, answer);
        return;
      }
      case 'role':
        if (c.hung.has('notice')) return;
        if (msg.activeEpoch < c.highestEpoch) {
          answer({ kind: 'role', activeEpoch: msg.activeEpoch, skipped: false, staleEpoch: true, highestEpochSeen: c.highestEpoch });
          return;
        }
        c.highestEpoch = msg.activeEpoch;
        this.emit(`${c.name}: role from ${l.node} epoch=${msg.activeEpoch}`);
        answer({ kind: 'role', activeEpoch: msg.activeEpoch, skipped: false, staleEpoch: false, highestEpochSeen: c.highestEpoch });
        return;
      case 'catalogd':
        if (c.hung.has('notice')) return;
        this.emit(`${c.name}: catalogd from ${l.node} active=${msg.registration.address?.hostname ?? '?'} version=${msg.version > 1e9 ? 'T' : msg.version}`);
        answer({ kind: 'catalogd', catalogdVersion: msg.version, skipped: false });
        return;
      case 'publishResult':
        this.emit(`${c.name}: publish ${msg.rejection ? `rejected: ${msg.rejection.message}` : 'accepted'}`);
        return;
      case 'writeRejected':
        this.emit(`${c.name}: writes rejected: ${msg.rejection.message}`);
        return;
    }
  }

  private answerUpdate(c: Client, stub: Stub, msg: Extract<DownMessage, { kind: 'updateState' }>, answer: (up: UpMessage) => void): void {
    if (msg.activeEpoch < c.highestEpoch) {
      answer({ kind: 'updateState', seq: msg.seq, writes: [], skipped: false, staleEpoch: true, highestEpochSeen: c.highestEpoch });
      return;
    }
    c.highestEpoch = Math.max(c.highestEpoch, msg.activeEpoch);
    if (c.skipUpdates) {
      this.emit(`${c.name}: skips update seq=${msg.seq} ${msg.deltas.map(showDelta).join(' ')}`);
      answer({ kind: 'updateState', seq: msg.seq, writes: [], skipped: true, staleEpoch: false, highestEpochSeen: c.highestEpoch });
      return;
    }
    const writes: TopicDeltaData[] = [];
    for (const d of msg.deltas) {
      const r = stub.view.apply(d);
      if (r.kind === 'resync') writes.push(resyncRequest(r.topicName, r.fromVersion));
    }
    writes.push(...stub.answerWrites.splice(0));
    answer({ kind: 'updateState', seq: msg.seq, writes, skipped: false, staleEpoch: false, highestEpochSeen: c.highestEpoch });
  }

  private emit(line: string): void {
    this.out.push(`t=${this.now} ${line}`);
  }
}

function isChatty(fx: NodeEffect): boolean {
  switch (fx.kind) {
    case 'send':
      return fx.msg.kind === 'heartbeat' || fx.msg.kind === 'role' || fx.msg.kind === 'catalogd' || fx.msg.kind === 'registered' || fx.msg.kind === 'publishResult';
    case 'heartbeatAnswered':
    case 'topicUpdateAnswered':
    case 'heartbeatSummary':
    case 'sendHaHeartbeat':
    case 'replyHaHeartbeat':
    case 'sendHandshake':
    case 'replyHandshake':
    case 'notices':
    case 'catalogdVersionStamped':
    case 'subscriberRegistered':
      return true;
    default:
      return false;
  }
}

/** One line per effect; versions stamped from the clock print as T (they are times). */
function describe(fx: NodeEffect): string | null {
  switch (fx.kind) {
    case 'send':
      return `send link=${fx.link} ${showDown(fx.msg)}`;
    case 'closeLink':
      return `closeLink link=${fx.link} ${fx.reason}: ${fx.message}`;
    case 'protocolVersionAnswer':
      return `protocolVersion ${fx.refusal ?? 'ok'}`;
    case 'sendHandshake':
      return `sendHandshake seq=${fx.seq} epoch=${fx.request.epoch}`;
    case 'sendHaHeartbeat':
      return `sendHaHeartbeat seq=${fx.seq} epoch=${fx.request.srcEpoch}`;
    case 'replyHandshake':
      return fx.reply === null ? `replyHandshake refused ${fx.refusal}` : `replyHandshake active=${fx.reply.isActive} epoch=${fx.reply.epoch}`;
    case 'replyHaHeartbeat':
      return fx.reply === null ? `replyHaHeartbeat refused ${fx.refusal}` : `replyHaHeartbeat stale=${fx.reply.staleEpoch} epoch=${fx.reply.epoch}`;
    case 'roleChanged':
      return `roleChanged ${fx.from}->${fx.to} epoch=${fx.epoch} reason=${fx.reason}${fx.failoverDurationMs === null ? '' : ` failover=${fx.failoverDurationMs}ms`}`;
    case 'activeEpochChanged':
      return `activeEpochChanged active=${fx.isActive} epoch=${fx.epoch}`;
    case 'recoveryModeChanged':
      return `recoveryMode ${fx.inRecovery ? 'on' : 'off'}`;
    case 'peerConnectedChanged':
      return `peerConnected ${fx.connected ? 'yes' : 'no'}`;
    case 'takeoverCheck':
      return `takeoverCheck peer=${fx.peerState} lost-active=${fx.failed}/${fx.total} -> ${fx.verdict}`;
    case 'networkDisabledChanged':
      return `network ${fx.disabled ? 'disabled' : 'enabled'}`;
    case 'subscriberRegistered':
      return `registered ${fx.subscriberId} live=${fx.live}`;
    case 'subscriberUnregistered':
      return `unregistered ${fx.subscriberId} reason=${fx.reason} transient-deleted=${fx.transientEntriesDeleted} live=${fx.live}`;
    case 'registrationRejected':
      return `registration of ${fx.subscriberId} rejected: ${fx.reason}`;
    case 'heartbeatAnswered':
      return `heartbeat answered rtt=${fx.roundTripMs}ms`;
    case 'heartbeatMissed':
      return `heartbeat missed ${fx.subscriberId} (${fx.why}) missed=${fx.missed}`;
    case 'heartbeatSummary':
      return `heartbeats answered by ${fx.answered}/${fx.live}`;
    case 'topicUpdateAnswered':
      return `update answered ${fx.priority ? 'priority' : 'normal'} in ${fx.durationMs}ms`;
    case 'topicUpdateTimedOut':
      return `update to ${fx.subscriberId} seq=${fx.seq} timed out`;
    case 'writesRejected':
      return `writes of ${fx.subscriberId} rejected: ${fx.message}`;
    case 'topicEntriesCleared':
      return `topic ${fx.topicName} cleared`;
    case 'notices':
      return `${fx.notice} notices ${fx.result} x${fx.count}`;
    case 'noticeRoundStarted':
      return `${fx.notice} round started value=${fx.value > 1e9 ? 'T' : fx.value} receivers=${fx.receivers}`;
    case 'noticeRoundDone':
      return `${fx.notice} round done in ${fx.durationMs}ms`;
    case 'debugActionApplied':
      return `debug action ${fx.entry}: failed=${fx.failed} delayed=${fx.delayed}`;
    case 'catalogdDesignated':
      return `catalogd designated active=${fx.active.subscriberId} standby=${fx.standby?.subscriberId ?? 'none'} reason=${fx.reason}`;
    case 'catalogdCleared':
      return 'catalogd cleared';
    case 'catalogdVersionStamped':
      return `catalogd version ${fx.version}`;
  }
}

function showDown(m: DownMessage): string {
  switch (m.kind) {
    case 'updateState':
      return `update seq=${m.seq} epoch=${m.activeEpoch} ${m.deltas.map(showDelta).join(' ')}`;
    case 'heartbeat':
      return `heartbeat seq=${m.seq}${m.requestConnState ? ' conn?' : ''}`;
    default:
      return m.kind;
  }
}

function showDelta(d: TopicDeltaData): string {
  const items = d.entries.map((e) => (e.deleted ? `-${e.key}` : `+${e.key}`)).join(',');
  const min = d.minSubscriberTopicVersion === undefined ? '' : ` min=${d.minSubscriberTopicVersion}`;
  return `${d.topicName}[${d.isDelta ? '' : 'full '}${d.fromVersion ?? 0}->${d.toVersion ?? 0}${items ? ` ${items}` : ''}${min}]`;
}




function conn(s: string): ConnState {
  if (s !== 'OK' && s !== 'FAILED' && s !== 'UNKNOWN' && s !== 'REFUSED') throw new Error(`bad conn state ${s}`);
  return s;
}

