import { SubscriberVersions } from './subscriber-versions';

describe('SubscriberVersions', () => {
  it('has no minimum without counted subscribers', () => {
    const v = new SubscriberVersions();
    expect(v.min()).toBeUndefined();
    expect(v.oldest()).toBeUndefined();
    v.add('catalogd-standby', 3, true);
    expect(v.min()).toBeUndefined();
  });

  it('tracks the minimum as subscribers move, leave and come back', () => {
    const v = new SubscriberVersions();
    v.add('a', 0, false);
    v.add('b', 0, false);
    expect(v.min()).toBe(0);
    v.setVersion('a', 5);
    expect(v.min()).toBe(0); // b still at 0
    v.setVersion('b', 7);
    expect(v.min()).toBe(5);
    v.setVersion('a', 9);
    expect(v.min()).toBe(7);
    v.remove('b');
    expect(v.min()).toBe(9);
    v.add('c', 2, false);
    expect(v.min()).toBe(2);
    v.setVersion('c', 1); // rewound by a resync
    expect(v.min()).toBe(1);
    v.remove('c');
    v.remove('a');
    expect(v.min()).toBeUndefined();
  });

  it('leaves excluded subscribers out of the minimum until they are included again', () => {
    const v = new SubscriberVersions();
    v.add('impalad', 10, false);
    v.add('catalogd-standby', 2, false);
    expect(v.min()).toBe(2);
    v.setExcluded('catalogd-standby', true);
    expect(v.min()).toBe(10);
    v.setVersion('catalogd-standby', 1); // moves while excluded
    expect(v.min()).toBe(10);
    v.setExcluded('catalogd-standby', false);
    expect(v.min()).toBe(1);
  });

  it('re-adding an id replaces its previous entry instead of counting it twice', () => {
    const v = new SubscriberVersions();
    v.add('a', 1, false);
    v.add('a', 4, false);
    v.add('b', 6, false);
    expect(v.min()).toBe(4);
    v.remove('a');
    expect(v.min()).toBe(6);
  });

  it('names the oldest subscriber, the smallest id on a tie, skipping excluded ones', () => {
    const v = new SubscriberVersions();
    v.add('z', 3, false);
    v.add('m', 3, false);
    v.add('a', 9, false);
    v.add('excluded', 1, true);
    expect(v.oldest()).toEqual({ version: 3, subscriberId: 'm' });
  });

  it('ignores changes for subscribers it does not track', () => {
    const v = new SubscriberVersions();
    v.add('a', 4, false);
    v.setVersion('ghost', 1);
    v.setExcluded('ghost', false);
    v.remove('ghost');
    expect(v.min()).toBe(4);
  });

  it('agrees with a full scan over a long random walk', () => {
    let seed = 42;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const v = new SubscriberVersions();
    const model = new Map<string, { version: number; excluded: boolean }>();
    for (let step = 0; step < 5000; step++) {
      const id = `s${next(20)}`;
      switch (next(4)) {
        case 0: {
          const t = { version: next(50), excluded: next(5) === 0 };
          v.add(id, t.version, t.excluded);
          model.set(id, t);
          break;
        }
        case 1:
          v.remove(id);
          model.delete(id);
          break;
        case 2: {
          const version = next(50);
          v.setVersion(id, version);
          const t = model.get(id);
          if (t) t.version = version;
          break;
        }
        default: {
          const excluded = next(2) === 0;
          v.setExcluded(id, excluded);
          const t = model.get(id);
          if (t) t.excluded = excluded;
        }
      }
      const counted = [...model.values()].filter((t) => !t.excluded).map((t) => t.version);
      expect(v.min()).toBe(counted.length === 0 ? undefined : Math.min(...counted));
    }
  });
});
