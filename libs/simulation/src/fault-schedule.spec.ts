import { SeededPrng } from '@statestore-ha/testing';
import { describeFault, randomSchedule } from './fault-schedule';

const ss = ['ss1', 'ss2'];
const subs = ['catalogd1', 'catalogd2', 'impalad1'];
const shape = { settleMs: 1000, windowMs: 3000, maxFaults: 6 };

describe('random fault schedules', () => {
  it('are a function of the seed', () => {
    expect(randomSchedule(new SeededPrng(5), ss, subs, shape)).toEqual(randomSchedule(new SeededPrng(5), ss, subs, shape));
    expect(randomSchedule(new SeededPrng(5), ss, subs, shape)).not.toEqual(randomSchedule(new SeededPrng(6), ss, subs, shape));
  });

  it('keep every fault inside the window, in time order, before the heal', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const s = randomSchedule(new SeededPrng(seed), ss, subs, shape);
      expect(s.healAtMs).toBe(4000);
      const times = s.faults.map((f) => f.atMs);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      for (const t of times) {
        expect(t).toBeGreaterThanOrEqual(1000);
        expect(t).toBeLessThan(4000);
      }
    }
  });

  it('over many seeds produce every kind of fault, including a cut of only the peer link', () => {
    const kinds = new Set<string>();
    let peerOnly = 0;
    for (let seed = 1; seed <= 300; seed++) {
      for (const { fault } of randomSchedule(new SeededPrng(seed), ss, subs, shape).faults) {
        kinds.add(fault.kind);
        if (describeFault(fault) === 'partition ss1<->ss2') peerOnly++;
      }
    }
    expect([...kinds].sort()).toEqual(['crash', 'cutOneWay', 'cutSubscribers', 'heal', 'holdLink', 'isolate', 'partition', 'pause', 'restart', 'resume', 'slowLink']);
    expect(peerOnly).toBeGreaterThan(10);
  });
});
