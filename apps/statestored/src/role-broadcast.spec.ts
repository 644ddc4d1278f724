import { RoleBroadcast } from './role-broadcast';

describe('RoleBroadcast', () => {
  it('carries the promotion epoch as an active role notification', () => {
    const b = new RoleBroadcast(7, ['a'], 1000);
    expect(b.message).toEqual({ kind: { $case: 'role', value: { activeEpoch: 7, isActive: true } } });
    expect(b.startedAtMs).toBe(1000);
    expect(b.epoch).toBe(7);
  });

  it('sends to every subscriber registered at promotion, and counts what could not be sent', () => {
    const b = new RoleBroadcast(2, ['a', 'b', 'c'], 0);
    const tried: string[] = [];
    expect(b.resend((id) => (tried.push(id), id !== 'b'))).toEqual({ sent: 2, failed: 1 });
    expect(tried.sort()).toEqual(['a', 'b', 'c']);
  });

  it('resends only to those that have not answered, until all have', () => {
    const b = new RoleBroadcast(2, ['a', 'b', 'c'], 0);
    expect(b.answered('a', 2)).toBe(true);
    const tried: string[] = [];
    b.resend((id) => (tried.push(id), true));
    expect(tried.sort()).toEqual(['b', 'c']);
    expect(b.remaining).toBe(2);
    expect(b.done).toBe(false);
    b.answered('b', 2);
    b.answered('c', 2);
    expect(b.done).toBe(true);
    expect(b.resend(() => true)).toEqual({ sent: 0, failed: 0 });
  });

  it('does not count an answer to another epoch (a late answer to an earlier promotion)', () => {
    const b = new RoleBroadcast(5, ['a'], 0);
    expect(b.answered('a', 4)).toBe(false);
    expect(b.remaining).toBe(1);
  });

  it('ignores answers from subscribers it never sent to, and repeated answers', () => {
    const b = new RoleBroadcast(5, ['a'], 0);
    expect(b.answered('x', 5)).toBe(false);
    expect(b.answered('a', 5)).toBe(true);
    expect(b.answered('a', 5)).toBe(false);
  });

  it('forgets a subscriber that unregistered (its next registration reply tells it the role)', () => {
    const b = new RoleBroadcast(5, ['a', 'b'], 0);
    b.forget('a');
    expect(b.remaining).toBe(1);
    const tried: string[] = [];
    b.resend((id) => (tried.push(id), true));
    expect(tried).toEqual(['b']);
  });

  it('lists its receivers, and leaves out of a resend those held back (a first attempt still delayed by a debug action)', () => {
    const b = new RoleBroadcast(5, ['a', 'b', 'c'], 0);
    expect(b.receivers()).toEqual(['a', 'b', 'c']);
    const tried: string[] = [];
    expect(b.resend((id) => (tried.push(id), true), (id) => id === 'b')).toEqual({ sent: 2, failed: 0 });
    expect(tried).toEqual(['a', 'c']);
    expect(b.remaining).toBe(3); // held is not answered
  });

  it('is done at once with nobody to tell', () => {
    expect(new RoleBroadcast(1, [], 0).done).toBe(true);
  });
});
