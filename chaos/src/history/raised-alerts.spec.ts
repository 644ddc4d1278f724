import { checkTakeoverAlert, TAKEOVER_ALERT } from './raised-alerts';
import type { RaisedAlert } from './raised-alerts';
import type { RunEvent } from './run-events';

const takeover = (t: number, daemon: string, failoverMs: number | null = 2000): RunEvent => ({
  kind: 'roleChange',
  t,
  daemon,
  pid: 1,
  from: 'standby',
  to: 'active',
  epoch: 2n,
  reason: 'takeover',
  failoverMs,
});
const fired = (daemon: string, state: RaisedAlert['state'] = 'firing'): RaisedAlert => ({ name: TAKEOVER_ALERT, state, daemon, firstAtMs: 0 });

describe('checkTakeoverAlert', () => {
  it('agrees when the alert fired for exactly the daemon that took over', () => {
    expect(checkTakeoverAlert([fired('statestored-2')], [takeover(100, 'statestored-2')], 250)).toEqual({
      ok: true,
      detail: `takeovers in the history: statestored-2; ${TAKEOVER_ALERT} fired for: statestored-2`,
    });
  });

  it('fails on a takeover the alert missed, and on an alert with no takeover behind it', () => {
    expect(checkTakeoverAlert([], [takeover(100, 'statestored-2')], 250).ok).toBe(false);
    expect(checkTakeoverAlert([fired('statestored-1')], [], 250)).toEqual({ ok: false, detail: `takeovers in the history: none; ${TAKEOVER_ALERT} fired for: statestored-1` });
    // Pending is not firing.
    expect(checkTakeoverAlert([fired('statestored-2', 'pending')], [takeover(100, 'statestored-2')], 250).ok).toBe(false);
  });

  it('owes no alert for a takeover without a measured failover, nor for one killed before a scrape could see it', () => {
    expect(checkTakeoverAlert([], [takeover(100, 'statestored-2', null)], 250).ok).toBe(true);
    const killedAtOnce: RunEvent[] = [takeover(100, 'statestored-2'), { kind: 'fault', t: 300, action: 'kill', daemons: ['statestored-2'], label: 'kill' }];
    expect(checkTakeoverAlert([], killedAtOnce, 250).ok).toBe(true);
    // ... but it still excuses the alert when the scraper did catch it.
    expect(checkTakeoverAlert([fired('statestored-2')], killedAtOnce, 250).ok).toBe(true);
    const killedLater: RunEvent[] = [takeover(100, 'statestored-2'), { kind: 'fault', t: 5000, action: 'kill', daemons: ['statestored-2'], label: 'kill' }];
    expect(checkTakeoverAlert([], killedLater, 250).ok).toBe(false);
  });
});
