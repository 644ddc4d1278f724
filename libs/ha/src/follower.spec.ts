import { activeStatestore, connStateOf, inGracePeriod, initialFollowerState, stepFollower, type FollowerEvent, type FollowerState } from './follower';

const cfg = { haEnabled: true, subscriberTimeoutMs: 1000, recoveryGracePeriodMs: 500 };

function feed(s0: FollowerState, evs: ReadonlyArray<[number, FollowerEvent]>) {
  let s = s0;
  const fx = [];
  for (const [t, ev] of evs) {
    const r = stepFollower(s, ev, t);
    s = r.state;
    fx.push(...r.effects);
  }
  return { s, fx };
}

const registered = (): FollowerState =>
  feed(initialFollowerState(cfg), [
    [0, { kind: 'registered', index: 1, statestoreId: 'a', isActive: true, epoch: 10 }],
    [0, { kind: 'registered', index: 2, statestoreId: 'b', isActive: false, epoch: 0 }],
  ]).s;

describe('follower', () => {
  it('reports its detector on the OTHER statestored: OK, then FAILED after the timeout', () => {
    let s = registered();
    const ask = (t: number) => {
      const r = stepFollower(s, { kind: 'heartbeat', index: 2, requestConnState: true }, t);
      s = r.state;
      return r.effects[0];
    };
    expect(ask(400)).toEqual({ kind: 'replyHeartbeat', index: 2, connState: 'OK', highestEpochSeen: 10 });
    expect(ask(900)).toMatchObject({ connState: 'OK' }); // SUSPECTED reports OK
    expect(ask(1001)).toMatchObject({ connState: 'FAILED' });
    expect(connStateOf(s, 2, 1001)).toBe('OK'); // statestored 2 just heartbeated
  });

  it('does not report unless asked', () => {
    const r = stepFollower(registered(), { kind: 'heartbeat', index: 2, requestConnState: false }, 5);
    expect(r.effects).toEqual([{ kind: 'replyHeartbeat', index: 2, connState: null, highestEpochSeen: 10 }]);
  });

  it('a never-heard statestored is UNKNOWN (Impala), or FAILED a timeout after the start when the start is given', () => {
    const s = feed(initialFollowerState(cfg), [[0, { kind: 'registered', index: 1, statestoreId: 'a', isActive: true, epoch: 10 }]]).s;
    expect(connStateOf(s, 2, 5000)).toBe('UNKNOWN');
    const t = feed(initialFollowerState(cfg, 100), [[200, { kind: 'registered', index: 1, statestoreId: 'a', isActive: true, epoch: 10 }]]).s;
    expect(connStateOf(t, 2, 1100)).toBe('OK');
    expect(connStateOf(t, 2, 1101)).toBe('FAILED');
  });

  it('switches on a newer role notification and starts the grace period', () => {
    const { s, fx } = feed(registered(), [[100, { kind: 'roleNotification', index: 2, epoch: 11, isActive: true }]]);
    expect(activeStatestore(s)).toBe(2);
    expect(fx).toContainEqual({ kind: 'activeChanged', from: 1, to: 2, epoch: 11, failover: true });
    expect(inGracePeriod(s, 599)).toBe(true);
    expect(inGracePeriod(s, 600)).toBe(false);
    expect(s.counters).toEqual({ roleNotifications: 1, staleEpochRejections: 0, activeChanges: 2 });
  });

  it('refuses an equal epoch from the other statestored, and a stale registration reply', () => {
    const { s, fx } = feed(registered(), [
      [1, { kind: 'roleNotification', index: 2, epoch: 10, isActive: true }],
      [2, { kind: 'registered', index: 2, statestoreId: 'b', isActive: true, epoch: 9 }],
    ]);
    expect(activeStatestore(s)).toBe(1);
    expect(fx).toContainEqual(expect.objectContaining({ kind: 'answerRoleNotification', outcome: 'stale' }));
    expect(fx).toContainEqual({ kind: 'staleRegistration', index: 2, epoch: 9, highestEpochSeen: 10 });
  });

  it('skips messages from a statestored it has no registration with', () => {
    const s = feed(initialFollowerState(cfg), [[0, { kind: 'registered', index: 1, statestoreId: 'a', isActive: true, epoch: 10 }]]).s;
    const r = stepFollower(s, { kind: 'topicUpdate', index: 2, epoch: 99 }, 1);
    expect(r.effects).toEqual([{ kind: 'answerTopicUpdate', index: 2, outcome: 'skipped', highestEpochSeen: 10 }]);
  });

  it('an update under a newer epoch from the other statestored is a promotion it missed: follow it', () => {
    const { s } = feed(registered(), [[1, { kind: 'topicUpdate', index: 2, epoch: 12 }]]);
    expect(activeStatestore(s)).toBe(2);
  });

  it('a statestored saying it is no longer active is no longer followed', () => {
    const { s, fx } = feed(registered(), [[1, { kind: 'roleNotification', index: 1, epoch: 10, isActive: false }]]);
    expect(activeStatestore(s)).toBeNull();
    expect(fx).toContainEqual({ kind: 'activeChanged', from: 1, to: null, epoch: 10, failover: false });
  });

  it('re-registering with the active after a lost link starts the grace period', () => {
    const { s } = feed(registered(), [
      [100, { kind: 'linkDown', index: 1 }],
      [200, { kind: 'registered', index: 1, statestoreId: 'a', isActive: true, epoch: 10 }],
    ]);
    expect(inGracePeriod(s, 300)).toBe(true);
  });

  it('without HA follows statestored 1 with epoch 0 and refuses index 2 as a broken invariant', () => {
    const s0 = initialFollowerState({ ...cfg, haEnabled: false });
    const { s } = feed(s0, [
      [0, { kind: 'registered', index: 1, statestoreId: 'a', isActive: true, epoch: 0 }],
      [1, { kind: 'topicUpdate', index: 1, epoch: 0 }],
    ]);
    expect(activeStatestore(s)).toBe(1);
    expect(() => stepFollower(s, { kind: 'heartbeat', index: 2, requestConnState: false }, 2)).toThrow(/enable_statestored_ha/);
  });
});
