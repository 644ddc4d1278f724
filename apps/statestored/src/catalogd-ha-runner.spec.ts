import { createLogger } from '@statestore-ha/daemon';
import { createRegistry, createStatestoredMetrics, type StatestoredMetrics } from '@statestore-ha/metrics';
import { SubscriberType, type CatalogdNotification, type StatestoreMessage } from '@statestore-ha/proto';
import { CatalogdHaRunner, type CatalogdHaCore, type CatalogdHaHooks } from './catalogd-ha-runner';
import type { DebugActionHook } from './first-attempt';
import type { NotificationListener } from './statestore';
import { SubscriberSession, type SessionLink } from './subscriber-session';

const link: SessionLink = { send: () => true, onDrain: () => undefined, close: () => undefined };

/** The core as the runner sees it: sessions, sends recorded, exclusions recorded, answers injected. */
class FakeCore implements CatalogdHaCore {
  readonly sessions = new Map<string, SubscriberSession>();
  readonly sent: Array<{ to: string; n: CatalogdNotification }> = [];
  readonly excluded = new Map<string, boolean>();
  readonly unreachable = new Set<string>();
  private readonly listeners: NotificationListener[] = [];
  hooks: CatalogdHaHooks | undefined;
  readonly topics = { setExcludedFromMinVersion: (id: string, excluded: boolean) => void this.excluded.set(id, excluded) };

  subscribers(): Iterable<SubscriberSession> {
    return this.sessions.values();
  }
  sendTo(to: string, msg: StatestoreMessage): boolean {
    if (msg.kind?.$case === 'catalogd') this.sent.push({ to, n: msg.kind.value });
    return !this.unreachable.has(to);
  }
  onNotificationAnswer(fn: NotificationListener): void {
    this.listeners.push(fn);
  }
  setCatalogdHa(hooks: CatalogdHaHooks): void {
    this.hooks = hooks;
  }
  register(s: SubscriberSession): SubscriberSession {
    // As Statestore.register: a registration of a known id first drops the old one as superseded.
    const previous = this.sessions.get(s.subscriberId);
    if (previous) this.hooks?.subscriberUnregistered(previous, true);
    this.sessions.set(s.subscriberId, s);
    this.hooks?.subscriberRegistered(s);
    return s;
  }
  unregister(s: SubscriberSession): void {
    this.sessions.delete(s.subscriberId);
    this.hooks?.subscriberUnregistered(s, false);
  }
  answer(id: string, catalogdVersion: number, skipped = false): void {
    for (const fn of this.listeners) fn(id, { $case: 'catalogd', value: { catalogdVersion, skipped } });
  }
  takeSent(): Array<{ to: string; n: CatalogdNotification }> {
    return this.sent.splice(0);
  }
}

let regSeq = 0;
function catalogd(port: number, opts: { force?: boolean; ha?: boolean; at?: number } = {}): SubscriberSession {
  return new SubscriberSession(
    `catalog-server@h:${port}`,
    `reg-${++regSeq}`,
    SubscriberType.SUBSCRIBER_TYPE_CATALOGD,
    { hostname: 'h', port: 23020 },
    false,
    true,
    opts.ha ?? true,
    { protocol: 0, address: { hostname: 'h', port }, enableCatalogdHa: opts.ha ?? true, forceCatalogdActive: opts.force ?? false, registrationTime: 0 },
    opts.at ?? 0,
    0,
    link,
  );
}

function coordinator(n: number): SubscriberSession {
  return new SubscriberSession(`impalad@h:${27000 + n}`, `reg-${++regSeq}`, SubscriberType.SUBSCRIBER_TYPE_COORDINATOR, { hostname: 'h', port: 23000 + n }, true, true, true, undefined, 0, 0, link);
}

function executor(n: number): SubscriberSession {
  return new SubscriberSession(`impalad@h:${28000 + n}`, `reg-${++regSeq}`, SubscriberType.SUBSCRIBER_TYPE_EXECUTOR, { hostname: 'h', port: 23100 + n }, true, false, false, undefined, 0, 0, link);
}

interface Setup {
  core: FakeCore;
  runner: CatalogdHaRunner;
  metrics: StatestoredMetrics;
  clock: { now: number };
  role: { active: boolean; epoch: number };
}

function setup(o: { enabled?: boolean; waitMs?: number; active?: boolean; debugAction?: DebugActionHook } = {}): Setup {
  const clock = { now: 1_000_000 };
  const role = { active: o.active ?? true, epoch: 7 };
  const metrics = createStatestoredMetrics(createRegistry('statestored'));
  const runner = new CatalogdHaRunner({
    election: { enabled: o.enabled ?? true, useSubscriberIdAsPriority: true, preemptionWaitMs: o.waitMs ?? 10_000 },
    monitoringIntervalMs: 100,
    resendIntervalMs: 100,
    role: { isActive: () => role.active, activeEpoch: () => role.epoch },
    metrics,
    log: createLogger('statestored', 'silent'),
    now: () => clock.now,
    ...(o.debugAction ? { debugAction: o.debugAction } : {}),
  });
  const core = new FakeCore();
  runner.attach(core);
  return { core, runner, metrics, clock, role };
}

const gauge = async (m: StatestoredMetrics): Promise<number | undefined> => (await m.activeCatalogdVersion.get()).values[0]?.value;
const counted = async (m: StatestoredMetrics, result: string): Promise<number | undefined> =>
  (await m.catalogdNotifications.get()).values.find((v) => v.labels['result'] === result)?.value;

describe('CatalogdHaRunner', () => {
  it('designates the lower subscriber id, tells every subscriber with subscribe_catalogd_change, and fences the standby off topic updates', async () => {
    const { core, metrics } = setup();
    const coord = core.register(coordinator(1));
    core.register(executor(1));
    const b = core.register(catalogd(26001));
    expect(core.takeSent()).toEqual([]); // a lone catalogd waits for a second one
    const a = core.register(catalogd(26000));
    const sent = core.takeSent();
    expect(sent.map((s) => s.to).sort()).toEqual([a.subscriberId, b.subscriberId, coord.subscriberId].sort());
    for (const { n } of sent) {
      expect(n.catalogdRegistration?.address).toEqual({ hostname: 'h', port: 26000 });
      expect(n.activeEpoch).toBe(7);
    }
    const version = sent[0]?.n.catalogdVersion ?? 0;
    // Stamped from the clock so a restarted statestored's designation is newer than any before it.
    expect(version).toBe(1_000_000);
    expect(await gauge(metrics)).toBe(version);
    expect(core.hooks?.receivesTopicUpdates(a)).toBe(true);
    expect(core.hooks?.receivesTopicUpdates(b)).toBe(false);
    expect(core.hooks?.receivesTopicUpdates(coord)).toBe(true);
    expect(core.excluded.get(a.subscriberId)).toBe(false);
    expect(core.excluded.get(b.subscriberId)).toBe(true);
  });

  it('resends to whoever has not answered, and to whoever answered skipped, every resend interval', async () => {
    const { core, runner, metrics } = setup();
    const c1 = core.register(coordinator(1));
    const c2 = core.register(coordinator(2));
    const c3 = core.register(coordinator(3));
    const a = core.register(catalogd(26000, { force: true }));
    const version = core.takeSent()[0]?.n.catalogdVersion ?? -1;
    core.answer(c1.subscriberId, version);
    core.answer(c2.subscriberId, version, true);
    core.answer(a.subscriberId, version);
    runner.resend();
    expect(core.takeSent().map((s) => s.to).sort()).toEqual([c2.subscriberId, c3.subscriberId].sort());
    core.unreachable.add(c3.subscriberId);
    core.answer(c2.subscriberId, version);
    runner.resend();
    expect(core.takeSent().map((s) => s.to)).toEqual([c3.subscriberId]);
    expect(await counted(metrics, 'ok')).toBe(3);
    expect(await counted(metrics, 'skipped')).toBe(1);
    expect(await counted(metrics, 'failed')).toBe(1);
    // An answer to an older designation does not settle the current one.
    core.unreachable.clear();
    core.answer(c3.subscriberId, version - 1);
    runner.resend();
    expect(core.takeSent().map((s) => s.to)).toEqual([c3.subscriberId]);
    const page = runner.page() as { notified_subscribers: Array<{ id: string }> };
    expect(page.notified_subscribers.map((n) => n.id).sort()).toEqual([a.subscriberId, c1.subscriberId, c2.subscriberId].sort());
  });

  describe('--debug_actions=SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT', () => {
    it('FAIL@1.0: every first attempt of a designation fails and is counted; the resend delivers it, and is not failed', async () => {
      const asked: string[] = [];
      const debugAction: DebugActionHook = (label) => (asked.push(label), { delayMs: 0, fail: true, injected: `${label}:FAIL@1` });
      const { core, runner, metrics } = setup({ debugAction });
      const coord = core.register(coordinator(1));
      const b = core.register(catalogd(26001));
      const a = core.register(catalogd(26000));
      expect(core.takeSent()).toEqual([]); // the round's first pass: all three failed by the hook
      expect(asked).toEqual(['SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT', 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT', 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT']);
      expect(await counted(metrics, 'failed')).toBe(3);
      runner.resend();
      const sent = core.takeSent();
      expect(sent.map((s) => s.to).sort()).toEqual([a.subscriberId, b.subscriberId, coord.subscriberId].sort());
      for (const { to, n } of sent) core.answer(to, n.catalogdVersion);
      expect(asked).toHaveLength(3); // resends do not go through the hook
      expect(await counted(metrics, 'ok')).toBe(3);
      expect(await counted(metrics, 'failed')).toBe(3); // Impala's failed-RPC test: failed == successful
      // A newcomer learns the designation at registration, which is not a first pass either.
      const coord2 = core.register(coordinator(2));
      expect(core.takeSent().map((s) => s.to)).toEqual([coord2.subscriberId]);
      expect(asked).toHaveLength(3);
      // The next designation is a new round: its first attempts go through the hook again.
      core.unregister(a);
      expect(core.takeSent()).toEqual([]);
      expect(asked).toHaveLength(6);
      expect(await counted(metrics, 'failed')).toBe(6);
    });

    it('SLEEP@ms: the first attempt goes out after the delay, and resends leave the receiver alone meanwhile', () => {
      jest.useFakeTimers();
      try {
        const { core, runner } = setup({ debugAction: () => ({ delayMs: 500, fail: false }) });
        const coord = core.register(coordinator(1));
        const a = core.register(catalogd(26000, { force: true }));
        expect(core.takeSent()).toEqual([]);
        runner.resend();
        expect(core.takeSent()).toEqual([]);
        jest.advanceTimersByTime(500);
        expect(core.takeSent().map((s) => s.to).sort()).toEqual([a.subscriberId, coord.subscriberId].sort());
        // Not answered yet: from now on the ordinary resend takes over.
        runner.resend();
        expect(core.takeSent()).toHaveLength(2);
      } finally {
        jest.useRealTimers();
      }
    });

    it('a delayed first attempt is dropped when its receiver leaves or a newer designation starts', () => {
      jest.useFakeTimers();
      try {
        const { core, runner } = setup({ debugAction: () => ({ delayMs: 500, fail: false }) });
        const coord = core.register(coordinator(1));
        core.register(catalogd(26000));
        const b = core.register(catalogd(26001));
        core.unregister(coord);
        jest.advanceTimersByTime(499);
        core.register(catalogd(26002, { force: true })); // a forced catalogd: a new designation and round
        jest.advanceTimersByTime(1);
        expect(core.takeSent()).toEqual([]); // the first round's delayed attempts were cancelled
        jest.advanceTimersByTime(500);
        const sent = core.takeSent();
        expect(sent.every((s) => s.n.catalogdRegistration?.address?.port === 26002)).toBe(true);
        expect(sent.map((s) => s.to)).toContain(b.subscriberId);
        expect(sent.map((s) => s.to)).not.toContain(coord.subscriberId);
        runner.stop();
      } finally {
        jest.useRealTimers();
      }
    });
  });

  it('fails over to the standby when the active unregisters, but not when it re-registers', () => {
    const { core, clock } = setup();
    const coord = core.register(coordinator(1));
    const a = core.register(catalogd(26000));
    const b = core.register(catalogd(26001));
    const first = core.takeSent()[0]?.n.catalogdVersion ?? 0;
    // A re-registration (the link broke and came back) leaves the active in place.
    const a2 = core.register(catalogd(26000));
    expect(core.takeSent().map((s) => s.to)).toEqual([a2.subscriberId]); // only the newcomer learns the current one
    expect(core.hooks?.receivesTopicUpdates(a2)).toBe(true);
    clock.now += 5; // the same millisecond would still give +1
    core.unregister(a2);
    const sent = core.takeSent();
    expect(sent.map((s) => s.to).sort()).toEqual([b.subscriberId, coord.subscriberId].sort());
    expect(sent[0]?.n.catalogdRegistration?.address?.port).toBe(26001);
    expect(sent[0]?.n.catalogdVersion).toBe(first + 5);
    expect(core.hooks?.receivesTopicUpdates(b)).toBe(true);
    // The stale session of the first registration is ignored.
    core.hooks?.subscriberUnregistered(a, false);
    expect(core.takeSent()).toEqual([]);
  });

  it('a standby statestored sends nothing and has no reply fields; once active it resends under a newer version', () => {
    const { core, runner, role, clock } = setup({ active: false });
    runner.start();
    try {
      const coord = core.register(coordinator(1));
      core.register(catalogd(26000, { force: true }));
      expect(core.takeSent()).toEqual([]);
      expect(core.hooks?.registerReplyFields()).toEqual({});
      expect(runner.page()).toEqual({ is_active_statestored: false, message: 'The current statestored is inactive.' });
      runner.resend();
      expect(core.takeSent()).toEqual([]);
      role.active = true;
      clock.now += 1000;
      runner.tick();
      const sent = core.takeSent();
      expect(sent.map((s) => s.to).sort()).toEqual([coord.subscriberId, 'catalog-server@h:26000'].sort());
      expect(sent[0]?.n.catalogdVersion).toBe(1_001_000);
      expect(core.hooks?.registerReplyFields()).toEqual({ catalogdRegistration: expect.objectContaining({ forceCatalogdActive: true }), catalogdVersion: 1_001_000 });
      runner.tick();
      expect(core.takeSent()).toEqual([]); // still active under the same epoch: nothing new to say
      // Stepped down and promoted again between two ticks: a new epoch is a new promotion.
      role.epoch = 9;
      runner.tick();
      expect(core.takeSent().map((s) => [s.n.catalogdVersion, s.n.activeEpoch])).toEqual([
        [1_001_001, 9],
        [1_001_001, 9],
      ]);
    } finally {
      runner.stop();
    }
  });

  it('a lone catalogd becomes active once the preemption wait is over (tick)', () => {
    const { core, runner, clock } = setup({ waitMs: 500 });
    const a = core.register(catalogd(26000));
    expect(core.hooks?.receivesTopicUpdates(a)).toBe(false);
    clock.now += 499;
    runner.tick();
    expect(core.takeSent()).toEqual([]);
    clock.now += 1;
    runner.tick();
    expect(core.takeSent().map((s) => s.to)).toEqual([a.subscriberId]);
    expect(core.hooks?.receivesTopicUpdates(a)).toBe(true);
  });

  it('without --enable_catalogd_ha every catalogd is active at once, nobody is fenced, and there is no page', () => {
    const { core, runner } = setup({ enabled: false });
    const coord = core.register(coordinator(1));
    const a = core.register(catalogd(26000, { ha: false }));
    expect(core.takeSent().map((s) => s.to)).toEqual([coord.subscriberId]);
    expect(core.hooks?.receivesTopicUpdates(a)).toBe(true);
    expect(core.excluded.size).toBe(0);
    expect(runner.page()).toBeUndefined();
  });
});
