import {
  missedHeartbeatDetector,
  missedHeartbeatState,
  recordHeartbeatAt,
  recordHeartbeatResult,
  timeoutDetector,
  timeoutNextChangeMs,
  timeoutState,
} from './failure-detector';

describe('MissedHeartbeatFailureDetector', () => {
  it('is UNKNOWN before any result, then counts consecutive misses (max 10, suspect 5)', () => {
    let d = missedHeartbeatDetector(10);
    expect(missedHeartbeatState(d)).toBe('UNKNOWN');
    d = recordHeartbeatResult(d, true);
    expect(missedHeartbeatState(d)).toBe('OK');
    const states: string[] = [];
    for (let i = 1; i <= 10; i++) {
      d = recordHeartbeatResult(d, false);
      states.push(missedHeartbeatState(d));
    }
    expect(states).toEqual(['OK', 'OK', 'OK', 'OK', 'SUSPECTED', 'SUSPECTED', 'SUSPECTED', 'SUSPECTED', 'SUSPECTED', 'FAILED']);
    d = recordHeartbeatResult(d, true);
    expect(missedHeartbeatState(d)).toBe('OK');
  });

  it('rejects a non-positive max', () => {
    expect(() => missedHeartbeatDetector(0)).toThrow(/positive/);
  });
});

describe('TimeoutFailureDetector', () => {
  it('is UNKNOWN until the first heartbeat, then SUSPECTED after half and FAILED after the timeout', () => {
    let d = timeoutDetector(2000);
    expect(timeoutState(d, 100)).toBe('UNKNOWN');
    d = recordHeartbeatAt(d, 1000);
    expect(timeoutState(d, 2000)).toBe('OK');
    expect(timeoutState(d, 2001)).toBe('SUSPECTED');
    expect(timeoutState(d, 3000)).toBe('SUSPECTED');
    expect(timeoutState(d, 3001)).toBe('FAILED');
    expect(timeoutNextChangeMs(d, 1500)).toBe(2001);
    expect(timeoutNextChangeMs(d, 2500)).toBe(3001);
    expect(timeoutNextChangeMs(d, 3001)).toBeNull();
  });

  it('a late heartbeat event never moves the last heartbeat backwards', () => {
    const d = recordHeartbeatAt(recordHeartbeatAt(timeoutDetector(1000), 5000), 4000);
    expect(d.lastHeartbeatMs).toBe(5000);
  });
});
