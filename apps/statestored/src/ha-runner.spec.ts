import { createServer } from 'node:net';
import { status } from '@grpc/grpc-js';
import { createLogger } from '@statestore-ha/daemon';
import { haConfigFromFlags, type StatestoreHaFlags } from '@statestore-ha/ha';
import { createRegistry, createStatestoredMetrics, type StatestoredMetrics } from '@statestore-ha/metrics';
import { ConnState, CURRENT_PROTOCOL_VERSION, StatestoreHaServiceService, SubscriberType, type StatestoreHaServiceServer, type StatestoreMessage } from '@statestore-ha/proto';
import { startGrpcServer, type RunningGrpcServer } from './grpc-server';
import { haPeerService } from './ha-peer-service';
import type { DebugActionHook } from './first-attempt';
import { HaRpcError, HaRunner } from './ha-runner';
import { Statestore } from './statestore';
import type { SessionLink } from './subscriber-session';
import { quietObserver } from './statestore.spec-helper';

// Two HaRunners over real gRPC on loopback, with Impala's HA flags at test speed: the runner's job
// is to carry the role machine's effects out (RPCs, role notifications, start-over, metrics).

jest.setTimeout(15_000);

const FLAGS: StatestoreHaFlags = {
  statestore_force_active: false,
  // Lower "host:port" string wins: which one becomes active is known in advance.
  use_network_address_as_statestore_priority: true,
  statestore_ha_preemption_wait_period_ms: 300,
  statestore_peer_cnxn_attempts: 3,
  statestore_ha_heartbeat_monitoring_frequency_ms: 50,
  statestore_peer_timeout_seconds: 1,
  statestore_max_missed_heartbeats: 3,
  statestore_ha_unsafe_skip_majority_check: false,
};

const log = createLogger('statestored', 'silent');

/** Ports free on 127.0.0.1 right now (the pair must know each other's port before either binds). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

interface Node {
  id: string;
  address: string;
  runner: HaRunner;
  core: Statestore;
  metrics: StatestoredMetrics;
  server: RunningGrpcServer | undefined;
}

const nodes: Node[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) {
    n.runner.stop();
    await n.server?.shutdown(100);
  }
});

async function node(id: string, selfPort: number, peerPort: number, flags: Partial<StatestoreHaFlags> = {}, serve = true, debugAction?: DebugActionHook): Promise<Node> {
  const address = `127.0.0.1:${selfPort}`;
  const peerAddress = `127.0.0.1:${peerPort}`;
  const metrics = createStatestoredMetrics(createRegistry('statestored'));
  const runner = new HaRunner({
    config: haConfigFromFlags({ ...FLAGS, ...flags }, { statestoreId: id, selfAddress: address, peerAddress }),
    peerAddress,
    rpcTimeoutMs: 500,
    resendIntervalMs: 50,
    metrics,
    log,
    ...(debugAction ? { debugAction } : {}),
  });
  const core = new Statestore(
    { heartbeatFrequencyMs: 1000, maxMissedHeartbeats: 10, updateFrequencyMs: 2000, priorityUpdateFrequencyMs: 100, maxSubscribers: 10, updateTimeoutMs: 10_000, maxTopicValueBytes: 1 << 20, enableCatalogdHa: false },
    runner,
    quietObserver,
    log,
    Date.now,
    id,
  );
  runner.attach(core);
  const server = serve ? await startGrpcServer('127.0.0.1', selfPort, [[StatestoreHaServiceService, haPeerService(runner)]]) : undefined;
  const n = { id, address, runner, core, metrics, server };
  nodes.push(n);
  return n;
}

async function gauge(g: { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }> }, labels: Record<string, string> = {}): Promise<number | undefined> {
  const { values } = await g.get();
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A pair on two free ports; `low` has the lower address string and so the priority. */
async function pair(highDebugAction?: DebugActionHook): Promise<{ low: Node; high: Node }> {
  const [p1, p2] = (await freePorts(2)) as [number, number];
  const [lowPort, highPort] = String(p1) < String(p2) ? [p1, p2] : [p2, p1];
  const low = await node('ss-low', lowPort, highPort);
  const high = await node('ss-high', highPort, lowPort, {}, true, highDebugAction);
  low.runner.start();
  high.runner.start();
  await Promise.all([low.runner.settled(), high.runner.settled()]);
  return { low, high };
}

class RecordingLink implements SessionLink {
  readonly sent: StatestoreMessage[] = [];
  send(msg: StatestoreMessage): boolean {
    this.sent.push(msg);
    return true;
  }
  onDrain(): void {
    // Never congested: send() always returns true.
  }
  close(): void {
    // Nothing to end: the spec reads what was sent.
  }
}

function registerSubscriber(core: Statestore, id: string): RecordingLink {
  const link = new RecordingLink();
  const out = core.register(
    { protocolVersion: CURRENT_PROTOCOL_VERSION, subscriberId: id, topicRegistrations: [], subscriberType: SubscriberType.SUBSCRIBER_TYPE_EXECUTOR, subscribeCatalogdChange: false, highestEpochSeen: 0 },
    link,
  );
  if ('code' in out) throw new Error(out.message);
  return link;
}

describe('HaRunner', () => {
  it('settles a pair with exactly one active: the one with address priority', async () => {
    const { low, high } = await pair();
    expect(low.runner.isActive()).toBe(true);
    expect(high.runner.isActive()).toBe(false);
    expect(low.runner.activeEpoch()).toBeGreaterThan(0);
    // Only the standby asks subscribers how their link to the active is.
    expect(high.runner.requestConnState()).toBe(true);
    expect(low.runner.requestConnState()).toBe(false);
    expect(low.runner.status()).toMatchObject({ statestore_id: 'ss-low', role: 'active', is_active: true, in_recovery_mode: false, peer_address: high.address });
    expect(high.runner.status()).toMatchObject({ role: 'standby', is_active: false });
    expect(await gauge(low.metrics.isActive)).toBe(1);
    expect(await gauge(high.metrics.isActive)).toBe(0);
    expect(await gauge(low.metrics.activeEpoch)).toBe(low.runner.activeEpoch());
    expect(await gauge(low.metrics.roleChanges, { to: 'active' })).toBe(1);
    expect(await gauge(high.metrics.roleChanges, { to: 'standby' })).toBe(1);
  });

  it('keeps the pair connected through HA heartbeats', async () => {
    const { low, high } = await pair();
    await until(async () => (await gauge(low.metrics.peerConnected)) === 1 && (await gauge(high.metrics.peerConnected)) === 1, 'both peers connected');
    expect(low.runner.status()).toMatchObject({ connected_with_peer: true, peer_id: 'ss-high' });
    expect(high.runner.status()).toMatchObject({ connected_with_peer: true, peer_id: 'ss-low' });
    // Still exactly one active after many heartbeat rounds.
    await new Promise((r) => setTimeout(r, 400));
    expect([low.runner.isActive(), high.runner.isActive()]).toEqual([true, false]);
  });

  it('a lone statestored becomes active once its handshake attempts to the peer have failed', async () => {
    const [self, nobody] = (await freePorts(2)) as [number, number];
    const lone = await node('ss-lone', self, nobody, { statestore_ha_preemption_wait_period_ms: 200, statestore_peer_cnxn_attempts: 2 });
    const started = Date.now();
    lone.runner.start();
    expect(lone.runner.isActive()).toBe(false);
    await lone.runner.settled();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(lone.runner.isActive()).toBe(true);
  });

  it('the standby takes over when the active is gone and the subscribers say so, starts its subscribers over and tells them the new role', async () => {
    const { low, high } = await pair();
    const link = registerSubscriber(high.core, 'impalad@h:27000');
    // The active dies.
    low.runner.stop();
    await low.server?.shutdown(0);
    // The only subscriber reports its link to the active as failed: a majority of 1.
    await until(() => {
      high.runner.connStateReported('impalad@h:27000', ConnState.CONN_STATE_FAILED);
      return high.runner.isActive();
    }, 'the standby to take over', 8000);
    const epoch = high.runner.activeEpoch();
    expect(epoch).toBeGreaterThan(low.runner.activeEpoch());
    await until(() => link.sent.some((m) => m.kind?.$case === 'role'), 'a role notification');
    const role = link.sent.find((m) => m.kind?.$case === 'role');
    expect(role?.kind).toEqual({ $case: 'role', value: { activeEpoch: epoch, isActive: true } });
    expect(high.runner.status()).toMatchObject({ role: 'active', pending_role_notifications: 1 });
    // The answer ends the broadcast.
    const session = [...high.core.subscribers()][0];
    if (session === undefined) throw new Error('the subscriber is gone');
    high.core.notificationAnswered(session, { $case: 'role', value: { activeEpoch: epoch, skipped: false, staleEpoch: false, highestEpochSeen: epoch } });
    expect(high.runner.status()).toMatchObject({ pending_role_notifications: 0 });
    expect(await gauge(high.metrics.roleNotifications, { result: 'ok' })).toBe(1);
    expect(await gauge(high.metrics.isActive)).toBe(1);
    const failovers = (await high.metrics.failoverDuration.get()).values.find((v) => v.metricName === 'statestore_failover_duration_seconds_count');
    expect(failovers?.value).toBe(1);
  });

  it('without a subscriber majority the standby stays standby even though the active is gone', async () => {
    const { low, high } = await pair();
    registerSubscriber(high.core, 'a');
    registerSubscriber(high.core, 'b');
    low.runner.stop();
    await low.server?.shutdown(0);
    // One of two says FAILED, the other OK: no majority. With a majority the takeover comes just
    // after the 1 s peer timeout (the spec above); 1.4 s leaves eight monitoring periods of margin.
    const started = Date.now();
    while (Date.now() - started < 1400) {
      high.runner.connStateReported('a', ConnState.CONN_STATE_FAILED);
      high.runner.connStateReported('b', ConnState.CONN_STATE_OK);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(high.runner.isActive()).toBe(false);
  });

  describe('--debug_actions on first attempts', () => {
    /** FAIL@1.0 on `label`, recording every label the runner asked about. */
    const failing = (label: string): DebugActionHook & { asked: string[] } => {
      const asked: string[] = [];
      const hook: DebugActionHook = (l) => (asked.push(l), l === label ? { delayMs: 0, fail: true, injected: `${l}:FAIL@1` } : { delayMs: 0, fail: false });
      return Object.assign(hook, { asked });
    };

    it('SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:FAIL@1.0: the first role notification is counted failed, and the resend delivers it', async () => {
      const hook = failing('SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT');
      const { low, high } = await pair(hook);
      const link = registerSubscriber(high.core, 'impalad@h:27000');
      low.runner.stop();
      await low.server?.shutdown(0);
      await until(() => {
        high.runner.connStateReported('impalad@h:27000', ConnState.CONN_STATE_FAILED);
        return high.runner.isActive();
      }, 'the standby to take over', 8000);
      // The promotion's own pass sent nothing: it was failed by the hook, and counted.
      expect(await gauge(high.metrics.roleNotifications, { result: 'failed' })).toBe(1);
      await until(() => link.sent.some((m) => m.kind?.$case === 'role'), 'the resent role notification');
      const epoch = high.runner.activeEpoch();
      expect(link.sent.filter((m) => m.kind?.$case === 'role')[0]?.kind).toEqual({ $case: 'role', value: { activeEpoch: epoch, isActive: true } });
      const session = [...high.core.subscribers()][0];
      if (session === undefined) throw new Error('the subscriber is gone');
      high.core.notificationAnswered(session, { $case: 'role', value: { activeEpoch: epoch, skipped: false, staleEpoch: false, highestEpochSeen: epoch } });
      expect(high.runner.status()).toMatchObject({ pending_role_notifications: 0 });
      expect(await gauge(high.metrics.roleNotifications, { result: 'ok' })).toBe(1);
      // Only the first pass asks the hook (once per receiver); resends do not.
      expect(hook.asked.filter((l) => l === 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT')).toHaveLength(1);
      expect(await gauge(high.metrics.roleNotifications, { result: 'failed' })).toBe(1);
    });

    /** A peer that only answers handshakes ("I am active") and records when each arrived. */
    async function answeringPeer(port: number): Promise<{ arrivals: number[]; server: RunningGrpcServer }> {
      const arrivals: number[] = [];
      const service: StatestoreHaServiceServer = {
        statestoreHaHandshake: (_call, cb) => {
          arrivals.push(Date.now());
          cb(null, { dstProtocolVersion: CURRENT_PROTOCOL_VERSION, dstStatestoreId: 'ss-peer', dstStatestoreActive: true, dstEpoch: 1 });
        },
        statestoreHaHeartbeat: (_call, cb) => cb(null, { staleEpoch: false, dstEpoch: 1, dstIsActive: true }),
      };
      return { arrivals, server: await startGrpcServer('127.0.0.1', port, [[StatestoreHaServiceService, service]]) };
    }

    it('STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:FAIL@1.0: the startup handshake reaches the peer one retry interval late, and the role comes out the same', async () => {
      const [self, peerPort] = (await freePorts(2)) as [number, number];
      const peer = await answeringPeer(peerPort);
      try {
        const hook = failing('STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT');
        const n = await node('ss-x', self, peerPort, { statestore_ha_preemption_wait_period_ms: 900 }, false, hook);
        const started = Date.now();
        n.runner.start();
        await n.runner.settled();
        // preemption wait 900 ms / 3 attempts: the second try goes 300 ms after the failed first one.
        expect(peer.arrivals).toHaveLength(1);
        expect((peer.arrivals[0] ?? 0) - started).toBeGreaterThanOrEqual(290);
        expect(n.runner.status()).toMatchObject({ role: 'standby', peer_id: 'ss-peer' });
        expect(hook.asked).toEqual(['STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT']);
      } finally {
        await peer.server.shutdown(0);
      }
    });

    it('without the debug action the same handshake reaches the peer at once', async () => {
      const [self, peerPort] = (await freePorts(2)) as [number, number];
      const peer = await answeringPeer(peerPort);
      try {
        const n = await node('ss-y', self, peerPort, { statestore_ha_preemption_wait_period_ms: 900 }, false);
        const started = Date.now();
        n.runner.start();
        await n.runner.settled();
        expect(peer.arrivals).toHaveLength(1);
        expect((peer.arrivals[0] ?? 0) - started).toBeLessThan(290);
      } finally {
        await peer.server.shutdown(0);
      }
    });
  });

  it('refuses an HA heartbeat addressed to another statestored with UNAVAILABLE', async () => {
    const { low } = await pair();
    const err = (() => {
      try {
        low.runner.heartbeat({ protocolVersion: CURRENT_PROTOCOL_VERSION, dstStatestoreId: 'someone-else', srcStatestoreId: 'ss-high', srcEpoch: 0 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(HaRpcError);
    expect(err).toMatchObject({ code: status.UNAVAILABLE });
  });

  it('refuses handshakes while the debug action has the network disabled', async () => {
    const { low } = await pair();
    low.core.setNetworkDisabled(true);
    expect(() =>
      low.runner.handshake({ srcProtocolVersion: CURRENT_PROTOCOL_VERSION, srcStatestoreId: 'x', srcStatestoreAddress: '127.0.0.1:1', srcForceActive: false, srcEpoch: 0, srcIsActive: false }),
    ).toThrow(HaRpcError);
  });
});

describe('haPeerService', () => {
  it('refuses a peer with an older protocol version with FAILED_PRECONDITION', async () => {
    const [a, b] = (await freePorts(2)) as [number, number];
    const n = await node('ss-x', a, b, {}, false);
    let answer: { code?: number } | null | undefined;
    haPeerService(n.runner).statestoreHaHandshake(
      { request: { srcProtocolVersion: CURRENT_PROTOCOL_VERSION - 1, srcStatestoreId: 'y', srcStatestoreAddress: '', srcForceActive: false, srcEpoch: 0, srcIsActive: false } } as never,
      (err) => {
        answer = err;
      },
    );
    expect(answer?.code).toBe(status.FAILED_PRECONDITION);
  });
});
