import type { DebugActionLabel, DebugActionOutcome } from '@statestore-ha/config';
import { FirstAttempts, NO_DEBUG_ACTIONS, type DebugActionHook, type LateAttempt } from './first-attempt';

const LABEL = 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT';

/** A hook that gives each attempt the next outcome in turn and records the labels it was asked for. */
function scripted(...outcomes: DebugActionOutcome[]): DebugActionHook & { asked: DebugActionLabel[] } {
  const asked: DebugActionLabel[] = [];
  const hook = (label: DebugActionLabel): DebugActionOutcome => {
    asked.push(label);
    return outcomes.shift() ?? { delayMs: 0, fail: false };
  };
  return Object.assign(hook, { asked });
}

const FAIL: DebugActionOutcome = { delayMs: 0, fail: true, injected: `${LABEL}:FAIL@1` };

describe('FirstAttempts', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('without debug actions sends to everyone at once and counts what could not go out', () => {
    const f = new FirstAttempts(LABEL, NO_DEBUG_ACTIONS);
    const sent: string[] = [];
    const r = f.run(['a', 'b', 'c'], (id) => (sent.push(id), id !== 'b'), () => undefined);
    expect(r).toEqual({ sent: 2, failed: 1, injected: 0, delayed: 0 });
    expect(sent).toEqual(['a', 'b', 'c']);
  });

  it('FAIL: the attempt is not made, counts as failed and names the entry; one draw per receiver', () => {
    const hook = scripted(FAIL, { delayMs: 0, fail: false }, FAIL);
    const f = new FirstAttempts(LABEL, hook);
    const sent: string[] = [];
    const r = f.run(['a', 'b', 'c'], (id) => (sent.push(id), true), () => undefined);
    expect(r).toEqual({ sent: 1, failed: 2, injected: 2, delayed: 0, injectedBy: `${LABEL}:FAIL@1` });
    expect(sent).toEqual(['b']);
    expect(hook.asked).toEqual([LABEL, LABEL, LABEL]);
    expect(f.isHeld('a')).toBe(false); // a failed attempt is left to the resend pass at once
  });

  it('SLEEP: the receiver is held (resends leave it alone) until its delay is over, then sent to', () => {
    const f = new FirstAttempts(LABEL, scripted({ delayMs: 300, fail: false }));
    const sent: string[] = [];
    const late: Array<[string, LateAttempt]> = [];
    const r = f.run(['a', 'b'], (id) => (sent.push(id), true), (id, result) => late.push([id, result]));
    expect(r).toEqual({ sent: 1, failed: 0, injected: 0, delayed: 1 });
    expect(sent).toEqual(['b']);
    expect(f.isHeld('a')).toBe(true);
    jest.advanceTimersByTime(299);
    expect(sent).toEqual(['b']);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual(['b', 'a']);
    expect(late).toEqual([['a', 'sent']]);
    expect(f.isHeld('a')).toBe(false);
  });

  it('a delayed attempt that cannot go out, or that the hook also fails, is reported as such', () => {
    const f = new FirstAttempts(LABEL, scripted({ delayMs: 10, fail: false }, { delayMs: 20, fail: true, injected: `${LABEL}:FAIL@1` }));
    const late: Array<[string, LateAttempt]> = [];
    const sent: string[] = [];
    const r = f.run(['down', 'failed'], (id) => (sent.push(id), false), (id, result) => late.push([id, result]));
    expect(r).toMatchObject({ delayed: 2, injectedBy: `${LABEL}:FAIL@1` });
    jest.advanceTimersByTime(20);
    expect(late).toEqual([['down', 'failed'], ['failed', 'injected']]);
    expect(sent).toEqual(['down']); // the failed one is never sent
  });

  it('forget and cancel drop delayed attempts: nothing is sent for them', () => {
    const f = new FirstAttempts(LABEL, scripted({ delayMs: 50, fail: false }, { delayMs: 50, fail: false }, { delayMs: 50, fail: false }));
    const sent: string[] = [];
    f.run(['a', 'b', 'c'], (id) => (sent.push(id), true), () => undefined);
    f.forget('a');
    expect(f.isHeld('a')).toBe(false);
    expect(f.isHeld('b')).toBe(true);
    f.cancel();
    jest.advanceTimersByTime(100);
    expect(sent).toEqual([]);
    expect(f.isHeld('b')).toBe(false);
  });
});
