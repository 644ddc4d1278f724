import { debugActionFor, parseDebugActions } from './debug-actions';

describe('parseDebugActions', () => {
  it('reads nothing from an empty value', () => {
    expect(parseDebugActions('')).toEqual({ ok: true, value: { disableStatestoreNetwork: false, actions: [] } });
  });

  it("reads Impala's whole-value DISABLE_STATESTORE_NETWORK", () => {
    expect(parseDebugActions('DISABLE_STATESTORE_NETWORK')).toEqual({ ok: true, value: { disableStatestoreNetwork: true, actions: [] } });
  });

  it('reads LABEL:COMMAND@params entries joined by |, case-insensitively like Impala', () => {
    const parsed = parseDebugActions(
      'send_update_statestored_rpc_first_attempt:fail@0.5|STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:SLEEP@200|SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT:JITTER@100',
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        disableStatestoreNetwork: false,
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
      expect(parsed.problems[3]).toBe('"justwords" is not DISABLE_STATESTORE_NETWORK or LABEL:COMMAND[@param]');
      expect(parsed.problems[4]).toBe('SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT: "SLEEP@x": parameters after @ must be numbers');
    }
  });

  it('refuses a SLEEP without its duration', () => {
    expect(parseDebugActions('STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:SLEEP').ok).toBe(false);
  });
});
