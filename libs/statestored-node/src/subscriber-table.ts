/**
 * Registrations (Impala: Statestore::RegisterSubscriber, UnregisterSubscriber): who is
 * registered on which stream, and what a registration and its end do to the topics, the role
 * machine and the catalogd election.
 */
import { isPriorityTopic } from '@statestore-ha/topics';
import { missedHeartbeatDetector } from '@statestore-ha/ha';
import { catalogdSubscriberRegistered, catalogdSubscriberUnregistered, registrationCatalogdFields } from './catalogd';
import { roleContext, feedHa } from './role';
import { sendTo } from './links';
import type { LinkId, RegistrationRequest } from './messages';
import type { NodeEffect } from './node-effects';
import type { NodeState, SubscriberEntry } from './node-state';
import { forget, linkLost } from './notices';
import { drawRandom } from './random';
import { checkRegistration } from './registration-check';
import { nodeActiveEpoch, nodeIsActive, nodeRoleSettled } from './role-queries';
import { dropInFlightUpdates } from './update-loop';
import { noticeContext } from './links';

export type UnregisterReason = 'unregistered' | 'missedHeartbeats' | 'superseded';

export function register(s: NodeState, link: LinkId, req: RegistrationRequest, registrationId: string, now: number, out: NodeEffect[]): void {
  const already = s.links.get(link);
  if (already !== undefined) {
    out.push({ kind: 'closeLink', link, reason: 'protocolViolation', message: `this stream is already registered as ${already}; open a new stream to register again` });
    return;
  }
  const refusal = checkRegistration(req, {
    live: s.subscribers.size,
    maxSubscribers: s.config.maxSubscribers,
    networkDisabled: s.networkDisabled,
    ready: nodeRoleSettled(s),
    enableCatalogdHa: s.config.catalogd.election.enabled,
    isRegistered: (id) => s.subscribers.has(id),
  });
  if (refusal !== null) {
    out.push({ kind: 'registrationRejected', subscriberId: req.subscriberId, reason: refusal.reason, message: refusal.message });
    out.push({ kind: 'closeLink', link, reason: refusal.reason, message: refusal.message });
    return;
  }
  const previous = s.subscribers.get(req.subscriberId);
  // Impala: re-registering the same id first unregisters the old one (its transient entries go).
  if (previous !== undefined) unregister(s, previous, 'superseded', now, out);
  const freq = s.config.heartbeatFrequencyMs;
  const entry: SubscriberEntry = {
    subscriberId: req.subscriberId,
    registrationId,
    type: req.subscriberType,
    location: req.location,
    hasPriorityTopics: req.topics.some((t) => isPriorityTopic(t.topicName)),
    hasNormalTopics: req.topics.some((t) => !isPriorityTopic(t.topicName)),
    subscribeCatalogdChange: req.subscribeCatalogdChange,
    catalogdRegistration: req.catalogdRegistration === undefined ? undefined : { ...req.catalogdRegistration, registrationTimeMs: now },
    registeredAtMs: now,
    link,
    congested: false,
    heartbeat: {
      // Spread first heartbeats over one interval so registrations that arrive together do not
      // heartbeat in phase forever (grpc-ceiling.md: timers in phase hurt the p99).
      nextAtMs: now + Math.floor(drawRandom(s) * freq),
      seq: 0,
      outstanding: null,
      detector: missedHeartbeatDetector(s.config.maxMissedHeartbeats),
      lastAnswerMs: now,
      answeredSinceSummary: false,
    },
    updates: {
      seq: 0,
      inFlight: { priority: null, normal: null },
      firstAcked: { priority: false, normal: false },
      notBeforeMs: { priority: 0, normal: 0 },
      nextFullRoundMs: { priority: 0, normal: 0 },
    },
  };
  s.topics.addSubscriber(entry.subscriberId, req.topics);
  s.subscribers.set(entry.subscriberId, entry);
  s.links.set(link, entry.subscriberId);
  sendTo(
    s,
    entry,
    { kind: 'registered', registrationId, statestoreId: s.config.statestoreId, isActive: nodeIsActive(s), activeEpoch: nodeActiveEpoch(s), catalogd: registrationCatalogdFields(s) },
    out,
  );
  out.push({ kind: 'subscriberRegistered', subscriberId: entry.subscriberId, registrationId, topics: req.topics.length, live: s.subscribers.size });
  feedHa(s, { kind: 'subscriberRegistered', subscriberId: entry.subscriberId, highestEpochSeen: req.highestEpochSeen }, now, out);
  catalogdSubscriberRegistered(s, entry, now, out);
}

/**
 * Drops a registration: its transient entries are deleted unless someone overwrote them since,
 * and its stream, if still open, is ended with the reason.
 */
export function unregister(s: NodeState, e: SubscriberEntry, reason: UnregisterReason, now: number, out: NodeEffect[]): void {
  if (s.subscribers.get(e.subscriberId) !== e) return;
  s.subscribers.delete(e.subscriberId);
  if (e.link !== null) s.links.delete(e.link);
  const removed = s.topics.removeSubscriber(e.subscriberId);
  forget(s.roleNotices, e.subscriberId, roleContext(s, now, out));
  feedHa(s, { kind: 'subscriberUnregistered', subscriberId: e.subscriberId }, now, out);
  catalogdSubscriberUnregistered(s, e, reason === 'superseded', now, out);
  out.push({
    kind: 'subscriberUnregistered',
    subscriberId: e.subscriberId,
    registrationId: e.registrationId,
    reason,
    transientEntriesDeleted: removed.deleted.length,
    live: s.subscribers.size,
  });
  if (e.link === null) return;
  switch (reason) {
    case 'superseded':
      out.push({ kind: 'closeLink', link: e.link, reason, message: `registration ${e.registrationId} of ${e.subscriberId} was superseded by a newer registration of the same subscriber id` });
      return;
    case 'missedHeartbeats':
      out.push({ kind: 'closeLink', link: e.link, reason, message: `subscriber missed ${e.heartbeat.detector.missed ?? 0} consecutive heartbeats and was unregistered` });
      return;
    case 'unregistered':
      out.push({ kind: 'closeLink', link: e.link, reason, message: 'unregistered' });
      return;
  }
}

/**
 * The stream of a registration ended without an Unregister: the registration stays until its
 * heartbeats fail (statestore_max_missed_heartbeats), as in Impala, so a subscriber whose link
 * broke for a moment keeps its entries if it comes back in time. What was in flight on it is lost.
 */
export function linkClosed(s: NodeState, link: LinkId, now: number, out: NodeEffect[]): void {
  const id = s.links.get(link);
  if (id === undefined) return;
  s.links.delete(link);
  const e = s.subscribers.get(id);
  if (e === undefined || e.link !== link) return;
  e.link = null;
  e.congested = false;
  e.heartbeat.outstanding = null;
  dropInFlightUpdates(e);
  linkLost(s.roleNotices, id, roleContext(s, now, out));
  linkLost(s.catalogdNotices, id, noticeContext(s, now, out, () => null));
}

/** The entry registered on this stream, if any. */
export function entryOn(s: NodeState, link: LinkId): SubscriberEntry | undefined {
  const id = s.links.get(link);
  return id === undefined ? undefined : s.subscribers.get(id);
}
