import { activeCatalogd, initialCatalogdElection, stepCatalogd, type CatalogdCandidate, type CatalogdElectionState } from './catalogd-election';

const cand = (subscriberId: string, registrationId: string, forceActive = false): CatalogdCandidate => ({
  subscriberId,
  registrationId,
  forceActive,
  address: `${subscriberId}:26000`,
});

function reg(s: CatalogdElectionState, c: CatalogdCandidate, t: number) {
  return stepCatalogd(s, { kind: 'catalogdRegistered', candidate: c }, t);
}

describe('catalogd election', () => {
  const base = { enabled: true, useSubscriberIdAsPriority: false, preemptionWaitMs: 1000 };

  it('without subscriber-id priority the lower registration id wins', () => {
    let s = initialCatalogdElection(base);
    s = reg(s, cand('cat-a', 'r-9'), 0).state;
    const r = reg(s, cand('cat-b', 'r-1'), 10);
    expect(activeCatalogd(r.state)?.subscriberId).toBe('cat-b');
    expect(r.effects).toEqual([expect.objectContaining({ kind: 'catalogdDesignated', version: 1, reason: 'priority' })]);
  });

  it('a forced first catalogd is active at once; a forced second one takes over', () => {
    let s = initialCatalogdElection(base);
    s = reg(s, cand('cat-a', 'r1', true), 0).state;
    expect(activeCatalogd(s)?.subscriberId).toBe('cat-a');
    const r = reg(s, cand('cat-b', 'r2', true), 5);
    expect(activeCatalogd(r.state)?.subscriberId).toBe('cat-b');
    expect(r.state.version).toBe(2);
  });

  it('a lone first catalogd becomes active only once the wait is over (tick)', () => {
    let s = reg(initialCatalogdElection(base), cand('cat-a', 'r1'), 100).state;
    s = stepCatalogd(s, { kind: 'tick' }, 1099).state;
    expect(activeCatalogd(s)).toBeNull();
    s = stepCatalogd(s, { kind: 'tick' }, 1100).state;
    expect(activeCatalogd(s)?.subscriberId).toBe('cat-a');
  });

  it('unregistering the standby changes no designation', () => {
    let s = initialCatalogdElection({ ...base, useSubscriberIdAsPriority: true });
    s = reg(s, cand('cat-a', 'r1'), 0).state;
    s = reg(s, cand('cat-b', 'r2'), 0).state;
    const r = stepCatalogd(s, { kind: 'catalogdUnregistered', subscriberId: 'cat-b', registrationId: 'r2' }, 1);
    expect(r.effects).toEqual([]);
    expect(activeCatalogd(r.state)?.subscriberId).toBe('cat-a');
  });
});
