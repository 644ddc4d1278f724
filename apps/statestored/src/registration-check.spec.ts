import { status } from '@grpc/grpc-js';
import { CURRENT_PROTOCOL_VERSION, SubscriberType, type RegisterRequest } from '@statestore-ha/proto';
import { checkRegistration, type RegistrationContext } from './registration-check';

function req(patch: Partial<RegisterRequest> = {}): RegisterRequest {
  return {
    protocolVersion: CURRENT_PROTOCOL_VERSION,
    subscriberId: 'impalad@h:27000',
    subscriberLocation: { hostname: 'h', port: 27000 },
    topicRegistrations: [
      { topicName: 'impala-membership', isTransient: true, populateMinSubscriberTopicVersion: false },
      { topicName: 'catalog-update', isTransient: false, populateMinSubscriberTopicVersion: true },
    ],
    subscriberType: SubscriberType.SUBSCRIBER_TYPE_COORDINATOR,
    subscribeCatalogdChange: true,
    highestEpochSeen: 0,
    ...patch,
  };
}

function ctx(patch: Partial<RegistrationContext> = {}, registered: readonly string[] = []): RegistrationContext {
  return { liveSubscribers: registered.length, maxSubscribers: 10, networkDisabled: false, enableCatalogdHa: false, isRegistered: (id) => registered.includes(id), ...patch };
}

const catalogd = (ha: boolean): Partial<RegisterRequest> => ({
  subscriberId: 'catalog-server@h:26000',
  subscriberType: SubscriberType.SUBSCRIBER_TYPE_CATALOGD,
  catalogdRegistration: { protocol: 1, address: { hostname: 'h', port: 26000 }, enableCatalogdHa: ha, forceCatalogdActive: false, registrationTime: 0 },
});

describe('checkRegistration', () => {
  it('accepts a well-formed registration', () => {
    expect(checkRegistration(req(), ctx())).toBeUndefined();
  });

  it('refuses everything while the DISABLE_STATESTORE_NETWORK debug action is on (UNAVAILABLE: try again later)', () => {
    expect(checkRegistration(req(), ctx({ networkDisabled: true }))).toEqual({
      code: status.UNAVAILABLE,
      reason: 'network_disabled',
      message: 'statestore network is disabled by the DISABLE_STATESTORE_NETWORK debug action',
    });
  });

  it('refuses an older protocol version with FAILED_PRECONDITION (Impala: STATESTORE_INCOMPATIBLE_PROTOCOL)', () => {
    expect(checkRegistration(req({ protocolVersion: CURRENT_PROTOCOL_VERSION - 1 }), ctx())).toEqual({
      code: status.FAILED_PRECONDITION,
      reason: 'protocol_version',
      message: `subscriber protocol version ${CURRENT_PROTOCOL_VERSION - 1} is older than the statestore's ${CURRENT_PROTOCOL_VERSION} (STATESTORE_INCOMPATIBLE_PROTOCOL)`,
    });
  });

  it('accepts a newer protocol version', () => {
    expect(checkRegistration(req({ protocolVersion: CURRENT_PROTOCOL_VERSION + 1 }), ctx())).toBeUndefined();
  });

  it.each(['', '   '])('refuses the subscriber id %j with INVALID_ARGUMENT', (subscriberId) => {
    expect(checkRegistration(req({ subscriberId }), ctx())).toEqual({ code: status.INVALID_ARGUMENT, reason: 'empty_id', message: 'subscriber_id must not be empty' });
  });

  it('refuses an empty topic name with INVALID_ARGUMENT', () => {
    const r = req({ topicRegistrations: [{ topicName: '', isTransient: false, populateMinSubscriberTopicVersion: false }] });
    expect(checkRegistration(r, ctx())).toEqual({ code: status.INVALID_ARGUMENT, reason: 'bad_topic', message: 'topic_registrations has an empty topic_name' });
  });

  it('refuses a topic registered twice with INVALID_ARGUMENT, naming it', () => {
    const t = { topicName: 'impala-membership', isTransient: true, populateMinSubscriberTopicVersion: false };
    expect(checkRegistration(req({ topicRegistrations: [t, { ...t, isTransient: false }] }), ctx())).toEqual({
      code: status.INVALID_ARGUMENT,
      reason: 'bad_topic',
      message: 'topic impala-membership is registered twice',
    });
  });

  it('accepts a registration with no topics (a catalogd-change listener only)', () => {
    expect(checkRegistration(req({ topicRegistrations: [] }), ctx())).toBeUndefined();
  });

  it('refuses a catalogd whose enable_catalogd_ha differs from the statestore, in both directions', () => {
    expect(checkRegistration(req(catalogd(true)), ctx({ enableCatalogdHa: false }))).toEqual({
      code: status.FAILED_PRECONDITION,
      reason: 'catalogd_ha_mismatch',
      message: 'catalogd has enable_catalogd_ha=true but the statestore has enable_catalogd_ha=false',
    });
    expect(checkRegistration(req(catalogd(false)), ctx({ enableCatalogdHa: true }))).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'catalogd_ha_mismatch' });
    // A catalogd without a catalogd registration counts as HA off.
    expect(checkRegistration(req({ ...catalogd(false), catalogdRegistration: undefined }), ctx({ enableCatalogdHa: true }))).toMatchObject({ reason: 'catalogd_ha_mismatch' });
    expect(checkRegistration(req(catalogd(true)), ctx({ enableCatalogdHa: true }))).toBeUndefined();
    expect(checkRegistration(req(catalogd(false)), ctx({ enableCatalogdHa: false }))).toBeUndefined();
  });

  it('does not check catalogd HA for other subscriber types', () => {
    expect(checkRegistration(req(), ctx({ enableCatalogdHa: true }))).toBeUndefined();
  });

  it('refuses a new subscriber at statestore_max_subscribers with RESOURCE_EXHAUSTED', () => {
    const full = ['a', 'b', 'c'];
    expect(checkRegistration(req(), ctx({ maxSubscribers: 3 }, full))).toEqual({
      code: status.RESOURCE_EXHAUSTED,
      reason: 'max_subscribers',
      message: 'Maximum subscriber limit reached: 3',
    });
    expect(checkRegistration(req(), ctx({ maxSubscribers: 4 }, full))).toBeUndefined();
  });

  it('does not count a re-registration against the limit: it replaces the old one', () => {
    expect(checkRegistration(req({ subscriberId: 'b' }), ctx({ maxSubscribers: 3 }, ['a', 'b', 'c']))).toBeUndefined();
  });

  it('checks the network first, then the protocol, then the request, then the limit', () => {
    const bad = req({ protocolVersion: 0, subscriberId: '' });
    expect(checkRegistration(bad, ctx({ networkDisabled: true, maxSubscribers: 0 }))?.reason).toBe('network_disabled');
    expect(checkRegistration(bad, ctx({ maxSubscribers: 0 }))?.reason).toBe('protocol_version');
    expect(checkRegistration(req({ subscriberId: '' }), ctx({ maxSubscribers: 0 }))?.reason).toBe('empty_id');
  });
});
