/**
 * Read-only views of a node for its edges: the daemon's pages and metrics, the simulator's
 * convergence checks. Field names follow Impala's pages (statestore.cc SubscribersHandler,
 * TopicsHandler, CatalogHAInfoHandler) where Impala has the field.
 */
import {
  activeCatalogd,
  countLostActive,
  inRecoveryMode,
  peerConnected,
  standbyCatalogd,
  takeoverVerdict,
  timeoutState,
  type CatalogdCandidate,
  type Epoch,
  type HaRole,
  type LostActiveCount,
  type PeerState,
  type TakeoverVerdict,
} from '@statestore-ha/ha';
import type { Topic } from '@statestore-ha/topics';
import type { NodeState, SubscriberEntry } from './node-state';
import { nodeActiveEpoch, nodeIsActive, nodeRoleSettled } from './role-queries';

export { nodeActiveEpoch as activeEpochOf, nodeIsActive as isActiveNode, nodeRoleSettled as roleSettled };

/** Without HA a statestored is always active. */
export function roleOf(s: NodeState): HaRole {
  return s.ha === null ? 'active' : s.ha.role;
}

export function liveSubscribers(s: NodeState): number {
  return s.subscribers.size;
}

export function subscriberEntries(s: NodeState): Iterable<SubscriberEntry> {
  return s.subscribers.values();
}

export function isRegistered(s: NodeState, subscriberId: string): boolean {
  return s.subscribers.has(subscriberId);
}

export function topicsOf(s: NodeState): Iterable<Topic> {
  return s.topics.topics();
}

/** The catalogd this node's election designates, if any. */
export function designatedCatalogd(s: NodeState): CatalogdCandidate | null {
  return activeCatalogd(s.catalogd.election);
}

export function networkDisabled(s: NodeState): boolean {
  return s.networkDisabled;
}

/** Whether the HA pair is formed (Impala found_peer_); false without HA. */
export function pairFormed(s: NodeState): boolean {
  return s.ha !== null && peerConnected(s.ha);
}

/**
 * Why a takeover would or would not happen now, from the takeover rule itself (libs/ha): the
 * standby's peer detector, the subscribers' reports, and the verdict they give.
 */
export interface TakeoverView {
  readonly peerState: PeerState;
  readonly lostActive: LostActiveCount;
  readonly verdict: TakeoverVerdict;
}

export function takeoverView(s: NodeState, nowMs: number): TakeoverView | null {
  if (s.ha === null) return null;
  const peerState = timeoutState(s.ha.peerTimeout, nowMs);
  const lostActive = countLostActive(s.ha.subscribers);
  return { peerState, lostActive, verdict: takeoverVerdict(peerState, lostActive, s.ha.config.skipMajorityCheck) };
}

/** Impala's /subscribers (plus type, link state and misses). */
export function subscribersPage(s: NodeState, nowMs: number): Record<string, unknown> {
  const subscribers = [...s.subscribers.values()].map((e) => {
    const topics = s.topics.subscriber(e.subscriberId);
    return {
      id: e.subscriberId,
      address: e.location ? `${e.location.hostname}:${e.location.port}` : '',
      type: e.type,
      num_topics: topics?.topics.size ?? 0,
      num_priority_topics: topics?.numPriorityTopics ?? 0,
      num_transient: topics?.numTransientEntries ?? 0,
      registration_id: e.registrationId,
      secs_since_heartbeat: Number(((nowMs - e.heartbeat.lastAnswerMs) / 1000).toFixed(3)),
      missed_heartbeats: e.heartbeat.detector.missed ?? 0,
      link_connected: e.link !== null,
    };
  });
  return { statestore_id: s.config.statestoreId, num_subscribers: subscribers.length, subscribers };
}

/** Impala's /topics (num_entries counts tombstones too, as Impala's does). */
export function topicsPage(s: NodeState): Record<string, unknown> {
  const topics = [...s.topics.topics()].map((t) => {
    const st = t.stats();
    return {
      topic_id: t.name,
      num_entries: st.numEntries + st.numTombstones,
      num_live_entries: st.numEntries,
      version: st.version,
      oldest_version: st.oldestVersion,
      oldest_id: st.oldestId,
      key_size_bytes: st.keySizeBytes,
      value_size_bytes: st.valueSizeBytes,
      total_size_bytes: st.totalSizeBytes,
      prioritized: t.prioritized,
    };
  });
  return { num_topics: topics.length, topics };
}

/** The HA state of this node (our /ha page): role, epoch, peer, recovery, pending notifications. */
export function haPage(s: NodeState, nowMs: number): Record<string, unknown> | undefined {
  if (s.ha === null) return undefined;
  const take = takeoverView(s, nowMs);
  return {
    statestore_id: s.config.statestoreId,
    role: s.ha.role,
    is_active: nodeIsActive(s),
    active_epoch: nodeActiveEpoch(s),
    in_recovery_mode: inRecoveryMode(s.ha),
    connected_with_peer: peerConnected(s.ha),
    peer_id: s.ha.peerId,
    peer_address: s.config.peerHaAddress,
    pending_role_notifications: s.roleNotices.pending.size,
    last_role_change_ms: s.lastRoleChangeMs,
    takeover: take === null ? null : { peer_state: take.peerState, lost_active: take.lostActive.failed, subscribers: take.lostActive.total, verdict: take.verdict },
  };
}

/** Impala's /catalog_ha_info; undefined without --enable_catalogd_ha (the page is then 404). */
export function catalogHaInfoPage(s: NodeState): Record<string, unknown> | undefined {
  if (!s.config.catalogd.election.enabled) return undefined;
  if (!nodeIsActive(s)) return { is_active_statestored: false, message: 'The current statestored is inactive.' };
  const election = s.catalogd.election;
  const active = activeCatalogd(election);
  const standby = standbyCatalogd(election);
  return {
    is_active_statestored: true,
    has_active_catalogd: active !== null,
    active_catalogd_version: s.catalogd.wireVersion,
    num_designations: election.version,
    ...registrationFields(s, 'active', active),
    ...registrationFields(s, 'standby', standby),
    pending_notifications: s.catalogdNotices.pending.size,
    notified_subscribers: [...s.catalogd.notified].map(([id, n]) => {
      const e = s.subscribers.get(id);
      return {
        id,
        address: e?.location ? `${e.location.hostname}:${e.location.port}` : '',
        registration_id: e?.registrationId ?? '',
        subscriber_type: e?.type ?? '',
        catalogd_version: n.version,
        last_update_catalogd_time: new Date(n.atMs).toISOString(),
      };
    }),
  };
}

function registrationFields(s: NodeState, prefix: 'active' | 'standby', c: CatalogdCandidate | null): Record<string, unknown> {
  const reg = c === null ? undefined : s.subscribers.get(c.subscriberId)?.catalogdRegistration;
  if (c === null || reg === undefined) return { [`${prefix}_catalogd_address`]: null };
  return {
    [`${prefix}_catalogd_subscriber_id`]: c.subscriberId,
    [`${prefix}_catalogd_address`]: c.address,
    [`${prefix}_catalogd_protocol`]: reg.protocol,
    [`${prefix}_catalogd_enable_catalogd_ha`]: reg.enableCatalogdHa,
    [`${prefix}_catalogd_force_catalogd_active`]: reg.forceCatalogdActive,
    [`${prefix}_catalogd_registration_time`]: new Date(reg.registrationTimeMs).toISOString(),
  };
}

/** The epoch of this node's HA machine knowledge (highest seen), for tests and pages. */
export function highestEpochSeen(s: NodeState): Epoch {
  return s.ha === null ? 0 : s.ha.highestEpochSeen;
}
