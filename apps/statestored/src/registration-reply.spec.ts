import { createLogger } from '@statestore-ha/daemon';
import { createRegistry, createStatestoredMetrics } from '@statestore-ha/metrics';
import { CURRENT_PROTOCOL_VERSION, SubscriberType, type RegisterRequest, type RegisterResponse, type StatestoreMessage } from '@statestore-ha/proto';
import { CatalogdHaRunner } from './catalogd-ha-runner';
import { ALWAYS_ACTIVE } from './role-view';
import { Statestore } from './statestore';
import { quietObserver } from './statestore.spec-helper';
import type { SessionLink } from './subscriber-session';

// The registration reply's catalogd_registration and catalogd_version (Impala
// TRegisterSubscriberResponse fields 5 and 6) as the core and the catalogd election produce them
// together: set only when this statestored is active and an active catalogd is designated.

class RecordingLink implements SessionLink {
  readonly sent: StatestoreMessage[] = [];
  send(msg: StatestoreMessage): boolean {
    this.sent.push(msg);
    return true;
  }
  // Never congested, never closed by these specs.
  onDrain = (): void => undefined;
  close = (): void => undefined;
  reply(): RegisterResponse {
    const first = this.sent[0]?.kind;
    if (first?.$case !== 'register') throw new Error(`first message is ${String(first?.$case)}, not the registration reply`);
    return first.value;
  }
  notifications(): number[] {
    return this.sent.flatMap((m) => (m.kind?.$case === 'catalogd' ? [m.kind.value.catalogdVersion] : []));
  }
}

function rig(o: { catalogdHa?: boolean; active?: boolean; waitMs?: number } = {}) {
  const clock = { now: 5_000_000 };
  const role = { ...ALWAYS_ACTIVE, isActive: () => o.active ?? true, activeEpoch: () => 3 };
  const log = createLogger('statestored', 'silent');
  const core = new Statestore(
    {
      heartbeatFrequencyMs: 100,
      maxMissedHeartbeats: 3,
      updateFrequencyMs: 500,
      priorityUpdateFrequencyMs: 50,
      maxSubscribers: 10,
      updateTimeoutMs: 10_000,
      maxTopicValueBytes: 1024,
      enableCatalogdHa: o.catalogdHa ?? true,
    },
    role,
    quietObserver,
    log,
    () => clock.now,
    'ss-test',
  );
  const runner = new CatalogdHaRunner({
    // A wait long enough that the second catalogd's registration, not the clock, decides.
    election: { enabled: o.catalogdHa ?? true, useSubscriberIdAsPriority: true, preemptionWaitMs: o.waitMs ?? 60_000 },
    monitoringIntervalMs: 100,
    resendIntervalMs: 100,
    role,
    metrics: createStatestoredMetrics(createRegistry('statestored')),
    log,
    now: () => clock.now,
  });
  runner.attach(core);

  const register = (id: string, patch: Partial<RegisterRequest>): RecordingLink => {
    const link = new RecordingLink();
    const out = core.register(
      {
        protocolVersion: CURRENT_PROTOCOL_VERSION,
        subscriberId: id,
        subscriberLocation: { hostname: 'h', port: 23000 },
        topicRegistrations: [],
        subscriberType: SubscriberType.SUBSCRIBER_TYPE_COORDINATOR,
        subscribeCatalogdChange: true,
        highestEpochSeen: 0,
        ...patch,
      },
      link,
    );
    if ('code' in out) throw new Error(`registration rejected: ${out.message}`);
    return link;
  };
  const catalogd = (port: number, force = false): RecordingLink =>
    register(`catalog-server@h:${port}`, {
      subscriberType: SubscriberType.SUBSCRIBER_TYPE_CATALOGD,
      subscribeCatalogdChange: o.catalogdHa ?? true,
      catalogdRegistration: { protocol: 0, address: { hostname: 'h', port }, enableCatalogdHa: o.catalogdHa ?? true, forceCatalogdActive: force, registrationTime: 0 },
    });
  const coordinator = (n: number): RecordingLink => register(`impalad@h:${27000 + n}`, {});
  const version = (): number => (runner.page() as { active_catalogd_version: number } | undefined)?.active_catalogd_version ?? Number.NaN;
  return { core, runner, clock, catalogd, coordinator, version };
}

describe('registration reply: the active catalogd', () => {
  it('the active statestored names the designated catalogd and the version of its designation', () => {
    const r = rig();
    const standby = r.catalogd(26001);
    const active = r.catalogd(26000);
    // The first catalogd registered before any designation: its reply names none.
    expect(standby.reply()).not.toHaveProperty('catalogdRegistration');
    // The designation (26000 wins on subscriber id) went out as notifications ...
    const designation = r.version();
    expect(active.notifications()).toEqual([designation]);
    // ... and every later registration carries it in the reply.
    const reply = r.coordinator(1).reply();
    expect(reply).toMatchObject({ statestoreIsActive: true, activeEpoch: 3, catalogdVersion: designation });
    expect(reply.catalogdRegistration).toMatchObject({ address: { hostname: 'h', port: 26000 }, enableCatalogdHa: true, registrationTime: 5_000_000 });
  });

  it('a restarted active catalogd is named in its own reply: it learns it is still the active one', () => {
    const r = rig();
    r.catalogd(26001);
    r.catalogd(26000);
    const designation = r.version();
    r.clock.now += 1000;
    // The same subscriber id registering again supersedes the old registration; the election keeps it active.
    const again = r.catalogd(26000);
    expect(again.reply()).toMatchObject({ catalogdVersion: designation, catalogdRegistration: { address: { port: 26000 } } });
    expect(r.version()).toBe(designation);
  });

  it('no active catalogd yet (a lone one inside the preemption wait): neither field is set', () => {
    const r = rig();
    r.catalogd(26000);
    const reply = r.coordinator(1).reply();
    expect(reply.catalogdRegistration).toBeUndefined();
    expect(reply.catalogdVersion).toBeUndefined();
  });

  it('a standby statestored sets neither field, even with a catalogd it would designate', () => {
    const r = rig({ active: false });
    r.catalogd(26000, true);
    const reply = r.coordinator(1).reply();
    expect(reply.statestoreIsActive).toBe(false);
    expect(reply.catalogdRegistration).toBeUndefined();
    expect(reply.catalogdVersion).toBeUndefined();
  });

  it('without --enable_catalogd_ha the lone catalogd is active at once and named in later replies', () => {
    const r = rig({ catalogdHa: false });
    r.catalogd(26000);
    expect(r.coordinator(1).reply()).toMatchObject({ catalogdVersion: 5_000_000, catalogdRegistration: { address: { port: 26000 }, enableCatalogdHa: false } });
  });
});
