import { UpdateLog } from './update-log';

// The log's owner decides which records are current; here a map of mutable entries plays the
// topic, which rewrites a key's entry in place as Topic does.
interface Entry {
  version: number;
}

function logWithOwner(): { log: UpdateLog<Entry>; write: (version: number, key: string) => void } {
  const newest = new Map<string, Entry>();
  const log = new UpdateLog<Entry>((r) => r.entry.version === r.version);
  return {
    log,
    write(version, key) {
      const old = newest.get(key);
      const entry = old ?? { version };
      entry.version = version;
      newest.set(key, entry);
      log.append(version, key, entry, old !== undefined);
    },
  };
}
const plain = (records: Iterable<{ version: number; key: string }>): Array<{ version: number; key: string }> =>
  [...records].map(({ version, key }) => ({ version, key }));

describe('UpdateLog', () => {
  it('is empty with newest version 0', () => {
    const { log } = logWithOwner();
    expect(log.size).toBe(0);
    expect(log.newestVersion).toBe(0);
    expect([...log.since(0)]).toEqual([]);
  });

  it('yields live records after a version, oldest first, skipping superseded ones', () => {
    const { log, write } = logWithOwner();
    write(1, 'a');
    write(2, 'b');
    write(3, 'a');
    write(4, 'c');
    expect(log.size).toBe(3);
    expect(log.newestVersion).toBe(4);
    expect(plain(log.since(0))).toEqual([{ version: 2, key: 'b' }, { version: 3, key: 'a' }, { version: 4, key: 'c' }]);
    expect(plain(log.since(2))).toEqual([{ version: 3, key: 'a' }, { version: 4, key: 'c' }]);
    expect([...log.since(4)]).toEqual([]);
    expect([...log.since(99)]).toEqual([]);
  });

  it('finds the upper bound between sparse versions', () => {
    const { log, write } = logWithOwner();
    write(10, 'a');
    write(20, 'b');
    write(30, 'c');
    expect([...log.since(15)].map((r) => r.version)).toEqual([20, 30]);
    expect([...log.since(20)].map((r) => r.version)).toEqual([30]);
    expect([...log.since(9)].map((r) => r.version)).toEqual([10, 20, 30]);
  });

  it('throws on a version that does not increase (a broken invariant of the topic)', () => {
    const { log, write } = logWithOwner();
    write(5, 'a');
    expect(() => log.append(5, 'b', { version: 5 }, false)).toThrow('version 5 appended after 5');
  });

  it('keeps the same answers after compaction, with the same live size', () => {
    const { log, write } = logWithOwner();
    for (let v = 1; v <= 500; v++) write(v, `k${v % 7}`);
    expect(log.size).toBe(7);
    expect(log.newestVersion).toBe(500);
    expect([...log.since(0)].map((r) => r.version)).toEqual([494, 495, 496, 497, 498, 499, 500]);
    expect([...log.since(497)].map((r) => r.key)).toEqual(['k1', 'k2', 'k3']);
  });

  it('bounds the records it holds to about twice the live ones once rewrites pile up', () => {
    const { log, write } = logWithOwner();
    for (let v = 1; v <= 10_000; v++) write(v, `k${v % 100}`);
    expect(log.size).toBe(100);
    expect(log.heldRecords).toBeLessThanOrEqual(2 * 100 + 1);
  });

  it('forgets everything on clear, and accepts higher versions after it', () => {
    const { log, write } = logWithOwner();
    write(1, 'a');
    log.clear();
    expect(log.size).toBe(0);
    expect(log.newestVersion).toBe(0);
    write(2, 'b');
    expect(plain(log.since(0))).toEqual([{ version: 2, key: 'b' }]);
  });
});
