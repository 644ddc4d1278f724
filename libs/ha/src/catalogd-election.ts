/**
 * The statestored's choice of the active catalogd (Impala: StatestoreCatalogdMgr in
 * statestore-catalogd-mgr.cc, reference §4), as `stepCatalogd(state, event, nowMs)`.
 * Each statestored elects on its own; only the active one sends the result to subscribers.
 */
import { assertNever } from './assert-never';

export interface CatalogdElectionConfig {
  /** --enable_catalogd_ha. Off: every registering catalogd is the active one. */
  readonly enabled: boolean;
  /** --use_subscriber_id_as_catalogd_priority: lower subscriber id wins, else lower registration id. */
  readonly useSubscriberIdAsPriority: boolean;
  /** --catalogd_ha_preemption_wait_period_ms: how long a lone first catalogd waits for a second. */
  readonly preemptionWaitMs: number;
}

/** A registered catalogd (the parts of its TCatalogRegistration the election reads). */
export interface CatalogdCandidate {
  readonly subscriberId: string;
  /** Random per registration in Impala, so without subscriber-id priority the winner is random. */
  readonly registrationId: string;
  /** --force_catalogd_active on that catalogd. */
  readonly forceActive: boolean;
  /** "host:catalog_service_port": what subscribers connect to. */
  readonly address: string;
}

export interface CatalogdElectionState {
  readonly config: CatalogdElectionConfig;
  readonly candidates: ReadonlyMap<string, CatalogdCandidate>;
  readonly activeId: string | null;
  /** active_catalogd_version_: +1 per designation. */
  readonly version: number;
  /** When the preemption wait ends (first registration + wait); null before any registration. */
  readonly waitEndsAtMs: number | null;
}

export type CatalogdEvent =
  | { readonly kind: 'catalogdRegistered'; readonly candidate: CatalogdCandidate }
  /** The catalogd unregistered or was declared failed; registrationId guards against a stale unregister. */
  | { readonly kind: 'catalogdUnregistered'; readonly subscriberId: string; readonly registrationId: string }
  /** CheckActiveCatalog(), every active_catalogd_designation_monitoring_interval_ms. */
  | { readonly kind: 'tick' };

export type CatalogdDesignationReason = 'haDisabled' | 'forceActive' | 'priority' | 'preemptionWaitExpired' | 'failover';

export type CatalogdEffect =
  /**
   * A new designation: send UpdateCatalogd(version, active) to every subscriber with
   * subscribe_catalogd_change (if this statestored is active), retrying each every
   * update_catalogd_rpc_resend_interval_ms until it succeeds.
   */
  | {
      readonly kind: 'catalogdDesignated';
      readonly active: CatalogdCandidate;
      readonly standby: CatalogdCandidate | null;
      readonly version: number;
      readonly reason: CatalogdDesignationReason;
    }
  /** The active catalogd left and nobody can replace it. */
  | { readonly kind: 'catalogdCleared'; readonly version: number };

export interface CatalogdStepped {
  readonly state: CatalogdElectionState;
  readonly effects: readonly CatalogdEffect[];
}

export function initialCatalogdElection(config: CatalogdElectionConfig): CatalogdElectionState {
  return { config, candidates: new Map(), activeId: null, version: 0, waitEndsAtMs: null };
}

export function activeCatalogd(s: CatalogdElectionState): CatalogdCandidate | null {
  return s.activeId === null ? null : (s.candidates.get(s.activeId) ?? null);
}

export function standbyCatalogd(s: CatalogdElectionState): CatalogdCandidate | null {
  for (const c of s.candidates.values()) if (c.subscriberId !== s.activeId) return c;
  return null;
}

export function stepCatalogd(s: CatalogdElectionState, ev: CatalogdEvent, nowMs: number): CatalogdStepped {
  const fx: CatalogdEffect[] = [];
  const state = dispatch(s, ev, nowMs, fx);
  return { state, effects: fx };
}

function dispatch(s: CatalogdElectionState, ev: CatalogdEvent, now: number, fx: CatalogdEffect[]): CatalogdElectionState {
  switch (ev.kind) {
    case 'catalogdRegistered':
      return onRegistered(s, ev.candidate, now, fx);
    case 'catalogdUnregistered':
      return onUnregistered(s, ev.subscriberId, ev.registrationId, now, fx);
    case 'tick':
      // A lone first catalogd becomes active once the preemption wait is over.
      if (s.activeId === null && s.candidates.size === 1 && waitExpired(s, now)) {
        const only = [...s.candidates.values()][0];
        if (only) return designate(s, only.subscriberId, 'preemptionWaitExpired', fx);
      }
      return s;
    default:
      return assertNever(ev, 'CatalogdEvent');
  }
}

function waitExpired(s: CatalogdElectionState, now: number): boolean {
  return s.waitEndsAtMs !== null && now >= s.waitEndsAtMs;
}

function onRegistered(s: CatalogdElectionState, c: CatalogdCandidate, now: number, fx: CatalogdEffect[]): CatalogdElectionState {
  const reRegistration = s.candidates.has(c.subscriberId);
  const candidates = new Map(s.candidates);
  candidates.set(c.subscriberId, c);
  const t: CatalogdElectionState = { ...s, candidates, waitEndsAtMs: s.waitEndsAtMs ?? now + s.config.preemptionWaitMs };
  if (!t.config.enabled) return designate(t, c.subscriberId, 'haDisabled', fx);
  if (reRegistration) {
    // Impala: a standby registering again with force takes over; a lone catalogd becomes
    // active once the wait is over; otherwise nothing changes (only the registration id).
    if (t.activeId !== c.subscriberId && c.forceActive) return designate(t, c.subscriberId, 'forceActive', fx);
    if (t.activeId === null && candidates.size === 1 && waitExpired(t, now)) {
      return designate(t, c.subscriberId, 'preemptionWaitExpired', fx);
    }
    return t;
  }
  if (candidates.size === 1) {
    if (c.forceActive) return designate(t, c.subscriberId, 'forceActive', fx);
    if (waitExpired(t, now)) return designate(t, c.subscriberId, 'preemptionWaitExpired', fx);
    return t; // wait for a second catalogd
  }
  if (c.forceActive) return designate(t, c.subscriberId, 'forceActive', fx);
  if (t.activeId !== null) return t; // an active exists: the newcomer is standby
  let winner: CatalogdCandidate | null = null;
  for (const x of candidates.values()) if (winner === null || priorityKey(t, x) < priorityKey(t, winner)) winner = x;
  return winner === null ? t : designate(t, winner.subscriberId, 'priority', fx);
}

function priorityKey(s: CatalogdElectionState, c: CatalogdCandidate): string {
  return s.config.useSubscriberIdAsPriority ? c.subscriberId : c.registrationId;
}

function onUnregistered(s: CatalogdElectionState, id: string, registrationId: string, now: number, fx: CatalogdEffect[]): CatalogdElectionState {
  const c = s.candidates.get(id);
  if (c === undefined || c.registrationId !== registrationId) return s;
  const candidates = new Map(s.candidates);
  candidates.delete(id);
  const t = { ...s, candidates };
  if (s.activeId !== id) return t;
  const next = [...candidates.values()][0];
  if (next !== undefined) return designate(t, next.subscriberId, 'failover', fx);
  // Nobody left: clear, and backdate the wait so the next registrant wins at once (Impala).
  const version = t.version + 1;
  fx.push({ kind: 'catalogdCleared', version });
  return { ...t, activeId: null, version, waitEndsAtMs: now };
}

function designate(s: CatalogdElectionState, id: string, reason: CatalogdDesignationReason, fx: CatalogdEffect[]): CatalogdElectionState {
  const active = s.candidates.get(id);
  if (active === undefined) throw new Error(`catalogd election: designating unknown catalogd ${id}`);
  const t = { ...s, activeId: id, version: s.version + 1 };
  fx.push({ kind: 'catalogdDesignated', active, standby: standbyCatalogd(t), version: t.version, reason });
  return t;
}
