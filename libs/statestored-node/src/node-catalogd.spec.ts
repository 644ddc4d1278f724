/**
 * The statestored's side of catalogd HA on the pure node (Impala: StatestoreCatalogdMgr,
 * SendUpdateCatalogdNotification, the registration reply's catalogd fields, /catalog_ha_info):
 * what the deleted apps/statestored catalogd-ha-runner.spec.ts and registration-reply.spec.ts
 * asserted, driven through startNode/step with no sockets or timers.
 */
import type { LinkId, UpMessage } from './messages';
import type { StatestoredNodeFlags } from './node-config';
import type { NodeEffect, NoticeResult } from './node-effects';
import { activeEpochOf, catalogHaInfoPage, designatedCatalogd, roleOf } from './node-queries';
import { CATALOG, FAST_HA_FLAGS, LOST_ACTIVE, Rig, T0, activePeer, effectsOf, noticeCount, sent, type Script } from './node-rig.spec-helper';

// ---- catalogds and their listeners --------------------------------------------------------------

const RESEND = 100;
const NOTICE_TIMEOUT = 1000;
const CAT_FLAGS: Partial<StatestoredNodeFlags> = {
  enable_catalogd_ha: true,
  catalogd_ha_preemption_wait_period_ms: 10_000,
  active_catalogd_designation_monitoring_interval_ms: 100,
  update_catalogd_rpc_resend_interval_ms: RESEND,
  statestore_update_catalogd_tcp_timeout_seconds: NOTICE_TIMEOUT / 1000,
  statestore_update_frequency_ms: 500,
  statestore_priority_update_frequency_ms: 50,
  // Heartbeats far apart: these specs are about notifications.
  statestore_heartbeat_frequency_ms: 60_000,
  statestore_heartbeat_tcp_timeout_seconds: 120,
};

const catalogdId = (port: number): string => `catalog-server@h:${port}`;
const coordId = (n: number): string => `impalad@h:${27000 + n}`;

function catalogd(r: Rig, link: LinkId, port: number, o: { force?: boolean; ha?: boolean } = {}, script: Script = {}): NodeEffect[] {
  const ha = o.ha ?? true;
  return r.register(
    link,
    {
      subscriberId: catalogdId(port),
      subscriberType: 'CATALOGD',
      location: { hostname: 'h', port: 23020 },
      topics: [{ topicName: CATALOG, isTransient: false, populateMinSubscriberTopicVersion: false }],
      subscribeCatalogdChange: ha,
      catalogdRegistration: { protocol: 0, address: { hostname: 'h', port }, enableCatalogdHa: ha, forceCatalogdActive: o.force ?? false, registrationTimeMs: 0 },
    },
    script,
  );
}

function coordinator(r: Rig, link: LinkId, n: number, script: Script = {}): NodeEffect[] {
  return r.register(
    link,
    { subscriberId: coordId(n), location: { hostname: 'h', port: 23000 + n }, topics: [{ topicName: CATALOG, isTransient: false, populateMinSubscriberTopicVersion: true }], subscribeCatalogdChange: true },
    script,
  );
}

function executor(r: Rig, link: LinkId, n: number): NodeEffect[] {
  return r.register(link, { subscriberId: `impalad@h:${28000 + n}`, subscriberType: 'EXECUTOR', topics: [{ topicName: CATALOG, isTransient: false, populateMinSubscriberTopicVersion: false }] });
}

/** Catalogd notifications in `fx`, as [link, version, active catalogd port]. */
const notified = (fx: readonly NodeEffect[]): Array<[LinkId, number, number | undefined]> =>
  fx.flatMap((e) => (e.kind === 'send' && e.msg.kind === 'catalogd' ? [[e.link, e.msg.version, e.msg.registration.address?.port] as [LinkId, number, number | undefined]] : []));

const catalogdNotices = (fx: readonly NodeEffect[], result: NoticeResult): number => noticeCount(fx, 'catalogd', result);

const catalogdAnswer = (catalogdVersion: number, skipped = false): UpMessage => ({ kind: 'catalogd', catalogdVersion, skipped });

/** Links that got a topic update in `fx`. */
const updatedLinks = (fx: readonly NodeEffect[]): LinkId[] => [...new Set(fx.flatMap((e) => (e.kind === 'send' && e.msg.kind === 'updateState' ? [e.link] : [])))].sort();

describe('catalogd election and notifications', () => {
  it('designates the lower subscriber id, tells every subscriber with subscribe_catalogd_change, and keeps the standby catalogd off topic updates', () => {
    const r = new Rig(CAT_FLAGS);
    coordinator(r, 1, 1);
    executor(r, 2, 1);
    expect(notified(catalogd(r, 3, 26001))).toEqual([]); // a lone catalogd waits for a second one
    const fx = catalogd(r, 4, 26000);
    expect(effectsOf(fx, 'catalogdDesignated')).toMatchObject([
      { active: { subscriberId: catalogdId(26000), address: 'h:26000' }, standby: { subscriberId: catalogdId(26001) }, reason: 'priority', version: T0 },
    ]);
    // Stamped from the clock, so a restarted statestored's designation is newer than any before it.
    expect(effectsOf(fx, 'catalogdVersionStamped')).toEqual([{ kind: 'catalogdVersionStamped', version: T0 }]);
    expect(notified(fx).sort()).toEqual([
      [1, T0, 26000],
      [3, T0, 26000],
      [4, T0, 26000],
    ]);
    expect(sent(fx, 1, 'catalogd')).toEqual([
      {
        kind: 'catalogd',
        version: T0,
        registration: { protocol: 0, address: { hostname: 'h', port: 26000 }, enableCatalogdHa: true, forceCatalogdActive: false, registrationTimeMs: T0 },
        activeEpoch: 0,
      },
    ]);
    // Only the active catalogd (and everyone else) gets topic updates.
    expect(updatedLinks(r.advance(100))).toEqual([1, 2, 4]);
  });

  it('leaves the standby catalogd out of min_subscriber_topic_version', () => {
    const r = new Rig(CAT_FLAGS);
    coordinator(r, 1, 1);
    catalogd(r, 2, 26001);
    catalogd(r, 3, 26000);
    r.up(3, { kind: 'publish', seq: 1, writes: [{ topicName: CATALOG, entries: [{ key: 'k1', value: new Uint8Array([1]), deleted: false }], isDelta: true }] });
    for (const u of r.advance(100)) if (u.kind === 'send' && u.msg.kind === 'updateState') r.up(u.link, { kind: 'updateState', seq: u.msg.seq, writes: [], skipped: false, staleEpoch: false, highestEpochSeen: 0 });
    // The standby (link 2) never acknowledged anything, and does not hold the minimum back.
    expect(r.state.topics.subscriber(catalogdId(26001))?.topics.get(CATALOG)?.lastVersion).toBe(0);
    expect(r.state.topics.minSubscriberTopicVersion(CATALOG)).toBe(1);
  });

  it('tries again a resend interval after a skipped answer or a failed attempt; an unanswered one waits for its deadline', () => {
    const r = new Rig(CAT_FLAGS);
    for (const n of [1, 2, 3]) coordinator(r, n, n);
    let fx = catalogd(r, 4, 26000, { force: true });
    const version = notified(fx)[0]?.[1] ?? -1;
    expect(notified(fx).map((n) => n[0]).sort()).toEqual([1, 2, 3, 4]);
    const sentAt = r.now;
    r.up(1, catalogdAnswer(version));
    r.up(2, catalogdAnswer(version, true));
    r.up(4, catalogdAnswer(version));
    fx = r.advance(RESEND);
    // The skipped one goes again; the unanswered one is still within its deadline.
    expect(notified(fx).map((n) => n[0])).toEqual([2]);
    r.up(2, catalogdAnswer(version));
    r.step({ kind: 'linkClosed', link: 3 });
    // Its stream ended: that attempt failed, and the retries fail until it is back.
    fx = r.advance(RESEND);
    expect(catalogdNotices(fx, 'failed')).toBe(1);
    expect(notified(fx)).toEqual([]);
    expect(r.now - sentAt).toBeLessThan(NOTICE_TIMEOUT);
    // An answer to an older designation does not settle the current one.
    const page = (): { notified_subscribers: Array<{ id: string }>; pending_notifications: number } => catalogHaInfoPage(r.state) as never;
    expect(page().pending_notifications).toBe(1);
    expect(page().notified_subscribers.map((n) => n.id).sort()).toEqual([catalogdId(26000), coordId(1), coordId(2)].sort());
  });

  it('an attempt unanswered past statestore_update_catalogd_tcp_timeout_seconds fails and goes again a resend interval later; an older version answers nothing', () => {
    const r = new Rig(CAT_FLAGS);
    coordinator(r, 1, 1);
    let fx = catalogd(r, 2, 26000, { force: true }, { catalogd: true });
    const version = notified(fx)[0]?.[1] ?? -1;
    const sentAt = r.now;
    fx = r.until((e) => e.kind === 'notices', 2 * NOTICE_TIMEOUT);
    expect(r.now - sentAt).toBe(NOTICE_TIMEOUT);
    expect(catalogdNotices(fx, 'failed')).toBe(1);
    fx = r.until((e) => e.kind === 'send' && e.msg.kind === 'catalogd', RESEND);
    expect(r.now - sentAt).toBe(NOTICE_TIMEOUT + RESEND);
    expect(notified(fx)).toEqual([[1, version, 26000]]);
    fx = r.up(1, catalogdAnswer(version - 1));
    expect(catalogdNotices(fx, 'ok')).toBe(1);
    expect((catalogHaInfoPage(r.state) as { pending_notifications: number }).pending_notifications).toBe(1);
    fx = r.up(1, catalogdAnswer(version));
    expect(effectsOf(fx, 'noticeRoundDone')).toMatchObject([{ notice: 'catalogd', value: version, durationMs: NOTICE_TIMEOUT + RESEND }]);
  });

  it('fails over to the standby when the active unregisters, but not when it registers again', () => {
    const r = new Rig(CAT_FLAGS);
    coordinator(r, 1, 1);
    catalogd(r, 2, 26000);
    catalogd(r, 3, 26001);
    expect(designatedCatalogd(r.state)?.subscriberId).toBe(catalogdId(26000));
    // A re-registration (the link broke and came back) leaves the active in place; only the newcomer is told.
    let fx = catalogd(r, 4, 26000);
    expect(effectsOf(fx, 'catalogdDesignated')).toEqual([]);
    expect(notified(fx)).toEqual([[4, T0, 26000]]);
    expect(designatedCatalogd(r.state)?.subscriberId).toBe(catalogdId(26000));
    expect(updatedLinks(r.advance(100))).toEqual([1, 4]);
    // The old registration's stream is nobody's now: what comes on it changes nothing.
    expect(effectsOf(r.up(2, { kind: 'unregister' }), 'catalogdDesignated')).toEqual([]);
    r.advance(5);
    fx = r.up(4, { kind: 'unregister' });
    expect(effectsOf(fx, 'catalogdDesignated')).toMatchObject([{ active: { subscriberId: catalogdId(26001) }, reason: 'failover', version: r.now }]);
    expect(notified(fx).sort()).toEqual([
      [1, r.now, 26001],
      [3, r.now, 26001],
    ]);
    expect(updatedLinks(r.advance(600))).toContain(3);
  });

  it('stamps a designation in the same millisecond one above the previous', () => {
    const r = new Rig(CAT_FLAGS);
    catalogd(r, 1, 26000);
    catalogd(r, 2, 26001);
    const fx = r.up(1, { kind: 'unregister' });
    expect(effectsOf(fx, 'catalogdDesignated')).toMatchObject([{ reason: 'failover', version: T0 + 1 }]);
  });

  it('a lone catalogd becomes active once catalogd_ha_preemption_wait_period_ms is over', () => {
    const r = new Rig({ ...CAT_FLAGS, catalogd_ha_preemption_wait_period_ms: 500 });
    coordinator(r, 1, 1);
    catalogd(r, 2, 26000);
    let fx = r.advance(499);
    expect(updatedLinks(fx)).toEqual([1]);
    expect(designatedCatalogd(r.state)).toBeNull();
    fx = r.advance(1);
    expect(effectsOf(fx, 'catalogdDesignated')).toMatchObject([{ active: { subscriberId: catalogdId(26000) }, reason: 'preemptionWaitExpired' }]);
    expect(notified(fx).map((n) => n[0]).sort()).toEqual([1, 2]);
    expect(updatedLinks(r.advance(100))).toContain(2);
  });

  it('without --enable_catalogd_ha every catalogd is active at once, nobody is kept off updates, and there is no page', () => {
    const r = new Rig({ ...CAT_FLAGS, enable_catalogd_ha: false });
    coordinator(r, 1, 1);
    const fx = catalogd(r, 2, 26000, { ha: false });
    expect(effectsOf(fx, 'catalogdDesignated')).toMatchObject([{ reason: 'haDisabled', version: T0 }]);
    expect(notified(fx)).toEqual([[1, T0, 26000]]);
    catalogd(r, 3, 26001, { ha: false });
    expect(updatedLinks(r.advance(100))).toEqual([1, 2, 3]);
    expect(catalogHaInfoPage(r.state)).toBeUndefined();
  });
});

describe('--debug_actions=SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT', () => {
  it('FAIL@1.0: every first attempt of a designation fails and is counted; the resend delivers it unhindered; a newcomer is told at once; the next designation is a new round', () => {
    const r = new Rig({ ...CAT_FLAGS, debug_actions: 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT:FAIL@1.0' });
    coordinator(r, 1, 1);
    catalogd(r, 2, 26001);
    let fx = catalogd(r, 3, 26000);
    expect(notified(fx)).toEqual([]);
    expect(effectsOf(fx, 'debugActionApplied')).toEqual([
      { kind: 'debugActionApplied', label: 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT', entry: 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT:FAIL@1', failed: 3, delayed: 0, notice: 'catalogd', value: T0 },
    ]);
    expect(catalogdNotices(fx, 'failed')).toBe(3);
    fx = r.advance(RESEND);
    expect(notified(fx).map((n) => n[0]).sort()).toEqual([1, 2, 3]);
    expect(effectsOf(fx, 'debugActionApplied')).toEqual([]);
    let ok = 0;
    for (const [link, version] of notified(fx)) ok += catalogdNotices(r.up(link, catalogdAnswer(version)), 'ok');
    expect(ok).toBe(3);
    // A newcomer learns the designation at registration: not a first pass either.
    fx = coordinator(r, 4, 2);
    expect(notified(fx).map((n) => n[0])).toEqual([4]);
    expect(effectsOf(fx, 'debugActionApplied')).toEqual([]);
    // The next designation is a new round: its first attempts go through the debug action again.
    fx = r.up(3, { kind: 'unregister' });
    expect(notified(fx)).toEqual([]);
    expect(effectsOf(fx, 'debugActionApplied')).toMatchObject([{ failed: 3, delayed: 0 }]);
  });

  it('SLEEP@ms: the first attempts go out after the delay, and nothing reaches the receivers meanwhile', () => {
    const r = new Rig({ ...CAT_FLAGS, debug_actions: 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT:SLEEP@500' });
    coordinator(r, 1, 1);
    let fx = catalogd(r, 2, 26000, { force: true });
    expect(notified(fx)).toEqual([]);
    expect(effectsOf(fx, 'debugActionApplied')).toMatchObject([{ failed: 0, delayed: 2 }]);
    fx = r.advance(499);
    expect(notified(fx)).toEqual([]);
    fx = r.advance(1);
    expect(notified(fx).map((n) => n[0]).sort()).toEqual([1, 2]);
    // Unanswered: from now on the ordinary deadline and resend take over.
    fx = r.advance(NOTICE_TIMEOUT + RESEND);
    expect(notified(fx).map((n) => n[0]).sort()).toEqual([1, 2]);
  });

  it('a delayed first attempt is dropped when its receiver leaves or a newer designation starts', () => {
    const r = new Rig({ ...CAT_FLAGS, debug_actions: 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT:SLEEP@500' });
    coordinator(r, 1, 1);
    catalogd(r, 2, 26000);
    catalogd(r, 3, 26001);
    r.up(1, { kind: 'unregister' });
    r.advance(499);
    // A forced catalogd: a new designation and round.
    catalogd(r, 4, 26002, { force: true });
    let fx = r.advance(1);
    expect(notified(fx)).toEqual([]);
    fx = r.advance(500);
    const sentNow = notified(fx);
    expect(sentNow.map((n) => n[0]).sort()).toEqual([2, 3, 4]);
    expect(sentNow.every((n) => n[2] === 26002)).toBe(true);
  });
});

describe('the registration reply: the active catalogd', () => {
  it('the active statestored names the designated catalogd and the version of its designation', () => {
    const r = new Rig(CAT_FLAGS);
    // The first catalogd registered before any designation: its reply names none.
    expect(sent(catalogd(r, 1, 26001), 1, 'registered')[0]?.catalogd).toBeUndefined();
    r.advance(3);
    const fx = catalogd(r, 2, 26000);
    const designation = (catalogHaInfoPage(r.state) as { active_catalogd_version: number }).active_catalogd_version;
    expect(designation).toBe(T0 + 3);
    expect(sent(fx, 2, 'catalogd').map((n) => n.version)).toEqual([designation]);
    r.advance(10);
    const [reply] = sent(coordinator(r, 3, 1), 3, 'registered');
    expect(reply).toMatchObject({ isActive: true, activeEpoch: 0 });
    expect(reply?.catalogd).toEqual({
      registration: { protocol: 0, address: { hostname: 'h', port: 26000 }, enableCatalogdHa: true, forceCatalogdActive: false, registrationTimeMs: T0 + 3 },
      version: designation,
    });
  });

  it('a restarted active catalogd is named in its own reply: it learns it is still the active one', () => {
    const r = new Rig(CAT_FLAGS);
    catalogd(r, 1, 26001);
    catalogd(r, 2, 26000);
    r.advance(1000);
    const [reply] = sent(catalogd(r, 3, 26000), 3, 'registered');
    expect(reply?.catalogd).toMatchObject({ version: T0, registration: { address: { port: 26000 }, registrationTimeMs: T0 + 1000 } });
    expect((catalogHaInfoPage(r.state) as { active_catalogd_version: number }).active_catalogd_version).toBe(T0);
  });

  it('no active catalogd yet (a lone one inside the preemption wait): no catalogd fields', () => {
    const r = new Rig(CAT_FLAGS);
    catalogd(r, 1, 26000);
    expect(sent(coordinator(r, 2, 1), 2, 'registered')[0]?.catalogd).toBeUndefined();
  });

  it('without --enable_catalogd_ha the lone catalogd is active at once and named in later replies', () => {
    const r = new Rig({ ...CAT_FLAGS, enable_catalogd_ha: false });
    catalogd(r, 1, 26000, { ha: false });
    expect(sent(coordinator(r, 2, 1), 2, 'registered')[0]?.catalogd).toMatchObject({ version: T0, registration: { address: { port: 26000 }, enableCatalogdHa: false } });
  });
});

describe('catalogd HA across statestored roles', () => {
  const HA: Partial<StatestoredNodeFlags> = { ...CAT_FLAGS, ...FAST_HA_FLAGS };

  it('a standby statestored sends nothing and names no catalogd; once active it tells everyone again under a newer version', () => {
    const r = new Rig(HA, activePeer(4));
    expect(roleOf(r.state)).toBe('standby');
    r.peer = null;
    let fx = [...coordinator(r, 1, 1, LOST_ACTIVE), ...catalogd(r, 2, 26000, { force: true }, LOST_ACTIVE)];
    // It runs the election all the same: it is ready to send the moment it is active.
    expect(designatedCatalogd(r.state)?.subscriberId).toBe(catalogdId(26000));
    expect(notified(fx)).toEqual([]);
    expect(sent(coordinator(r, 3, 2, LOST_ACTIVE), 3, 'registered')[0]).toMatchObject({ isActive: false, catalogd: undefined });
    expect(catalogHaInfoPage(r.state)).toEqual({ is_active_statestored: false, message: 'The current statestored is inactive.' });
    fx = r.until((e) => e.kind === 'roleChanged' && e.to === 'active', 3000);
    const epoch = activeEpochOf(r.state);
    expect(notified(fx).sort()).toEqual([
      [1, r.now, 26000],
      [2, r.now, 26000],
      [3, r.now, 26000],
    ]);
    expect(sent(fx, 1, 'catalogd')[0]?.activeEpoch).toBe(epoch);
    expect(sent(coordinator(r, 4, 3), 4, 'registered')[0]?.catalogd).toMatchObject({ version: r.now, registration: { forceCatalogdActive: true } });
    // Still active under the same epoch: nothing new to say.
    for (const link of [1, 2, 3]) r.scripts.set(link, { heartbeats: { connState: 'OK', highestEpochSeen: epoch }, catalogd: true });
    fx = r.advance(NOTICE_TIMEOUT * 2);
    expect(effectsOf(fx, 'noticeRoundStarted').filter((n) => n.notice === 'catalogd')).toEqual([]);
    // A fresh epoch (a newer one nobody claims) is a new term: the designation goes out again, one version up.
    const before = (catalogHaInfoPage(r.state) as { active_catalogd_version: number }).active_catalogd_version;
    fx = r.step({ kind: 'haHandshakeRequested', protocolVersion: 1, request: { statestoreId: 'peer', address: 'ss-b:24020', forceActive: false, isActive: false, epoch: epoch + 10 } });
    const fresh = activeEpochOf(r.state);
    expect(fresh).toBeGreaterThan(epoch + 10);
    const again = fx.flatMap((e) => (e.kind === 'send' && e.msg.kind === 'catalogd' ? [[e.msg.version, e.msg.activeEpoch]] : []));
    expect(again).toHaveLength(4);
    expect(again.every(([v, e]) => v === Math.max(before + 1, r.now) && e === fresh)).toBe(true);
  });
});

describe('catalogHaInfoPage', () => {
  it("shows Impala's fields for the active and standby catalogd, pending and notified subscribers", () => {
    const r = new Rig(CAT_FLAGS);
    coordinator(r, 1, 1, { catalogd: true });
    catalogd(r, 2, 26001);
    catalogd(r, 3, 26000);
    expect(catalogHaInfoPage(r.state)).toEqual({
      is_active_statestored: true,
      has_active_catalogd: true,
      active_catalogd_version: T0,
      num_designations: 1,
      active_catalogd_subscriber_id: catalogdId(26000),
      active_catalogd_address: 'h:26000',
      active_catalogd_protocol: 0,
      active_catalogd_enable_catalogd_ha: true,
      active_catalogd_force_catalogd_active: false,
      active_catalogd_registration_time: new Date(T0).toISOString(),
      standby_catalogd_subscriber_id: catalogdId(26001),
      standby_catalogd_address: 'h:26001',
      standby_catalogd_protocol: 0,
      standby_catalogd_enable_catalogd_ha: true,
      standby_catalogd_force_catalogd_active: false,
      standby_catalogd_registration_time: new Date(T0).toISOString(),
      pending_notifications: 2,
      notified_subscribers: [
        { id: coordId(1), address: 'h:23001', registration_id: 'reg-1', subscriber_type: 'COORDINATOR', catalogd_version: T0, last_update_catalogd_time: new Date(T0).toISOString() },
      ],
    });
  });

  it('shows no catalogd before a designation', () => {
    const r = new Rig(CAT_FLAGS);
    catalogd(r, 1, 26000);
    expect(catalogHaInfoPage(r.state)).toMatchObject({ is_active_statestored: true, has_active_catalogd: false, active_catalogd_address: null, num_designations: 0 });
  });
});
