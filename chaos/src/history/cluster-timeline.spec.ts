import { ClusterTimeline, faultFreeWindows } from './cluster-timeline';
import { measure } from './measurements';
import type { RunEvent } from './run-events';

const SUBS = ['catalogd-1', 'executor-1', 'executor-2', 'coordinator-1'];

function settledOn1(): RunEvent[] {
  return [
    { kind: 'roleChange', t: 0, daemon: 'statestored-1', pid: 1, from: 'starting', to: 'active', epoch: 1n, reason: 'handshake', failoverMs: null },
    { kind: 'roleChange', t: 0, daemon: 'statestored-2', pid: 2, from: 'starting', to: 'standby', epoch: 0n, reason: 'handshake', failoverMs: null },
    ...SUBS.map((d): RunEvent => ({ kind: 'follow', t: 10, daemon: d, pid: 3, from: null, to: 1, epoch: 1n, failover: false })),
  ];
}

describe('ClusterTimeline availability', () => {
  it('is available while the active serves a majority over working links', () => {
    const t = new ClusterTimeline(settledOn1(), ['statestored-1', 'statestored-2'], SUBS);
    expect(t.servingAt(5)).toBeUndefined();
    expect(t.servingAt(50)).toBe('statestored-1');
    expect(t.unavailableWindows(20, 1000)).toEqual([]);
  });

  it('counts half of the subscribers cut off as unavailable, and the heal ends it', () => {
    const events: RunEvent[] = [
      ...settledOn1(),
      { kind: 'fault', t: 100, action: 'cut', daemons: ['statestored-1', 'catalogd-1'], label: 'cut' },
      { kind: 'fault', t: 100, action: 'cut', daemons: ['executor-1', 'statestored-1'], label: 'cut' },
      { kind: 'fault', t: 400, action: 'healAll', daemons: [], label: 'heal' },
    ];
    const t = new ClusterTimeline(events, ['statestored-1', 'statestored-2'], SUBS);
    expect(t.unavailableWindows(20, 1000, 10)).toEqual([{ startMs: 100, endMs: 400 }]);
  });

  it('ends the window when a majority follows the new active', () => {
    const events: RunEvent[] = [
      ...settledOn1(),
      { kind: 'fault', t: 100, action: 'kill', daemons: ['statestored-1'], label: 'kill' },
      { kind: 'roleChange', t: 300, daemon: 'statestored-2', pid: 2, from: 'standby', to: 'active', epoch: 2n, reason: 'takeover', failoverMs: 200 },
      ...SUBS.slice(0, 3).map((d): RunEvent => ({ kind: 'follow', t: 310, daemon: d, pid: 3, from: 1, to: 2, epoch: 2n, failover: true })),
    ];
    const t = new ClusterTimeline(events, ['statestored-1', 'statestored-2'], SUBS);
    expect(t.roleAt('statestored-1', 200)).toBe('down');
    expect(t.unavailableWindows(20, 1000, 10)).toEqual([{ startMs: 100, endMs: 310 }]);
  });
});

describe('faultFreeWindows', () => {
  it('opens a window when the last fault in force is healed and closes it at the next fault', () => {
    const events: RunEvent[] = [
      ...settledOn1(),
      { kind: 'fault', t: 100, action: 'cut', daemons: ['statestored-1', 'catalogd-1'], label: 'cut' },
      { kind: 'fault', t: 150, action: 'kill', daemons: ['statestored-2'], label: 'kill' },
      { kind: 'fault', t: 200, action: 'healAll', daemons: [], label: 'heal' }, // statestored-2 still down
      { kind: 'fault', t: 300, action: 'restart', daemons: ['statestored-2'], label: 'restart' },
      { kind: 'fault', t: 900, action: 'latency', daemons: ['statestored-1', 'executor-1'], label: 'latency' },
      { kind: 'fault', t: 1000, action: 'healAll', daemons: [], label: 'heal' },
      { kind: 'fault', t: 1100, action: 'pause', daemons: ['statestored-1'], label: 'pause' },
      { kind: 'fault', t: 1200, action: 'resume', daemons: ['statestored-1'], label: 'resume' },
    ];
    expect(faultFreeWindows(events, 2000)).toEqual([
      { startMs: 300, endMs: 900 },
      { startMs: 1000, endMs: 1100 },
      { startMs: 1200, endMs: 2000 },
    ]);
  });

  it('measure() reports convergence after each earlier heal, not counting stale polls from before it', () => {
    const poll = (t: number, daemon: string, o: Partial<RunEvent>): RunEvent => ({ kind: 'observe', t, daemon, running: true, reachable: true, ...o }) as RunEvent;
    const settledPolls = (t: number): RunEvent[] => [
      poll(t, 'statestored-1', { role: 'active', peerConnected: true }),
      poll(t, 'statestored-2', { role: 'standby', peerConnected: true }),
      ...SUBS.map((d) => poll(t, d, { follows: 1 })),
    ];
    const events: RunEvent[] = [
      ...settledOn1(),
      ...settledPolls(50),
      { kind: 'fault', t: 100, action: 'cut', daemons: ['statestored-1', 'statestored-2'], label: 'cut' },
      poll(150, 'statestored-1', { role: 'active', peerConnected: false }),
      { kind: 'fault', t: 200, action: 'healAll', daemons: [], label: 'heal' },
      // The pair re-forms 400 ms after the heal; every other poll before that is still settled.
      ...settledPolls(600),
      ...settledPolls(700),
      { kind: 'fault', t: 1000, action: 'kill', daemons: ['executor-1'], label: 'kill' },
      { kind: 'fault', t: 1100, action: 'restart', daemons: ['executor-1'], label: 'restart' },
      ...settledPolls(1300),
    ];
    const m = measure(events, SUBS, 60);
    expect(m.earlierHeals).toEqual([{ healAtMs: 200, quietMs: 800, convergedAfterMs: 400 }]);
    expect(m.convergenceAfterHealMs).toBe(200);
  });

  it('measure() times detection and failover from the fault episode the takeover happened in', () => {
    const events: RunEvent[] = [
      ...settledOn1(),
      // An earlier episode, healed: a minute-long nemesis run must not count from here.
      { kind: 'fault', t: 100, action: 'cut', daemons: ['statestored-1', 'statestored-2'], label: 'cut' },
      { kind: 'fault', t: 500, action: 'healAll', daemons: [], label: 'heal' },
      // The episode that causes the takeover: two operations, timed from the first.
      { kind: 'fault', t: 1000, action: 'cut', daemons: ['statestored-1', 'statestored-2'], label: 'cut' },
      { kind: 'fault', t: 1010, action: 'cut', daemons: ['statestored-1', 'executor-1'], label: 'cut' },
      { kind: 'roleChange', t: 3100, daemon: 'statestored-2', pid: 2, from: 'standby', to: 'active', epoch: 2n, reason: 'takeover', failoverMs: 2000 },
      ...SUBS.slice(0, 3).map((d, i): RunEvent => ({ kind: 'follow', t: 3150 + i, daemon: d, pid: 3, from: 1, to: 2, epoch: 2n, failover: true })),
      { kind: 'fault', t: 4000, action: 'healAll', daemons: [], label: 'heal' },
    ];
    const m = measure(events, SUBS, 60);
    expect(m.faultAtMs).toBe(100);
    expect(m.takeoverEpisodeAtMs).toBe(1000);
    expect(m.detectionMs).toBe(2100);
    // The third of four subscribers makes the majority.
    expect(m.failoverMs).toBe(2152);
  });

  it('measure() falls back to the first fault when a heal came between the fault and the takeover', () => {
    const events: RunEvent[] = [
      ...settledOn1(),
      { kind: 'fault', t: 100, action: 'kill', daemons: ['statestored-1'], label: 'kill' },
      { kind: 'fault', t: 1900, action: 'restart', daemons: ['statestored-1'], label: 'restart' },
      { kind: 'roleChange', t: 2100, daemon: 'statestored-2', pid: 2, from: 'standby', to: 'active', epoch: 2n, reason: 'takeover', failoverMs: 2000 },
    ];
    const m = measure(events, SUBS, 60);
    expect(m.takeoverEpisodeAtMs).toBe(100);
    expect(m.detectionMs).toBe(2000);
  });
});
