import { status } from '@grpc/grpc-js';
import { CURRENT_PROTOCOL_VERSION, SubscriberType, type RegisterRequest } from '@statestore-ha/proto';

export interface RegistrationRejection {
  code: status;
  reason: string;
  message: string;
}

export interface RegistrationContext {
  liveSubscribers: number;
  maxSubscribers: number;
  networkDisabled: boolean;
  enableCatalogdHa: boolean;
  isRegistered(subscriberId: string): boolean;
}

/**
 * Impala's reasons to refuse a registration (statestore.cc RegisterSubscriber), plus the checks
 * Thrift got from its schema (a missing topic name, a topic listed twice). Each answer is a gRPC
 * status with a message that names the problem; nothing here touches state.
 */
export function checkRegistration(req: RegisterRequest, ctx: RegistrationContext): RegistrationRejection | undefined {
  if (ctx.networkDisabled) {
    return { code: status.UNAVAILABLE, reason: 'network_disabled', message: 'statestore network is disabled by the DISABLE_STATESTORE_NETWORK debug action' };
  }
  if (req.protocolVersion < CURRENT_PROTOCOL_VERSION) {
    return { code: status.FAILED_PRECONDITION, reason: 'protocol_version', message: `subscriber protocol version ${req.protocolVersion} is older than the statestore's ${CURRENT_PROTOCOL_VERSION} (STATESTORE_INCOMPATIBLE_PROTOCOL)` };
  }
  if (req.subscriberId.trim() === '') {
    return { code: status.INVALID_ARGUMENT, reason: 'empty_id', message: 'subscriber_id must not be empty' };
  }
  const seen = new Set<string>();
  for (const t of req.topicRegistrations) {
    if (t.topicName === '') {
      return { code: status.INVALID_ARGUMENT, reason: 'bad_topic', message: 'topic_registrations has an empty topic_name' };
    }
    if (seen.has(t.topicName)) {
      return { code: status.INVALID_ARGUMENT, reason: 'bad_topic', message: `topic ${t.topicName} is registered twice` };
    }
    seen.add(t.topicName);
  }
  if (req.subscriberType === SubscriberType.SUBSCRIBER_TYPE_CATALOGD) {
    const ha = req.catalogdRegistration?.enableCatalogdHa ?? false;
    if (ha !== ctx.enableCatalogdHa) {
      return { code: status.FAILED_PRECONDITION, reason: 'catalogd_ha_mismatch', message: `catalogd has enable_catalogd_ha=${ha} but the statestore has enable_catalogd_ha=${ctx.enableCatalogdHa}` };
    }
  }
  // A re-registration replaces the old one, so it does not count against the limit.
  if (!ctx.isRegistered(req.subscriberId) && ctx.liveSubscribers >= ctx.maxSubscribers) {
    return { code: status.RESOURCE_EXHAUSTED, reason: 'max_subscribers', message: `Maximum subscriber limit reached: ${ctx.maxSubscribers}` };
  }
  return undefined;
}
