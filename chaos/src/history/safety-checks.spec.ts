import { checkSafety } from './safety-checks';
import type { FollowEvent, RoleChangeEvent } from './run-events';

const promote = (t: number, daemon: string, epoch: bigint, reason = 'takeover', from = 'standby'): RoleChangeEvent => ({
  kind: 'roleChange',
  t,
  daemon,
  pid: 1,
  from,
  to: 'active',
  epoch,
  reason,
  failoverMs: reason === 'takeover' ? 2000 : null,
});
const follow = (t: number, daemon: string, to: number, epoch: bigint, from: number | null = null): FollowEvent => ({ kind: 'follow', t, daemon, pid: 2, from, to, epoch, failover: from !== null });

describe('checkSafety', () => {
  it('accepts a clean takeover: new epoch, every subscriber switches once, upwards', () => {
    const events = [promote(0, 'statestored-1', 10n, 'handshake', 'starting'), follow(1, 'executor-1', 1, 10n), promote(100, 'statestored-2', 20n), follow(101, 'executor-1', 2, 20n, 1)];
    expect(checkSafety(events)).toEqual([]);
  });

  it('flags two statestoreds claiming one epoch (a subscriber followed both under it)', () => {
    const events = [promote(0, 'statestored-1', 10n, 'handshake', 'starting'), follow(5, 'executor-1', 2, 10n)];
    expect(checkSafety(events).map((v) => v.rule)).toContain('one active per epoch');
  });

  it('flags a subscriber going back to an older epoch', () => {
    const events = [follow(1, 'executor-1', 1, 20n), follow(2, 'executor-1', 1, 10n)];
    expect(checkSafety(events).map((v) => v.rule)).toContain('monotonic epochs per subscriber');
  });

  it('does not read following nobody as a claim or a switch', () => {
    const events = [promote(0, 'statestored-2', 20n), follow(1, 'executor-1', 2, 20n), { ...follow(2, 'executor-1', 2, 20n, 2), to: null }, promote(3, 'statestored-1', 30n), follow(4, 'executor-1', 1, 30n)];
    expect(checkSafety(events)).toEqual([]);
  });

  it('flags a switch of statestored without a newer epoch', () => {
    const events = [promote(0, 'statestored-1', 10n, 'handshake', 'starting'), follow(1, 'executor-1', 1, 10n), promote(2, 'statestored-2', 10n)];
    const rules = checkSafety(events).map((v) => v.rule);
    expect(rules).toContain('one active per epoch');
    expect(rules).toContain('promotions take larger epochs');
  });
});
