/**
 * The interpreter behind apps/statestored/testdata/*.txt: the daemon's own runner (NodeRunner:
 * its effect switch, metrics and log lines) for each statestored, wired to its peer through the
 * in-memory HA transport, on a fake clock. Subscribers are scripted: they answer what they are
 * sent, as a subscriber does. What the runner exports (metrics) and logs is printed, so these
 * scenarios hold the edge to what the node decides, without sockets or real time.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { flagArgs, statestoredFlags, type FlagValue } from '@statestore-ha/config';
import { createRegistry, createStatestoredMetrics, type StatestoredMetrics } from '@statestore-ha/metrics';
import type { StatestoreMessage } from '@statestore-ha/proto';
import type { ConnState } from '@statestore-ha/ha';
import { nodeConfigFromFlags, type LinkId, type UpMessage } from '@statestore-ha/statestored-node';
import { FakeClock, scenarioDurationMs, required, type AsyncScenarioInterpreter } from '@statestore-ha/testing';
import { InmemHaNetwork } from './inmem-ha-transport';
import { NodeRunner, type SessionLink } from './node-runner';
import { fakeScheduler } from './runner.spec-helper';

/** The metrics a scenario reads: the HA ones operators alert on. */
const SHOWN_METRICS = [
  'statestore_is_active',
  'statestore_active_epoch',
  'statestore_role_changes_total',
  'statestore_peer_connected',
  'statestore_ha_recovery_mode',
  'statestore_failover_duration_seconds_count',
  'statestore_live_subscribers',
];

/** Log lines too frequent to print. */
const QUIET_LOGS = new Set(['subscriber registered', 'statestored started']);

interface Daemon {
  readonly name: string;
  readonly runner: NodeRunner;
  readonly registry: ReturnType<typeof createRegistry>;
  readonly metrics: StatestoredMetrics;
  up: boolean;
}

interface Stream {
  readonly link: LinkId;
  readonly daemon: string;
  open: boolean;
}

interface Sub {
  readonly name: string;
  readonly streams: Map<string, Stream>;
  /** What it reports about the other statestored when asked, per statestored asked. */
  connState: ConnState;
  highestEpoch: number;
}

export class RunnerScenarioEnv implements AsyncScenarioInterpreter {
  private readonly clock = new FakeClock(0);
  private readonly net = new InmemHaNetwork((fn) => void this.clock.after(0, fn));
  private readonly daemons = new Map<string, Daemon>();
  private readonly subs = new Map<string, Sub>();
  /** Every runner's log lines, in the order they were written. */
  private readonly logs: Array<{ t: number; daemon: string; line: string }> = [];
  private out: string[] = [];

  async run(line: string): Promise<string> {
    this.out = [];
    const [cmd, ...rest] = line.trim().split(/\s+/);
    const pos = rest.filter((t) => !t.includes('='));
    const kv = Object.fromEntries(rest.filter((t) => t.includes('=')).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]));
    switch (cmd) {
      case 'statestored':
        this.startStatestored(required(pos[0], 'name'), kv);
        break;
      case 'subscriber':
        this.startSubscriber(required(pos[0], 'name'));
        break;
      case 'advance':
        this.clock.runUntil(this.clock.now() + scenarioDurationMs(required(pos[0], 'duration')));
        this.flushLogs();
        break;
      case 'kill':
        this.kill(required(pos[0], 'name'));
        break;
      case 'conn':
        this.sub(required(pos[0], 'subscriber')).connState = required(pos[1], 'state') as ConnState;
        break;
      case 'report':
        // Unasked: the subscriber tells a statestored what it now says about the other one.
        this.report(this.sub(required(pos[0], 'subscriber')), required(pos[1], 'to'), required(pos[2], 'state') as ConnState);
        break;
      case 'peer-handshake': {
        // A raw handshake from an outside peer (one whose clock or memory puts it at a newer epoch).
        const a = this.daemon(required(pos[0], 'name')).runner.handshake(1, {
          statestoreId: required(kv['from'], 'from'),
          address: kv['address'] ?? 'zz:24020',
          forceActive: false,
          isActive: pos.includes('active'),
          epoch: Number(required(kv['epoch'], 'epoch')),
        });
        this.emit('reply' in a ? `handshake answered active=${a.reply.isActive} epoch=${a.reply.epoch}` : `handshake refused: ${a.refusal}`);
        this.flushLogs();
        break;
      }
      case 'metrics':
        await this.showMetrics(required(pos[0], 'name'));
        break;
      default:
        throw new Error(`unknown command: ${line}`);
    }
    return this.out.length === 0 ? 'ok' : this.out.join('\n');
  }

  private startStatestored(name: string, kv: Record<string, string>): void {
    const peer = name === 'ss1' ? 'ss2' : 'ss1';
    const flags: Record<string, FlagValue> = {
      enable_statestored_ha: true,
      hostname: name,
      state_store_peer_host: peer,
      state_store_ha_port: name === 'ss1' ? 24020 : 24021,
      state_store_peer_ha_port: name === 'ss1' ? 24021 : 24020,
      use_network_address_as_statestore_priority: true,
      ...kv,
    };
    const parsed = statestoredFlags.parse(flagArgs(flags));
    const registry = createRegistry('statestored');
    const metrics = createStatestoredMetrics(registry);
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        this.logs.push({ t: this.clock.now(), daemon: name, line: chunk.toString() });
        done();
      },
    });
    const runner = new NodeRunner({
      config: nodeConfigFromFlags(parsed, { statestoreId: `${name}-id`, selfHaAddress: `${name}:${String(flags['state_store_ha_port'])}`, peerHaAddress: `${peer}:${String(flags['state_store_peer_ha_port'])}` }),
      seed: 1,
      peer: this.net.client(name, peer),
      metrics,
      log: pino({ level: 'info', base: null, timestamp: false }, sink),
      scheduler: fakeScheduler(this.clock),
      newRegistrationId: () => `${name}-reg`,
    });
    const d: Daemon = { name, runner, registry, metrics, up: true };
    this.daemons.set(name, d);
    this.net.serve(name, runner);
    runner.start();
    this.emit(`${name}: started`);
    this.flushLogs();
  }

  /** SIGKILL: the process is gone, its streams end (FIN), and its ports refuse connects. */
  private kill(name: string): void {
    this.flushLogs();
    const d = this.daemon(name);
    d.up = false;
    d.runner.stop();
    this.net.stop(name);
    for (const s of this.subs.values()) {
      const st = s.streams.get(name);
      if (st) st.open = false;
    }
    this.emit(`${name}: killed`);
  }

  private startSubscriber(name: string): void {
    const s: Sub = { name, streams: new Map(), connState: 'OK', highestEpoch: 0 };
    this.subs.set(name, s);
    for (const d of this.daemons.values()) {
      if (!d.up) continue;
      const session: SessionLink = {
        send: (msg) => {
          this.clock.after(0, () => this.answer(s, d, msg));
          return true;
        },
        onDrain: () => undefined,
        close: () => {
          const st = s.streams.get(d.name);
          if (st) st.open = false;
        },
      };
      const link = d.runner.openLink(session);
      s.streams.set(d.name, { link, daemon: d.name, open: true });
      d.runner.received(link, {
        kind: 'register',
        request: {
          protocolVersion: 1,
          subscriberId: name,
          location: { hostname: name, port: 27000 },
          topics: [{ topicName: 'impala-membership', isTransient: true, populateMinSubscriberTopicVersion: false }],
          subscriberType: 'COORDINATOR',
          subscribeCatalogdChange: false,
          catalogdRegistration: undefined,
          highestEpochSeen: s.highestEpoch,
        },
      });
    }
    this.flushLogs();
  }

  /** What a subscriber answers: heartbeats with its conn state, role notifications and updates accepted. */
  private answer(s: Sub, d: Daemon, msg: StatestoreMessage): void {
    const st = s.streams.get(d.name);
    if (!d.up || st === undefined || !st.open) return;
    const up = (m: UpMessage): void => d.runner.received(st.link, m);
    const k = msg.kind;
    switch (k?.$case) {
      case 'heartbeat':
        return up({ kind: 'heartbeat', seq: k.value.seq, connState: k.value.requestStatestoreConnState ? s.connState : 'UNKNOWN', highestEpochSeen: s.highestEpoch });
      case 'role':
        s.highestEpoch = Math.max(s.highestEpoch, k.value.activeEpoch);
        this.flushLogs();
        this.emit(`${s.name}: follows ${d.name} (epoch ${k.value.activeEpoch})`);
        return up({ kind: 'role', activeEpoch: k.value.activeEpoch, skipped: false, staleEpoch: false, highestEpochSeen: s.highestEpoch });
      case 'updateState':
        s.highestEpoch = Math.max(s.highestEpoch, k.value.activeEpoch);
        return up({ kind: 'updateState', seq: k.value.seq, writes: [], skipped: false, staleEpoch: false, highestEpochSeen: s.highestEpoch });
      case 'register':
        if (k.value.statestoreIsActive) s.highestEpoch = Math.max(s.highestEpoch, k.value.activeEpoch);
        return;
      default:
        return;
    }
  }

  private report(s: Sub, to: string, connState: ConnState): void {
    const d = this.daemon(to);
    const st = s.streams.get(to);
    if (!d.up || st === undefined || !st.open) throw new Error(`${s.name} has no stream to ${to}`);
    d.runner.received(st.link, { kind: 'connState', connState, highestEpochSeen: s.highestEpoch });
    this.flushLogs();
  }

  private async showMetrics(name: string): Promise<void> {
    const text = await this.daemon(name).registry.metrics();
    for (const line of text.split('\n')) {
      if (line.startsWith('#')) continue;
      const metric = line.split(/[{ ]/)[0] ?? '';
      if (SHOWN_METRICS.includes(metric)) this.emit(`${name}: ${line}`);
    }
  }

  /** The runners' log lines since the last flush, in order of time, compact. */
  private flushLogs(): void {
    for (const { t, daemon, line } of this.logs.splice(0)) {
      const o = JSON.parse(line) as Record<string, unknown>;
      const msg = String(o['msg']);
      if (QUIET_LOGS.has(msg)) continue;
      const fields = Object.entries(o)
        .filter(([k]) => k !== 'level' && k !== 'msg')
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      this.out.push(`t=${t} ${daemon}: ${msg}${fields ? ` ${fields}` : ''}`);
    }
  }

  private daemon(name: string): Daemon {
    const d = this.daemons.get(name);
    if (!d) throw new Error(`no statestored ${name}`);
    return d;
  }

  private sub(name: string): Sub {
    const s = this.subs.get(name);
    if (!s) throw new Error(`no subscriber ${name}`);
    return s;
  }

  private emit(line: string): void {
    this.out.push(`t=${this.clock.now()} ${line}`);
  }
}


