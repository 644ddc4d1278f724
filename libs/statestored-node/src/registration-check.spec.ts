import type { RegistrationRequest } from './messages';
import { checkRegistration, PROTOCOL_VERSION as CURRENT_PROTOCOL_VERSION, type RegistrationContext } from './registration-check';

function req(patch: Partial<RegistrationRequest> = {}): RegistrationRequest {
  return {
    protocolVersion: CURRENT_PROTOCOL_VERSION,
    subscriberId: 'impalad@h:27000',
    location: { hostname: 'h', port: 27000 },
    topics: [
      { topicName: 'impala-membership', isTransient: true, populateMinSubscriberTopicVersion: false },
      { topicName: 'catalog-update', isTransient: false, populateMinSubscriberTopicVersion: true },
    ],
    subscriberType: 'COORDINATOR',
    subscribeCatalogdChange: true,
    catalogdRegistration: undefined,
    highestEpochSeen: 0,
    ...patch,
  };
}

function ctx(patch: Partial<RegistrationContext> = {}, registered: readonly string[] = []): RegistrationContext {
  return { live: registered.length, ready: true, maxSubscribers: 10, networkDisabled: false, enableCatalogdHa: false, isRegistered: (id) => registered.includes(id), ...patch };
}

const catalogd = (ha: boolean): Partial<RegistrationRequest> => ({
  subscriberId: 'catalog-server@h:26000',
  subscriberType: 'CATALOGD',
  catalogdRegistration: { protocol: 1, address: { hostname: 'h', port: 26000 }, enableCatalogdHa: ha, forceCatalogdActive: false, registrationTimeMs: 0 },
});

describe('checkRegistration', () => {
  it('accepts a well-formed registration', () => {
    expect(checkRegistration(req(), ctx())).toBeNull();
  });

  it('refuses everything while the DISABLE_STATESTORE_NETWORK debug action is on ', () => {
    expect(checkRegistration(req(), ctx({ networkDisabled: true }))).toEqual({
      reason: 'networkDisabled',
      message: 'statestore network is disabled by the DISABLE_STATESTORE_NETWORK debug action',
    });
  });

  it('refuses everything until the HA role is settled (the port Impala opens only then)', () => {
    expect(checkRegistration(req(), ctx({ ready: false }))).toEqual({ reason: 'notReady', message: 'statestored is still settling its HA role; try again' });
  });

  it('refuses an older protocol version (Impala: STATESTORE_INCOMPATIBLE_PROTOCOL)', () => {
    expect(checkRegistration(req({ protocolVersion: CURRENT_PROTOCOL_VERSION - 1 }), ctx())).toEqual({
      reason: 'protocolVersion',
      message: `subscriber protocol version ${CURRENT_PROTOCOL_VERSION - 1} is older than the statestore's ${CURRENT_PROTOCOL_VERSION} (STATESTORE_INCOMPATIBLE_PROTOCOL)`,
    });
  });

  it('accepts a newer protocol version', () => {
    expect(checkRegistration(req({ protocolVersion: CURRENT_PROTOCOL_VERSION + 1 }), ctx())).toBeNull();
  });

  it.each(['', '   '])('refuses the subscriber id %j ', (subscriberId) => {
    expect(checkRegistration(req({ subscriberId }), ctx())).toEqual({ reason: 'emptySubscriberId', message: 'subscriber_id must not be empty' });
  });

  it('refuses an empty topic name ', () => {
    const r = req({ topics: [{ topicName: '', isTransient: false, populateMinSubscriberTopicVersion: false }] });
    expect(checkRegistration(r, ctx())).toEqual({ reason: 'badTopics', message: 'topic_registrations has an empty topic_name' });
  });

  it('refuses a topic registered twice , naming it', () => {
    const t = { topicName: 'impala-membership', isTransient: true, populateMinSubscriberTopicVersion: false };
    expect(checkRegistration(req({ topics: [t, { ...t, isTransient: false }] }), ctx())).toEqual({
      reason: 'badTopics',
      message: 'topic impala-membership is registered twice',
    });
  });

  it('accepts a registration with no topics (a catalogd-change listener only)', () => {
    expect(checkRegistration(req({ topics: [] }), ctx())).toBeNull();
  });

  it('refuses a catalogd whose enable_catalogd_ha differs from the statestore, in both directions', () => {
    expect(checkRegistration(req(catalogd(true)), ctx({ enableCatalogdHa: false }))).toEqual({
      reason: 'catalogdHaMismatch',
      message: 'catalogd has enable_catalogd_ha=true but the statestore has enable_catalogd_ha=false',
    });
    expect(checkRegistration(req(catalogd(false)), ctx({ enableCatalogdHa: true }))).toMatchObject({ reason: 'catalogdHaMismatch' });
    // A catalogd without a catalogd registration counts as HA off.
    expect(checkRegistration(req({ ...catalogd(false), catalogdRegistration: undefined }), ctx({ enableCatalogdHa: true }))).toMatchObject({ reason: 'catalogdHaMismatch' });
    expect(checkRegistration(req(catalogd(true)), ctx({ enableCatalogdHa: true }))).toBeNull();
    expect(checkRegistration(req(catalogd(false)), ctx({ enableCatalogdHa: false }))).toBeNull();
  });

  it('does not check catalogd HA for other subscriber types', () => {
    expect(checkRegistration(req(), ctx({ enableCatalogdHa: true }))).toBeNull();
  });

  it('refuses a new subscriber at statestore_max_subscribers ', () => {
    const full = ['a', 'b', 'c'];
    expect(checkRegistration(req(), ctx({ maxSubscribers: 3 }, full))).toEqual({
      reason: 'maxSubscribers',
      message: 'Maximum subscriber limit reached: 3',
    });
    expect(checkRegistration(req(), ctx({ maxSubscribers: 4 }, full))).toBeNull();
  });

  it('does not count a re-registration against the limit: it replaces the old one', () => {
    expect(checkRegistration(req({ subscriberId: 'b' }), ctx({ maxSubscribers: 3 }, ['a', 'b', 'c']))).toBeNull();
  });

  it('checks the network first, then the protocol, then the request, then the limit', () => {
    const bad = req({ protocolVersion: 0, subscriberId: '' });
    expect(checkRegistration(bad, ctx({ networkDisabled: true, maxSubscribers: 0 }))?.reason).toBe('networkDisabled');
    expect(checkRegistration(bad, ctx({ maxSubscribers: 0 }))?.reason).toBe('protocolVersion');
    expect(checkRegistration(req({ subscriberId: '' }), ctx({ maxSubscribers: 0 }))?.reason).toBe('emptySubscriberId');
  });
});
