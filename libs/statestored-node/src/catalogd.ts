/**
 * The statestored's side of catalogd HA (Impala: StatestoreCatalogdMgr): libs/ha's election fed
 * with catalogd registrations, unregistrations and a tick every
 * active_catalogd_designation_monitoring_interval_ms, and its designations sent to every
 * subscriber with subscribe_catalogd_change until acknowledged (notices.ts). Only the active
 * statestored sends them. Without --enable_catalogd_ha every registering catalogd is the active
 * one and nobody is excluded, so nothing changes for a cluster with one catalogd.
 */
import { activeCatalogd, initialCatalogdElection, stepCatalogd, type CatalogdElectionConfig, type CatalogdEvent, type Epoch } from '@statestore-ha/ha';
import type { CatalogdRegistration, DownMessage } from './messages';
import type { NodeEffect } from './node-effects';
import type { CatalogdState, NodeState, SubscriberEntry } from './node-state';
import { addReceiver, answered, endRound, forget, resendDue, startRound } from './notices';
import { noticeContext } from './links';
import { nodeActiveEpoch, nodeIsActive } from './role-queries';

export function initialCatalogdState(config: CatalogdElectionConfig): CatalogdState {
  return { election: initialCatalogdElection(config), wireVersion: 0, notified: new Map(), designatedUnder: null };
}

/** CheckActiveCatalog(): promotes a lone catalogd once the preemption wait is over. */
export function catalogdTick(s: NodeState, now: number, out: NodeEffect[]): void {
  feedElection(s, { kind: 'tick' }, now, out);
}

/** Every update_catalogd_rpc_resend_interval_ms: failed, skipped and timed-out notifications go again. */
export function catalogdResend(s: NodeState, now: number, out: NodeEffect[]): void {
  if (!nodeIsActive(s)) return;
  resendDue(s.catalogdNotices, ctx(s, now, out));
}

/**
 * After the registration reply went out, so a notification never overtakes it on the stream.
 * A catalogd becomes a candidate; an id that was a catalogd and registers as something else is
 * no candidate any more.
 */
export function catalogdSubscriberRegistered(s: NodeState, e: SubscriberEntry, now: number, out: NodeEffect[]): void {
  const reg = e.catalogdRegistration;
  if (e.type === 'CATALOGD' && reg !== undefined) {
    feedElection(s, { kind: 'catalogdRegistered', candidate: { subscriberId: e.subscriberId, registrationId: e.registrationId, forceActive: reg.forceCatalogdActive, address: addressOf(reg) } }, now, out);
  } else {
    const was = s.catalogd.election.candidates.get(e.subscriberId);
    if (was !== undefined) feedElection(s, { kind: 'catalogdUnregistered', subscriberId: e.subscriberId, registrationId: was.registrationId }, now, out);
  }
  // Impala hands the designation out in the registration reply only. A subscriber takes it from
  // the reply when it already follows this statestored; one that does not yet (it still follows
  // the other one) would otherwise wait for the next designation, so a newcomer is also sent a
  // notification: where the reply was taken, the version check logs it as a duplicate.
  if (e.subscribeCatalogdChange && nodeIsActive(s) && activeCatalogd(s.catalogd.election) !== null) addReceiver(s.catalogdNotices, e.subscriberId, ctx(s, now, out));
}

/** `superseded`: the same id is registering again right now, which is not a loss of the catalogd. */
export function catalogdSubscriberUnregistered(s: NodeState, e: SubscriberEntry, superseded: boolean, now: number, out: NodeEffect[]): void {
  forget(s.catalogdNotices, e.subscriberId, ctx(s, now, out));
  s.catalogd.notified.delete(e.subscriberId);
  // Impala keeps the active catalogd active when it registers again (election: "otherwise nothing changes").
  if (superseded) return;
  const c = s.catalogd.election.candidates.get(e.subscriberId);
  if (c === undefined || c.registrationId !== e.registrationId) return;
  feedElection(s, { kind: 'catalogdUnregistered', subscriberId: e.subscriberId, registrationId: e.registrationId }, now, out);
}

/** A subscriber's answer to a catalogd notification; skipped stays pending and is sent again. */
export function catalogdAnswered(s: NodeState, e: SubscriberEntry, version: number, skipped: boolean, now: number, out: NodeEffect[]): void {
  answered(s.catalogdNotices, e.subscriberId, version, skipped ? 'skipped' : 'ok', ctx(s, now, out));
  if (!skipped && version === s.catalogd.wireVersion) s.catalogd.notified.set(e.subscriberId, { version, atMs: now });
}

/**
 * Follows this node's role, after every step: a statestored that becomes active (or moves to a
 * new epoch, having maybe stepped down and come back meanwhile) tells everyone its designation
 * again, under a newer version (Impala carries it in UpdateStatestoredRole): the subscribers last
 * heard the other statestored's choice. One that stops being active stops sending.
 */
export function catalogdFollowRole(s: NodeState, now: number, out: NodeEffect[]): void {
  const epoch: Epoch | null = nodeIsActive(s) ? nodeActiveEpoch(s) : null;
  if (epoch === s.catalogd.designatedUnder) return;
  s.catalogd.designatedUnder = epoch;
  if (epoch === null) {
    endRound(s.catalogdNotices);
    return;
  }
  if (activeCatalogd(s.catalogd.election) === null) return;
  stamp(s, now, out);
  startCatalogdRound(s, now, out);
}

/** RegisterResponse's catalogd fields: only from the active statestored, and only with a designation (Impala). */
export function registrationCatalogdFields(s: NodeState): { registration: CatalogdRegistration; version: number } | undefined {
  if (!nodeIsActive(s)) return undefined;
  const registration = activeRegistration(s);
  return registration === undefined ? undefined : { registration, version: s.catalogd.wireVersion };
}

function activeRegistration(s: NodeState): CatalogdRegistration | undefined {
  const active = activeCatalogd(s.catalogd.election);
  return active === null ? undefined : s.subscribers.get(active.subscriberId)?.catalogdRegistration;
}

function feedElection(s: NodeState, ev: CatalogdEvent, now: number, out: NodeEffect[]): void {
  const r = stepCatalogd(s.catalogd.election, ev, now);
  s.catalogd.election = r.state;
  for (const fx of r.effects) {
    switch (fx.kind) {
      case 'catalogdDesignated':
        stamp(s, now, out);
        out.push({ kind: 'catalogdDesignated', active: fx.active, standby: fx.standby, reason: fx.reason, version: s.catalogd.wireVersion });
        startCatalogdRound(s, now, out);
        break;
      case 'catalogdCleared':
        stamp(s, now, out);
        endRound(s.catalogdNotices);
        out.push({ kind: 'catalogdCleared', version: s.catalogd.wireVersion });
        break;
    }
  }
  if (r.effects.length > 0 || ev.kind !== 'tick') updateExclusions(s);
}

/** max(previous + 1, now): see CatalogdState.wireVersion. */
function stamp(s: NodeState, now: number, out: NodeEffect[]): void {
  s.catalogd.wireVersion = Math.max(s.catalogd.wireVersion + 1, Math.floor(now));
  out.push({ kind: 'catalogdVersionStamped', version: s.catalogd.wireVersion });
}

/**
 * A new designation: every subscriber with subscribe_catalogd_change is to be told. This is
 * Impala's first pass, so each receiver's attempt goes through
 * SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT; resends and newcomers' notifications do not.
 */
function startCatalogdRound(s: NodeState, now: number, out: NodeEffect[]): void {
  if (!nodeIsActive(s) || activeRegistration(s) === undefined) {
    endRound(s.catalogdNotices);
    return;
  }
  s.catalogd.designatedUnder = nodeActiveEpoch(s);
  const receivers = [...s.subscribers.values()].filter((e) => e.subscribeCatalogdChange).map((e) => e.subscriberId);
  startRound(s.catalogdNotices, s.catalogd.wireVersion, receivers, ctx(s, now, out));
}

/** The designation current when an attempt goes out (a delayed one sends the newest). */
function message(s: NodeState): DownMessage | null {
  const registration = activeRegistration(s);
  if (!nodeIsActive(s) || registration === undefined) return null;
  return { kind: 'catalogd', version: s.catalogd.wireVersion, registration, activeEpoch: nodeActiveEpoch(s) };
}

function ctx(s: NodeState, now: number, out: NodeEffect[]) {
  return noticeContext(s, now, out, () => message(s));
}

function updateExclusions(s: NodeState): void {
  if (!s.config.catalogd.election.enabled) return;
  const e = s.catalogd.election;
  for (const id of e.candidates.keys()) s.topics.setExcludedFromMinVersion(id, e.activeId !== id);
}

function addressOf(reg: CatalogdRegistration): string {
  return reg.address ? `${reg.address.hostname}:${reg.address.port}` : '';
}
