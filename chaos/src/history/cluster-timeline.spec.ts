import { ClusterTimeline } from './cluster-timeline';
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
