import { boundsFor } from '../history';
import type { Measurements, Promotion } from '../history';
import { DEFAULT_TIMING } from '../cluster';
import { judge } from './verdict';
import type { VerdictInput } from './verdict';

const bounds = boundsFor(DEFAULT_TIMING);

function measurements(promotions: Promotion[], over: Partial<Measurements> = {}): Measurements {
  return {
    faultAtMs: 1000,
    takeoverEpisodeAtMs: 1000,
    healAtMs: 5000,
    endAtMs: 9000,
    promotions,
    detectionMs: undefined,
    failoverMs: undefined,
    fullConvergenceMs: 4500,
    convergenceAfterHealMs: 500,
    settledActive: 'statestored-1',
    unavailable: [],
    unavailableTotalMs: 0,
    earlierHeals: [],
    ...over,
  };
}

function input(over: Partial<VerdictInput>): VerdictInput {
  return {
    expectation: { takeover: 'no-takeover', finalActive: 'old-active', maxPromotions: 0 },
    active: 'statestored-1',
    standby: 'statestored-2',
    settledAtMs: 0,
    events: [],
    measurements: measurements([]),
    bounds,
    safety: [],
    agreement: undefined,
    checks: [],
    ...over,
  };
}

const takeover: Promotion = { t: 3000, daemon: 'statestored-2', from: 'standby', epoch: 20n, reason: 'takeover' };

describe('judge', () => {
  it('passes a quiet run that expected no takeover', () => {
    expect(judge(input({}))).toEqual([]);
  });

  it('rejects a takeover the scenario forbids', () => {
    const failures = judge(input({ measurements: measurements([takeover], { settledActive: 'statestored-2' }) }));
    expect(failures.join('\n')).toMatch(/expected no takeover, got statestored-2 \(takeover\) \+2000 ms/);
    expect(failures.join('\n')).toMatch(/expected statestored-1 active at the end, got statestored-2/);
  });

  it('judges every earlier heal whose quiet stretch outlasted the bound, and only those', () => {
    const long = bounds.convergenceMs + 1000;
    const ok = judge(input({ measurements: measurements([], { earlierHeals: [{ healAtMs: 2000, quietMs: long, convergedAfterMs: 800 }, { healAtMs: 3000, quietMs: 300, convergedAfterMs: undefined }] }) }));
    expect(ok).toEqual([]);
    const late = judge(input({ measurements: measurements([], { earlierHeals: [{ healAtMs: 2000, quietMs: long, convergedAfterMs: bounds.convergenceMs + 1 }] }) }));
    expect(late.join('\n')).toMatch(new RegExp(`converged ${bounds.convergenceMs + 1} ms after the heal at \\+1000 ms`));
    const never = judge(input({ measurements: measurements([], { earlierHeals: [{ healAtMs: 2000, quietMs: long, convergedAfterMs: undefined }] }) }));
    expect(never.join('\n')).toMatch(/never converged after the heal at \+1000 ms/);
  });

  it('does not count an active re-taking its own role after recovery as a hand-over', () => {
    const own: Promotion = { t: 4000, daemon: 'statestored-1', from: 'recovery', epoch: 30n, reason: 'handshake' };
    expect(judge(input({ measurements: measurements([own]) }))).toEqual([]);
  });

  it('reports a flip-flop when the old active takes the role back after a takeover', () => {
    const back: Promotion = { t: 6000, daemon: 'statestored-1', from: 'recovery', epoch: 30n, reason: 'handshake' };
    const failures = judge(
      input({
        expectation: { takeover: 'takeover', finalActive: 'old-standby', maxPromotions: 1 },
        measurements: measurements([takeover, back], { detectionMs: 2000, failoverMs: 2010 }),
      }),
    );
    expect(failures.join('\n')).toMatch(/flip-flop: the active role changed hands 2 times, at most 1 allowed/);
    expect(failures.join('\n')).toMatch(/expected statestored-2 active at the end, got statestored-1/);
  });

  it('holds a takeover to the detection and failover bounds', () => {
    const failures = judge(
      input({
        expectation: { takeover: 'takeover', finalActive: 'old-standby', maxPromotions: 1 },
        measurements: measurements([takeover], { settledActive: 'statestored-2', detectionMs: bounds.detectionMs + 1, failoverMs: bounds.failoverMs + 1 }),
      }),
    );
    expect(failures).toEqual([`detection took ${bounds.detectionMs + 1} ms, bound ${bounds.detectionMs} ms`, `failover took ${bounds.failoverMs + 1} ms, bound ${bounds.failoverMs} ms`]);
  });

  it('fails a run that never converged, and one whose Prometheus disagrees', () => {
    const failures = judge(
      input({
        measurements: measurements([], { settledActive: undefined, convergenceAfterHealMs: undefined }),
        agreement: { compared: 3, skipped: 0, maxAbsDeltaMs: 100, disagreements: ['x'], activeSumAtEnd: 2 },
      }),
    );
    expect(failures).toEqual([`never converged after the heal (bound ${bounds.convergenceMs} ms)`, 'prometheus: x', 'prometheus: sum(statestore_is_active) = 2 once settled, want 1']);
  });
});
