/**
 * Impala's reasons to refuse a registration (statestore.cc RegisterSubscriber), plus the checks
 * Thrift got from its schema (a missing topic name, a topic listed twice). Each answer names the
 * problem; the edge maps the reason to a status. Nothing here touches state.
 */
import type { CloseReason, RegistrationRequest } from './messages';

/** Impala's TStatestoreServiceVersion V2: what this statestored speaks. */
export const PROTOCOL_VERSION = 1;

export interface RegistrationRefusal {
  readonly reason: CloseReason;
  readonly message: string;
}

export interface RegistrationContext {
  readonly live: number;
  readonly maxSubscribers: number;
  readonly networkDisabled: boolean;
  /** The role is settled (HA off, or the startup handshake is over). */
  readonly ready: boolean;
  readonly enableCatalogdHa: boolean;
  readonly isRegistered: (subscriberId: string) => boolean;
}

export function checkRegistration(req: RegistrationRequest, ctx: RegistrationContext): RegistrationRefusal | null {
  if (ctx.networkDisabled) {
    return { reason: 'networkDisabled', message: 'statestore network is disabled by the DISABLE_STATESTORE_NETWORK debug action' };
  }
  if (!ctx.ready) return { reason: 'notReady', message: 'statestored is still settling its HA role; try again' };
  if (req.protocolVersion < PROTOCOL_VERSION) {
    return {
      reason: 'protocolVersion',
      message: `subscriber protocol version ${req.protocolVersion} is older than the statestore's ${PROTOCOL_VERSION} (STATESTORE_INCOMPATIBLE_PROTOCOL)`,
    };
  }
  if (req.subscriberId.trim() === '') return { reason: 'emptySubscriberId', message: 'subscriber_id must not be empty' };
  const seen = new Set<string>();
  for (const t of req.topics) {
    if (t.topicName === '') return { reason: 'badTopics', message: 'topic_registrations has an empty topic_name' };
    if (seen.has(t.topicName)) return { reason: 'badTopics', message: `topic ${t.topicName} is registered twice` };
    seen.add(t.topicName);
  }
  if (req.subscriberType === 'CATALOGD') {
    const ha = req.catalogdRegistration?.enableCatalogdHa ?? false;
    if (ha !== ctx.enableCatalogdHa) {
      return {
        reason: 'catalogdHaMismatch',
        message: `catalogd has enable_catalogd_ha=${ha} but the statestore has enable_catalogd_ha=${ctx.enableCatalogdHa}`,
      };
    }
  }
  // A re-registration replaces the old one, so it does not count against the limit.
  if (!ctx.isRegistered(req.subscriberId) && ctx.live >= ctx.maxSubscribers) {
    return { reason: 'maxSubscribers', message: `Maximum subscriber limit reached: ${ctx.maxSubscribers}` };
  }
  return null;
}
