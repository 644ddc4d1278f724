import { debugActionFor, decideDebugAction, NO_DEBUG_ACTION, parseDebugActions, type DebugActions } from './debug-actions';

describe('parseDebugActions', () => {
  it('reads nothing from an empty value', () => {
    expect(parseDebugActions('')).toEqual({ ok: true, value: { disableStatestoreNetwork: false, unsafeSkipMajorityCheck: false, actions: [] } });
  });

  it("reads Impala's whole-value DISABLE_STATESTORE_NETWORK", () => {
    expect(parseDebugActions('DISABLE_STATESTORE_NETWORK')).toEqual({ ok: true, value: { disableStatestoreNetwork: true, unsafeSkipMajorityCheck: false, actions: [] } });
  });

  it('reads LABEL:COMMAND@params entries joined by |, case-insensitively like Impala', () => {
    const parsed = parseDebugActions(
      'send_update_statestored_rpc_first_attempt:fail@0.5|STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:SLEEP@200|SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT:JITTER@100',
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        disableStatestoreNetwork: false,
        unsafeSkipMajorityCheck: false,
        actions: [
          { label: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT', command: { kind: 'FAIL', probability: 0.5 } },
          { label: 'STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT', command: { kind: 'SLEEP', millis: 200 } },
          { label: 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT', command: { kind: 'JITTER', maxMillis: 100, probability: 1 } },
        ],
      },
    });
    if (parsed.ok) {
      expect(debugActionFor(parsed.value, 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT')).toEqual({ kind: 'FAIL', probability: 0.5 });
      expect(parsed.value.actions.find((a) => a.label === 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT')).toBeDefined();
    }
  });

  it('defaults FAIL to probability 1', () => {
    const parsed = parseDebugActions('SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT:FAIL');
    expect(parsed.ok && debugActionFor(parsed.value, 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT')).toEqual({ kind: 'FAIL', probability: 1 });
  });

  it('lists every problem, each naming its entry', () => {
    const parsed = parseDebugActions('NO_SUCH_LABEL:FAIL|SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT:FAIL@1.5|STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:EXPLODE|justwords|SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:SLEEP@x');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problems).toHaveLength(5);
      expect(parsed.problems[0]).toMatch(/^unknown label "NO_SUCH_LABEL" \(known: DISABLE_STATESTORE_NETWORK, /);
      expect(parsed.problems[1]).toBe('SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT: "FAIL@1.5": expected FAIL or FAIL@<probability in [0, 1]>');
      expect(parsed.problems[2]).toBe('STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT: unknown command "EXPLODE" (known: FAIL, SLEEP, JITTER)');
      expect(parsed.problems[3]).toBe('"justwords" is not DISABLE_STATESTORE_NETWORK, STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK or LABEL:COMMAND[@param]');
      expect(parsed.problems[4]).toBe('SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT: "SLEEP@x": parameters after @ must be numbers');
    }
  });

  it('reads our bare STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK beside the others', () => {
    expect(parseDebugActions('DISABLE_STATESTORE_NETWORK|statestore_ha_unsafe_skip_majority_check')).toEqual({
      ok: true,
      value: { disableStatestoreNetwork: true, unsafeSkipMajorityCheck: true, actions: [] },
    });
  });

  it('refuses a SLEEP without its duration', () => {
    expect(parseDebugActions('STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:SLEEP').ok).toBe(false);
  });
});

describe('decideDebugAction', () => {
  const parsed = (text: string): DebugActions => {
    const p = parseDebugActions(text);
    if (!p.ok) throw new Error(p.problems.join('; '));
    return p.value;
  };
  /** A random source that returns `values` in turn and fails the test if asked for more. */
  const draws = (...values: number[]): (() => number) => () => {
    const v = values.shift();
    if (v === undefined) throw new Error('drew more random numbers than expected');
    return v;
  };
  const LABEL = 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT';

  it('lets the attempt go ahead when no entry has the label, drawing nothing', () => {
    expect(decideDebugAction(parsed(''), LABEL, draws())).toBe(NO_DEBUG_ACTION);
    expect(decideDebugAction(parsed('DISABLE_STATESTORE_NETWORK|SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT:FAIL'), LABEL, draws())).toEqual({ delayMs: 0, fail: false });
  });

  it('FAIL and FAIL@1.0 always fail, without drawing (Impala: rand() < 1.0 * (RAND_MAX + 1) always holds)', () => {
    expect(decideDebugAction(parsed(`${LABEL}:FAIL`), LABEL, draws())).toEqual({ delayMs: 0, fail: true, injected: `${LABEL}:FAIL@1` });
    expect(decideDebugAction(parsed(`${LABEL}:FAIL@1.0`), LABEL, draws())).toMatchObject({ fail: true });
  });

  it('FAIL@p fails when the draw is below p, and FAIL@0 never fails', () => {
    expect(decideDebugAction(parsed(`${LABEL}:FAIL@0.3`), LABEL, draws(0.29))).toMatchObject({ fail: true, delayMs: 0 });
    expect(decideDebugAction(parsed(`${LABEL}:FAIL@0.3`), LABEL, draws(0.3))).toEqual({ delayMs: 0, fail: false });
    expect(decideDebugAction(parsed(`${LABEL}:FAIL@0`), LABEL, draws(0))).toEqual({ delayMs: 0, fail: false });
  });

  it('SLEEP@ms delays by exactly ms and does not fail', () => {
    expect(decideDebugAction(parsed(`${LABEL}:SLEEP@250`), LABEL, draws())).toEqual({ delayMs: 250, fail: false });
  });

  it('JITTER@ms delays uniformly in 0..ms (Impala: rand() % (ms + 1)); JITTER@ms@p only with probability p', () => {
    expect(decideDebugAction(parsed(`${LABEL}:JITTER@100`), LABEL, draws(0))).toBe(NO_DEBUG_ACTION);
    expect(decideDebugAction(parsed(`${LABEL}:JITTER@100`), LABEL, draws(0.5))).toEqual({ delayMs: 50, fail: false });
    expect(decideDebugAction(parsed(`${LABEL}:JITTER@100`), LABEL, draws(0.999999))).toEqual({ delayMs: 100, fail: false });
    expect(decideDebugAction(parsed(`${LABEL}:JITTER@100@0.5`), LABEL, draws(0.7))).toBe(NO_DEBUG_ACTION);
    expect(decideDebugAction(parsed(`${LABEL}:JITTER@100@0.5`), LABEL, draws(0.2, 0.25))).toEqual({ delayMs: 25, fail: false });
  });

  it('runs every entry for the label in order: sleeps add up, a FAIL stops there with the sleeps before it', () => {
    const a = parsed(`${LABEL}:SLEEP@100|STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:SLEEP@999|${LABEL}:FAIL|${LABEL}:SLEEP@5000`);
    expect(decideDebugAction(a, LABEL, draws())).toEqual({ delayMs: 100, fail: true, injected: `${LABEL}:FAIL@1` });
    expect(decideDebugAction(a, 'STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT', draws())).toEqual({ delayMs: 999, fail: false });
  });

  it('FAIL@0.5 over draws spread evenly on [0, 1) fails exactly half the attempts', () => {
    const a = parsed(`${LABEL}:FAIL@0.5`);
    const fails = Array.from({ length: 100 }, (_, i) => decideDebugAction(a, LABEL, () => i / 100).fail).filter(Boolean).length;
    expect(fails).toBe(50);
  });
});
