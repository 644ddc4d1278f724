import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { credentials } from '@grpc/grpc-js';
import { StatestoreServiceClient, SubscriberType } from '@statestore-ha/proto';
import { ActiveTracker, GrpcStatestoreLink, StatestoreSubscriber, type SubscribedTopic, type SubscriberLogger, type SubscriberObserver, type TopicUpdate } from '@statestore-ha/subscriber';
import { PROBE_PREFIX, wallNow, type FromGenerator, type GeneratorConfig, type GeneratorStats, type ToGenerator } from './scale-protocol';

/**
 * A load generator of the scale benchmark, run as a child process of the harness
 * (`main.js scale-generator`, with an IPC channel): `count` impalad-like subscribers, each with its
 * own bidi stream (StatestoreSubscriber + GrpcStatestoreLink), sharing `channels` gRPC
 * connections. Each subscribes to impala-membership (coordinators also to catalog-update) and
 * publishes its own transient membership entry, as an impalad does.
 *
 * Memory: N views of N membership entries are N^2 entries (10k subscribers: 10^8, tens of GB
 * across the generators). Every update is still decoded and applied to each subscriber's
 * TopicView (versions, resync checks, answers: what the statestored sees is unchanged), but the
 * membership handler then deletes the entries that changed from the view, keeping only the
 * probe entries (so a probe's tombstone still shows up as a change).
 */

const MEMBERSHIP = 'impala-membership';
const CATALOG = 'catalog-update';
const MAX_MESSAGE_BYTES = 512 * 1024 * 1024;
const HEALTH_POLL_MS = 500;

interface Member {
  sub: StatestoreSubscriber;
  registrations: number;
  sampled: boolean;
  lateSeen: boolean;
}

function send(msg: FromGenerator): void {
  process.send?.(msg);
}

/** The channel options of libs/subscriber's grpcChannel, plus a pool of its own so each channel is its own TCP connection. */
function channel(host: string, port: number): StatestoreServiceClient {
  return new StatestoreServiceClient(`${host}:${port}`, credentials.createInsecure(), {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': 10_000,
    'grpc.keepalive_timeout_ms': 5_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 2_000,
    'grpc.use_local_subchannel_pool': 1,
  });
}

export async function scaleGenerator(): Promise<void> {
  if (!process.send) throw new Error('scale-generator runs as a child of `bench scale` (it needs an IPC channel)');
  const members: Member[] = [];
  const probes = new Map<string, StatestoreSubscriber>();
  let cfg: GeneratorConfig | undefined;
  let clients: StatestoreServiceClient[] = [];
  let registered = 0;
  let registeredNow = 0;
  let reRegistrations = 0;
  let linksLost = 0;
  let failedAttempts = 0;
  let maxAgeS = 0;
  let lastFirstRegistrationAt: number | undefined;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();

  const quietLog = (onWarn?: (msg: string) => void): SubscriberLogger => ({
    info: () => undefined,
    debug: (_o, msg) => {
      if (msg === 'registration attempt failed') failedAttempts++;
    },
    warn: (_o, msg) => {
      if (msg === 'registration attempt failed') failedAttempts++;
      onWarn?.(msg);
    },
  });

  const makeSubscriber = (id: string, coordinator: boolean, observer: SubscriberObserver, clientIndex: number): StatestoreSubscriber => {
    const c = cfg as GeneratorConfig;
    const topics: SubscribedTopic[] = [{ topicName: MEMBERSHIP, isTransient: true, populateMinSubscriberTopicVersion: false }];
    if (coordinator) topics.push({ topicName: CATALOG, isTransient: true, populateMinSubscriberTopicVersion: true, filterPrefix: '1:' });
    const client = clients[clientIndex % clients.length] as StatestoreServiceClient;
    return new StatestoreSubscriber({
      subscriberId: id,
      subscriberType: coordinator ? SubscriberType.SUBSCRIBER_TYPE_COORDINATOR : SubscriberType.SUBSCRIBER_TYPE_EXECUTOR,
      location: { hostname: id.slice('impalad@'.length, id.lastIndexOf(':')), port: 23000 },
      topics,
      statestores: [{ address: `${c.host}:${c.port}`, linkFactory: () => new GrpcStatestoreLink(client) }],
      // Impala's subscriber defaults: 30 s timeout and grace, retries every 3 s, forever at startup.
      tracker: new ActiveTracker({ haEnabled: false, subscriberTimeoutMs: 30_000, recoveryGracePeriodMs: 30_000 }, Date.now()),
      heartbeatTimeoutMs: 30_000,
      backoff: { startingDelayMs: 100, maxDelayMs: 3000 },
      startupAttempts: Number.POSITIVE_INFINITY,
      subscribeCatalogdChange: coordinator,
      log: quietLog(),
      observer,
    });
  };

  /** Drops what changed from the view (see the file comment); reports probe keys for sampled subscribers. */
  const membershipHandler = (sampled: boolean) => (u: TopicUpdate) => {
    const entries = u.entries as Map<string, Uint8Array>;
    for (const item of u.changed) {
      const probe = item.key.startsWith(PROBE_PREFIX);
      if (probe && sampled) send({ type: 'seen', key: item.key, deleted: item.deleted, at: wallNow() });
      if (!probe) entries.delete(item.key);
    }
  };

  const entryValue = (id: string, coordinator: boolean): Uint8Array =>
    new TextEncoder().encode(JSON.stringify({ address: `${id.slice('impalad@'.length)}`, isCoordinator: coordinator, isExecutor: true }));

  const startMember = (i: number): void => {
    const c = cfg as GeneratorConfig;
    const coordinator = i % c.coordinatorEvery === 0;
    const sampled = i % c.sampleEvery === 0;
    const id = `impalad@scale-${String(i).padStart(5, '0')}:27000`;
    const m: Member = { sub: undefined as unknown as StatestoreSubscriber, registrations: 0, sampled, lateSeen: false };
    const observer: SubscriberObserver = {
      connected: (_i, up) => {
        if (up) registeredNow++;
        else {
          registeredNow--;
          linksLost++;
        }
      },
      registered: () => {
        m.registrations++;
        if (m.registrations === 1) {
          registered++;
          lastFirstRegistrationAt = wallNow();
        } else reRegistrations++;
      },
      activeChanged: () => undefined,
      resyncRequested: () => undefined,
      staleEpochRejected: () => undefined,
    };
    m.sub = makeSubscriber(id, coordinator, observer, i);
    m.sub.onTopicUpdate(MEMBERSHIP, membershipHandler(sampled));
    void m.sub.setEntry(MEMBERSHIP, id, entryValue(id, coordinator));
    m.sub.start();
    members.push(m);
  };

  const stats = (): GeneratorStats => ({
    started: members.length,
    registered,
    registeredNow,
    reRegistrations,
    linksLost,
    lateHeartbeatSubscribers: members.filter((m) => m.lateSeen).length,
    maxHeartbeatAgeS: maxAgeS,
    failedAttempts,
    sampled: members.filter((m) => m.sampled).length,
    rssBytes: Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024,
    lastFirstRegistrationAt,
    loopLagP99Ms: loopDelay.percentile(99) / 1e6,
    loopLagMaxMs: loopDelay.max / 1e6,
  });

  const noObserver: SubscriberObserver = {
    connected: () => undefined,
    registered: () => undefined,
    activeChanged: () => undefined,
    resyncRequested: () => undefined,
    staleEpochRejected: () => undefined,
  };

  process.on('message', (raw: ToGenerator) => {
    try {
      switch (raw.type) {
        case 'start': {
          cfg = raw.config;
          const c = cfg;
          clients = Array.from({ length: c.channels }, () => channel(c.host, c.port));
          let next = 0;
          const startSome = (k: number): void => {
            for (let j = 0; j < k && next < c.count; j++) startMember(c.first + next++);
          };
          if (c.startPerSecond <= 0) startSome(c.count);
          else {
            // 20 batches a second, from absolute deadlines so a slow batch does not slow the ramp.
            const t0 = Date.now();
            const timer = setInterval(() => {
              const due = Math.min(c.count, Math.floor(((Date.now() - t0) / 1000) * c.startPerSecond) + 1);
              startSome(due - next);
              if (next >= c.count) clearInterval(timer);
            }, 50);
          }
          const progress = setInterval(() => send({ type: 'progress', registered, started: members.length }), 250);
          progress.unref();
          const health = setInterval(() => {
            for (const m of members) {
              if (m.registrations === 0) continue;
              const age = m.sub.heartbeatAgeSeconds(1);
              if (age === undefined) continue;
              if (age > maxAgeS) maxAgeS = age;
              if (age > c.lateHeartbeatS) m.lateSeen = true;
            }
          }, HEALTH_POLL_MS);
          health.unref();
          return;
        }
        case 'join': {
          // A late impalad: its entry goes out with its answer to the first (full) update.
          const id = raw.key;
          const sub = makeSubscriber(id, false, noObserver, probes.size);
          void sub.setEntry(MEMBERSHIP, id, entryValue(id, false));
          probes.set(id, sub);
          send({ type: 'joined', key: id, at: wallNow() });
          sub.start();
          return;
        }
        case 'leave': {
          const sub = probes.get(raw.key);
          probes.delete(raw.key);
          send({ type: 'left', key: raw.key, at: wallNow() });
          // Unregister: the statestored deletes its transient entry at once.
          void sub?.stop();
          return;
        }
        case 'stats':
          send({ type: 'stats', stats: stats() });
          return;
        case 'resetHealth':
          linksLost = 0;
          maxAgeS = 0;
          for (const m of members) m.lateSeen = false;
          loopDelay.reset();
          send({ type: 'stats', stats: stats() });
          return;
      }
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  });
  // The harness going away (even by SIGKILL) closes the IPC channel: nothing is left behind.
  process.on('disconnect', () => process.exit(0));
  await new Promise<never>(() => undefined);
}
