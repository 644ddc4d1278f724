import { MembershipView } from './membership-view';

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
const backend = (port: number, role: 'coordinator' | 'executor' = 'executor'): [string, Uint8Array] => [
  `impalad@h:${port}`,
  enc({ address: `h:${port}`, isCoordinator: role === 'coordinator', isExecutor: role === 'executor' }),
];
const topic = (...entries: Array<[string, Uint8Array]>): ReadonlyMap<string, Uint8Array> => new Map(entries);
const ids = (v: MembershipView): string[] => v.members().map((b) => b.id);

describe('MembershipView', () => {
  it('decodes each backend of the impala-membership topic, sorted by id', () => {
    const v = new MembershipView();
    v.update(topic(backend(27001), backend(27000, 'coordinator')), false);
    expect(v.members()).toEqual([
      { id: 'impalad@h:27000', address: 'h:27000', isCoordinator: true, isExecutor: false },
      { id: 'impalad@h:27001', address: 'h:27001', isCoordinator: false, isExecutor: true },
    ]);
    expect(v.size).toBe(2);
    expect(v.retainedCount).toBe(0);
  });

  it('skips entries that are not a backend (bad JSON, no address) instead of failing the update', () => {
    const v = new MembershipView();
    v.update(topic(backend(27000), ['garbage', new TextEncoder().encode('{not json')], ['no-address', enc({ isExecutor: true })]), false);
    expect(ids(v)).toEqual(['impalad@h:27000']);
  });

  it('outside the grace period a backend missing from the topic is gone at once', () => {
    const v = new MembershipView();
    v.update(topic(backend(27000), backend(27001)), false);
    v.update(topic(backend(27000)), false);
    expect(ids(v)).toEqual(['impalad@h:27000']);
  });

  it('during the grace period keeps backends missing from a fresh topic (the new active starts empty)', () => {
    const v = new MembershipView();
    v.update(topic(backend(27000), backend(27001), backend(27002)), false);
    // Failover: the new active's first full update has only what was republished so far.
    v.update(topic(backend(27000)), true);
    expect(ids(v)).toEqual(['impalad@h:27000', 'impalad@h:27001', 'impalad@h:27002']);
    expect(v.retainedCount).toBe(2);
    expect(v.size).toBe(3);
  });

  it('a retained backend that comes back is current again, with what it now publishes', () => {
    const v = new MembershipView();
    v.update(topic(backend(27000), backend(27001)), false);
    v.update(topic(backend(27000)), true);
    v.update(topic(backend(27000), ['impalad@h:27001', enc({ address: 'h2:27001', isCoordinator: true, isExecutor: true })]), true);
    expect(v.retainedCount).toBe(0);
    expect(v.members().find((b) => b.id === 'impalad@h:27001')).toEqual({ id: 'impalad@h:27001', address: 'h2:27001', isCoordinator: true, isExecutor: true });
    // Back and then gone again once the grace period is over: dropped.
    v.graceEnded();
    v.update(topic(backend(27000)), false);
    expect(ids(v)).toEqual(['impalad@h:27000']);
  });

  it('graceEnded() drops the backends that did not come back', () => {
    const v = new MembershipView();
    v.update(topic(backend(27000), backend(27001), backend(27002)), false);
    v.update(topic(backend(27000)), true);
    v.update(topic(backend(27000), backend(27002)), true);
    expect(ids(v)).toEqual(['impalad@h:27000', 'impalad@h:27001', 'impalad@h:27002']);
    v.graceEnded();
    expect(ids(v)).toEqual(['impalad@h:27000', 'impalad@h:27002']);
    expect(v.retainedCount).toBe(0);
  });

  it('an update after the grace period drops the retained backends even without graceEnded()', () => {
    const v = new MembershipView();
    v.update(topic(backend(27000), backend(27001)), false);
    v.update(topic(backend(27000)), true);
    v.update(topic(backend(27000)), false);
    expect(ids(v)).toEqual(['impalad@h:27000']);
  });

  it('keeps a backend retained across several updates within one grace period', () => {
    const v = new MembershipView();
    v.update(topic(backend(27000), backend(27001)), false);
    v.update(topic(), true);
    v.update(topic(backend(27000)), true);
    expect(ids(v)).toEqual(['impalad@h:27000', 'impalad@h:27001']);
    expect(v.retainedCount).toBe(1);
  });
});
