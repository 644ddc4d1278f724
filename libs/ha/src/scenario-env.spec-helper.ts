/**
 * The interpreter behind libs/ha/testdata/*.txt (STYLE.md §3, after etcd-io/raft's
 * rafttest/interaction_env_handler.go): one switch over commands that drive the real machines
 * of this library, on a clock that only moves with `advance`. HA RPCs between the two
 * statestoreds are delivered synchronously (a request and its reply at the same instant) unless
 * the link is cut or the target is down, in which case the sender sees the RPC fail.
 *
 * Not exported from index.ts: only scenarios.spec.ts uses it.
 */
import { parseScenarioArgs, scenarioDurationMs, scenarioNumber, required } from '@statestore-ha/testing';
import {
  initialCatalogdElection,
  stepCatalogd,
  activeCatalogd,
  type CatalogdEffect,
  type CatalogdElectionState,
} from './catalogd-election';
import type { ConnState } from './conn-state';
import {
  initialFollowerState,
  stepFollower,
  inGracePeriod,
  type FollowerEffect,
  type FollowerEvent,
  type FollowerState,
  type StatestoreIndex,
} from './follower';
import type { HaConfig } from './ha-config';
import {
  activeEpoch,
  lostActiveCount,
  nextWakeupMs,
  startHa,
  step,
  type HaEffect,
  type HaEvent,
  type HaState,
  type PeerLinkState,
} from './role-machine';

interface Node {
  readonly name: string;
  state: HaState;
  up: boolean;
  haHeartbeatsSent: number;
}

export class ScenarioEnv {
  private now = 0;
  private readonly nodes = new Map<string, Node>();
  private readonly cuts = new Set<string>();
  private readonly followers = new Map<string, FollowerState>();
  private catalogd: CatalogdElectionState | null = null;
  private out: string[] = [];
  private verbose = false;
  private flags: Record<string, string> = {
    attempts: '10',
    retry: '100',
    monitor: '100',
    peer_timeout: '2000',
    max_missed: '10',
    by_address: 'false',
    skip_majority: 'false',
    crash_evidence: 'true',
  };

  /** Runs one command line; returns the output lines (never empty: "ok"). */
  run(line: string): string {
    this.out = [];
    const [cmd, ...rest] = line.trim().split(/\s+/);
    const args = parseScenarioArgs(rest, ['force']);
    switch (cmd) {
      case 'flags':
        Object.assign(this.flags, args.kv);
        break;
      case 'start':
        this.start(required(args.pos[0], 'node'), args.kv);
        break;
      case 'crash':
        this.node(required(args.pos[0], 'node')).up = false;
        this.emit(`${args.pos[0]}: crashed`);
        break;
      case 'cut':
      case 'heal':
        this.link(cmd, required(args.pos[0], 'a'), required(args.pos[1], 'b'));
        break;
      case 'advance':
        this.verbose = args.pos.includes('verbose');
        this.advance(scenarioDurationMs(required(args.pos[0], 'duration')));
        this.verbose = false;
        break;
      case 'register':
        for (const sub of args.pos.slice(1)) this.feed(required(args.pos[0], 'node'), { kind: 'subscriberRegistered', subscriberId: sub, highestEpochSeen: scenarioNumber(args.kv['epoch'] ?? '0') });
        break;
      case 'unregister':
        for (const sub of args.pos.slice(1)) this.feed(required(args.pos[0], 'node'), { kind: 'subscriberUnregistered', subscriberId: sub });
        break;
      case 'conn':
        for (const [sub, cs] of Object.entries(args.kv)) this.feed(required(args.pos[0], 'node'), { kind: 'subscriberConnState', subscriberId: sub, connState: cs as ConnState });
        break;
      case 'sub-epoch':
        this.feed(required(args.pos[0], 'node'), { kind: 'subscriberEpoch', subscriberId: required(args.pos[1], 'subscriber'), highestEpochSeen: scenarioNumber(required(args.pos[2], 'epoch')) });
        break;
      case 'peer-link':
        // This node's own link to the peer's HA port: up, down (ended, reset, timed out) or refused.
        this.feed(required(args.pos[0], 'node'), { kind: 'peerLink', state: required(args.pos[1], 'state') as PeerLinkState });
        break;
      case 'network':
        this.feed(required(args.pos[0], 'node'), { kind: 'networkDisabled', disabled: args.pos[1] === 'off' });
        break;
      case 'ha-heartbeat':
        // A raw HA heartbeat from an outside sender (e.g. a peer that sends no epoch).
        this.feed(required(args.pos[0], 'node'), {
          kind: 'haHeartbeatRequest',
          dstStatestoreId: this.node(required(args.pos[0], 'node')).state.config.statestoreId,
          srcStatestoreId: required(args.kv['from'], 'from'),
          srcEpoch: scenarioNumber(args.kv['epoch'] ?? '0'),
        });
        break;
      case 'status':
        this.status();
        break;
      case 'follower':
        this.followers.set(required(args.pos[0], 'name'), initialFollowerState({
          haEnabled: args.kv['ha'] !== 'false',
          subscriberTimeoutMs: scenarioNumber(args.kv['timeout'] ?? '2000'),
          recoveryGracePeriodMs: scenarioNumber(args.kv['grace'] ?? '1000'),
        }));
        break;
      case 'f':
        this.followerCmd(required(args.pos[0], 'follower'), required(args.pos[1], 'event'), scenarioNumber(required(args.pos[2], 'index')) as StatestoreIndex, args.kv);
        break;
      case 'catalogd-election':
        this.catalogd = initialCatalogdElection({
          enabled: args.kv['ha'] !== 'false',
          useSubscriberIdAsPriority: args.kv['priority'] === 'subscriber-id',
          preemptionWaitMs: scenarioNumber(args.kv['wait'] ?? '1000'),
        });
        break;
      case 'catalogd':
        this.catalogdCmd(required(args.pos[0], 'event'), args.pos[1], args.kv);
        break;
      default:
        throw new Error(`unknown command: ${line}`);
    }
    return this.out.length === 0 ? 'ok' : this.out.join('\n');
  }

  // ---- statestoreds ------------------------------------------------------------------------

  private start(name: string, kv: Record<string, string>): void {
    const f = { ...this.flags, ...kv };
    const addr = `${name}:24020`;
    const config: HaConfig = {
      statestoreId: required(kv['id'], 'id'),
      selfAddress: addr,
      epochSlot: name < 'ss1' ? 0 : 1,
      forceActive: f['force'] === 'true',
      useNetworkAddressAsPriority: f['by_address'] === 'true',
      peerCnxnAttempts: scenarioNumber(required(f['attempts'], 'attempts')),
      peerCnxnRetryIntervalMs: scenarioNumber(required(f['retry'], 'retry')),
      monitoringFrequencyMs: scenarioNumber(required(f['monitor'], 'monitor')),
      peerTimeoutMs: scenarioNumber(required(f['peer_timeout'], 'peer_timeout')),
      peerMaxMissedHeartbeats: scenarioNumber(required(f['max_missed'], 'max_missed')),
      maxReceivedHeartbeatsInActive: 10,
      skipMajorityCheck: f['skip_majority'] === 'true',
      crashEvidenceTakeover: f['crash_evidence'] === 'true',
      trustResetAsCrashEvidence: false,
    };
    const st = startHa(config, this.now);
    const node: Node = { name, state: st.state, up: true, haHeartbeatsSent: 0 };
    this.nodes.set(name, node);
    this.emit(`${name}: started id=${config.statestoreId}${config.forceActive ? ' force' : ''}`);
    this.carryOut(node, st.effects);
  }

  private node(name: string): Node {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no statestored ${name}`);
    return n;
  }

  private peerOf(n: Node): Node | undefined {
    for (const m of this.nodes.values()) if (m !== n) return m;
    return undefined;
  }

  private link(cmd: 'cut' | 'heal', a: string, b: string): void {
    const key = [a, b].sort().join('|');
    if (cmd === 'cut') this.cuts.add(key);
    else this.cuts.delete(key);
    this.emit(`${cmd} ${a} <-> ${b}`);
  }

  private reachable(a: Node, b: Node | undefined): b is Node {
    return b !== undefined && b.up && !this.cuts.has([a.name, b.name].sort().join('|'));
  }

  private feed(name: string, ev: HaEvent): HaEffect[] {
    const n = this.node(name);
    const r = step(n.state, ev, this.now);
    n.state = r.state;
    this.carryOut(n, r.effects);
    return [...r.effects];
  }

  private advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      let next: Node | null = null;
      for (const n of this.nodes.values()) {
        if (n.up && (next === null || nextWakeupMs(n.state) < nextWakeupMs(next.state))) next = n;
      }
      if (next === null || nextWakeupMs(next.state) > until) break;
      this.now = Math.max(this.now, nextWakeupMs(next.state));
      this.feed(next.name, { kind: 'tick' });
    }
    this.now = until;
  }

  /** Prints the effects worth reading and delivers HA RPCs synchronously. */
  private carryOut(n: Node, effects: readonly HaEffect[]): void {
    for (const fx of effects) {
      const line = describe(fx);
      if (line !== null && (this.verbose || !isChatty(fx))) this.emit(`${n.name}: ${line}`);
      if (fx.kind === 'sendHandshake') {
        const peer = this.peerOf(n);
        const reply = this.reachable(n, peer) ? this.feed(peer.name, { kind: 'handshakeRequest', request: fx.request }).find((e) => e.kind === 'replyHandshake') : undefined;
        const ev: HaEvent =
          reply?.kind === 'replyHandshake' && reply.reply !== null
            ? { kind: 'handshakeReply', seq: fx.seq, reply: reply.reply }
            : { kind: 'handshakeFailed', seq: fx.seq };
        if (n.up) this.feed(n.name, ev);
      } else if (fx.kind === 'sendHaHeartbeat') {
        n.haHeartbeatsSent++;
        const peer = this.peerOf(n);
        const reply = this.reachable(n, peer)
          ? this.feed(peer.name, { kind: 'haHeartbeatRequest', dstStatestoreId: fx.dstStatestoreId, srcStatestoreId: fx.srcStatestoreId, srcEpoch: fx.epoch }).find((e) => e.kind === 'replyHaHeartbeat')
          : undefined;
        const ev: HaEvent =
          reply?.kind === 'replyHaHeartbeat' && reply.outcome !== 'rejected'
            ? { kind: 'haHeartbeatReply', seq: fx.seq, staleEpoch: reply.outcome === 'staleEpoch', peerEpoch: reply.epoch, peerIsActive: reply.isActive }
            : { kind: 'haHeartbeatFailed', seq: fx.seq };
        if (n.up) this.feed(n.name, ev);
      }
    }
  }

  private status(): void {
    for (const n of [...this.nodes.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (!n.up) {
        this.emit(`${n.name}: down`);
        continue;
      }
      const s = n.state;
      const lost = lostActiveCount(s);
      this.emit(
        `${n.name}: ${s.role} epoch=${activeEpoch(s)} peer=${s.foundPeer ? 'found' : 'none'} lost-active=${lost.failed}/${lost.total}` +
          `${s.networkDisabled ? ' network=off' : ''} ha-heartbeats-sent=${n.haHeartbeatsSent}`,
      );
    }
  }

  // ---- followers ---------------------------------------------------------------------------

  private followerCmd(name: string, what: string, index: StatestoreIndex, kv: Record<string, string>): void {
    const f = this.followers.get(name);
    if (!f) throw new Error(`no follower ${name}`);
    let ev: FollowerEvent;
    switch (what) {
      case 'register':
        ev = { kind: 'registered', index, statestoreId: required(kv['id'], 'id'), isActive: kv['active'] === 'true', epoch: scenarioNumber(kv['epoch'] ?? '0') };
        break;
      case 'role':
        ev = { kind: 'roleNotification', index, epoch: scenarioNumber(required(kv['epoch'], 'epoch')), isActive: kv['active'] !== 'false' };
        break;
      case 'update':
        ev = { kind: 'topicUpdate', index, epoch: scenarioNumber(required(kv['epoch'], 'epoch')) };
        break;
      case 'heartbeat':
        ev = { kind: 'heartbeat', index, requestConnState: kv['conn'] === 'true' };
        break;
      case 'link-down':
        ev = { kind: 'linkDown', index };
        break;
      case 'connect-refused':
        ev = { kind: 'connectRefused', index };
        break;
      default:
        throw new Error(`unknown follower event ${what}`);
    }
    const r = stepFollower(f, ev, this.now);
    this.followers.set(name, r.state);
    for (const fx of r.effects) this.emit(`${name}: ${describeFollower(fx)}`);
    const s = r.state;
    this.emit(
      `${name}: follows=${s.active ?? 'none'} highest-epoch=${s.highestEpoch} grace=${inGracePeriod(s, this.now) ? 'yes' : 'no'} stale-rejections=${s.counters.staleEpochRejections}`,
    );
  }

  // ---- catalogd election -------------------------------------------------------------------

  private catalogdCmd(what: string, id: string | undefined, kv: Record<string, string>): void {
    if (this.catalogd === null) throw new Error('catalogd-election first');
    let r;
    switch (what) {
      case 'register':
        r = stepCatalogd(this.catalogd, {
          kind: 'catalogdRegistered',
          candidate: { subscriberId: required(id, 'id'), registrationId: required(kv['reg'], 'reg'), forceActive: kv['force'] === 'true', address: `${id}:26000` },
        }, this.now);
        break;
      case 'unregister':
        r = stepCatalogd(this.catalogd, { kind: 'catalogdUnregistered', subscriberId: required(id, 'id'), registrationId: required(kv['reg'], 'reg') }, this.now);
        break;
      case 'tick':
        r = stepCatalogd(this.catalogd, { kind: 'tick' }, this.now);
        break;
      case 'advance':
        this.now += scenarioDurationMs(required(id, 'duration'));
        r = stepCatalogd(this.catalogd, { kind: 'tick' }, this.now);
        break;
      default:
        throw new Error(`unknown catalogd event ${what}`);
    }
    this.catalogd = r.state;
    for (const fx of r.effects) this.emit(describeCatalogd(fx));
    this.emit(`catalogd: active=${activeCatalogd(r.state)?.subscriberId ?? 'none'} version=${r.state.version}`);
  }

  private emit(line: string): void {
    this.out.push(`t=${this.now} ${line}`);
  }
}

function isChatty(fx: HaEffect): boolean {
  return fx.kind === 'sendHaHeartbeat' || fx.kind === 'replyHaHeartbeat' || fx.kind === 'sendHandshake' || fx.kind === 'replyHandshake';
}

function describe(fx: HaEffect): string | null {
  switch (fx.kind) {
    case 'sendHandshake':
      return `sendHandshake seq=${fx.seq} active=${fx.request.isActive} force=${fx.request.forceActive} epoch=${fx.request.epoch}`;
    case 'replyHandshake':
      return fx.reply === null ? 'replyHandshake refused' : `replyHandshake active=${fx.reply.isActive} epoch=${fx.reply.epoch}`;
    case 'sendHaHeartbeat':
      return `sendHaHeartbeat seq=${fx.seq} epoch=${fx.epoch}`;
    case 'replyHaHeartbeat':
      return `replyHaHeartbeat ${fx.outcome} epoch=${fx.epoch}`;
    case 'roleChanged':
      return `roleChanged ${fx.from}->${fx.to} epoch=${fx.epoch} reason=${fx.reason}${fx.failoverDurationMs === null ? '' : ` failover=${fx.failoverDurationMs}ms`}`;
    case 'broadcastRole':
      return `broadcastRole epoch=${fx.epoch}`;
    case 'recoveryModeChanged':
      return `recoveryMode ${fx.inRecovery ? 'on' : 'off'}`;
    case 'peerConnectedChanged':
      return `peerConnected ${fx.connected ? 'yes' : 'no'}`;
    case 'requestConnState':
      return `requestConnState ${fx.request ? 'on' : 'off'}`;
    case 'takeoverCheck':
      return `takeoverCheck peer=${fx.peerState} lost-active=${fx.failed}/${fx.total} -> ${fx.verdict}`;
  }
}

function describeFollower(fx: FollowerEffect): string {
  switch (fx.kind) {
    case 'activeChanged':
      return `activeChanged ${fx.from ?? 'none'}->${fx.to ?? 'none'} epoch=${fx.epoch}${fx.failover ? ' failover' : ''}`;
    case 'replyHeartbeat':
      return `replyHeartbeat to=${fx.index} conn-state=${fx.connState ?? '-'}`;
    case 'answerRoleNotification':
      return `answerRoleNotification to=${fx.index} ${fx.outcome}`;
    case 'answerTopicUpdate':
      return `answerTopicUpdate to=${fx.index} ${fx.outcome}`;
    case 'staleRegistration':
      return `staleRegistration from=${fx.index} epoch=${fx.epoch} highest=${fx.highestEpochSeen}`;
    case 'reportChanged':
      return `reportChanged about=${fx.about} conn-state=${fx.connState}`;
  }
}

function describeCatalogd(fx: CatalogdEffect): string {
  switch (fx.kind) {
    case 'catalogdDesignated':
      return `catalogdDesignated active=${fx.active.subscriberId} standby=${fx.standby?.subscriberId ?? 'none'} version=${fx.version} reason=${fx.reason}`;
    case 'catalogdCleared':
      return `catalogdCleared version=${fx.version}`;
  }
}




