import { firstViolation, formatViolation, History, MonotonicPerObserver, UniqueOwner } from './history';

interface Accept {
  epoch: number;
  from: string;
}

describe('History and checkers', () => {
  it('finds a value going down for one observer, not across observers', () => {
    const h = new History<Accept>();
    h.record(1, 's1', 'accept', { epoch: 5, from: 'x' });
    h.record(2, 's2', 'accept', { epoch: 3, from: 'y' });
    h.record(3, 's1', 'accept', { epoch: 5, from: 'x' });
    expect(firstViolation(h.events(), 'accept', new MonotonicPerObserver<Accept>('monotonic', (d) => d.epoch))).toBeNull();
    h.record(4, 's1', 'accept', { epoch: 4, from: 'y' });
    const v = firstViolation(h.events(), 'accept', new MonotonicPerObserver<Accept>('monotonic', (d) => d.epoch));
    expect(v?.detail).toBe('s1: 4 after 5');
    expect(v && formatViolation(v)).toMatch(/monotonic: s1: 4 after 5\n {2}at t=4 s1 accept .*\n {2}earlier t=3/);
  });

  it('finds a key owned by two owners', () => {
    const h = new History<Accept>();
    h.record(1, 's1', 'accept', { epoch: 5, from: 'x' });
    h.record(2, 's2', 'accept', { epoch: 5, from: 'x' });
    const check = () => new UniqueOwner<Accept>('one owner per epoch', (d) => String(d.epoch), (d) => d.from);
    expect(firstViolation(h.events(), 'accept', check())).toBeNull();
    h.record(3, 's3', 'accept', { epoch: 5, from: 'y' });
    expect(firstViolation(h.events(), 'accept', check())?.detail).toBe('5: y and x');
  });

  it('filters and prints its tail', () => {
    const h = new History<number>(3);
    h.record(1, 'a', 'k', 1);
    h.record(2, 'b', 'j', 2);
    h.record(3, 'a', 'k', 3);
    h.record(4, 'a', 'k', 4); // over the limit: not kept
    expect(h.ofKind('k').map((e) => e.data)).toEqual([1, 3]);
    expect(h.byObserver('b')).toHaveLength(1);
    expect(h.tail(2)).toBe('t=2 b j 2\nt=3 a k 3');
  });
});

describe('MonotonicPerObserver with a domain comparison', () => {
  it('uses the comparison it is given', () => {
    const h = new History<number>();
    h.record(1, 'a', 'v', 3);
    h.record(2, 'a', 'v', 5);
    // A reversed order: larger numbers are "older".
    const reversed = new MonotonicPerObserver<number>('reversed', (d) => d, (x, y) => y - x);
    expect(firstViolation(h.events(), 'v', reversed)?.detail).toBe('a: 5 after 3');
  });
});
