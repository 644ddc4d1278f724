import { runSimulation, type SimResult } from './cluster-sim';
import type { FaultSchedule } from './fault-schedule';

const at = (atMs: number, fault: FaultSchedule['faults'][number]['fault']) => ({ atMs, fault });

/** ss1 wins the startup handshake (lower statestore_id), so it is the active when faults start. */
function run(faults: FaultSchedule['faults'], opts: { subscribers?: number; skip?: boolean } = {}): SimResult {
  return runSimulation({
    seed: 42,
    subscribers: opts.subscribers ?? 3,
    mutations: opts.skip === true ? ['skipMajorityCheck'] : [],
    schedule: { faults, healAtMs: 6000 },
  });
}


describe('cluster simulator, deterministic cases', () => {
  it('without faults converges on one active with every subscriber following it', () => {
    const r = run([]);
    expect(r.failure).toBeNull();
    expect(r.takeovers).toBe(0);
  });

  it('cutting only the statestored<->statestored link causes no takeover', () => {
    const r = run([at(1500, { kind: 'partition', a: 'ss1', b: 'ss2' })]);
    expect(r.failure).toBeNull();
    expect(r.takeovers).toBe(0);
  });

  it('a minority of subscribers losing the active causes no takeover, even with the peer link cut', () => {
    const r = run([
      at(1500, { kind: 'partition', a: 'ss1', b: 'ss2' }),
      at(1500, { kind: 'cutSubscribers', statestored: 'ss1', subscribers: ['impalad1'] }),
    ]);
    expect(r.failure).toBeNull();
    expect(r.takeovers).toBe(0);
  });

  it('a majority losing the active while the peer link is up causes no takeover (the peer is alive)', () => {
    const r = run([at(1500, { kind: 'cutSubscribers', statestored: 'ss1', subscribers: ['catalogd2', 'impalad1'] })]);
    expect(r.failure).toBeNull();
    expect(r.takeovers).toBe(0);
  });

  it('a majority losing the active with the peer link cut causes a takeover, then converges', () => {
    const r = run([
      at(1500, { kind: 'partition', a: 'ss1', b: 'ss2' }),
      at(1500, { kind: 'cutSubscribers', statestored: 'ss1', subscribers: ['catalogd2', 'impalad1'] }),
    ]);
    expect(r.failure).toBeNull();
    expect(r.takeovers).toBe(1);
    expect(r.convergedAfterMs).not.toBeNull();
  });

  it('the active cut from every subscriber while the peer link holds messages 4 s: takeover, and no late HA message flips it back', () => {
    // The chaos suite's delayed-peer-link: the old active's HA heartbeats and handshakes keep
    // arriving, 4 s late, long after the new active promoted (and after the heal, too).
    const r = run([
      at(1500, { kind: 'holdLink', from: 'ss1', to: 'ss2', delayMs: 4000 }),
      at(1500, { kind: 'holdLink', from: 'ss2', to: 'ss1', delayMs: 4000 }),
      at(1500, { kind: 'cutSubscribers', statestored: 'ss1', subscribers: ['catalogd1', 'catalogd2', 'impalad1'] }),
    ]);
    expect(r.failure).toBeNull();
    expect(r.takeovers).toBe(1);
    expect(r.convergedAfterMs).not.toBeNull();
  });

  it('a crashed active is replaced, and after its restart it rejoins as standby', () => {
    const r = run([at(1500, { kind: 'crash', node: 'ss1' }), at(4000, { kind: 'restart', node: 'ss1' })]);
    expect(r.failure).toBeNull();
    expect(r.takeovers).toBe(1);
  });

  it('the active catalogd crashing moves the designation to the other catalogd, which keeps it after the restart', () => {
    const r = run([at(1500, { kind: 'crash', node: 'catalogd1' })]);
    expect(r.failure).toBeNull();
    const ss1 = r.decisions.filter((d) => d.includes('ss1#0 catalogd'));
    expect(ss1[0]).toMatch(/active=catalogd1 priority/);
    expect(ss1).toContainEqual(expect.stringMatching(/active=catalogd2 failover/));
    expect(ss1[ss1.length - 1]).toMatch(/active=catalogd2/);
  });

  it('a statestored in recovery takes over once restarted subscribers report its dead peer gone', () => {
    // Every subscriber dies, then the standby: the active has lost its peer and has no
    // subscriber left, so it enters recovery mode (Impala). The subscribers come back; the peer
    // never does. Nobody listens on ss2's port, so their connects to it are refused and they
    // report it REFUSED, as ss1's own watch finds it: crash evidence lets ss1 leave recovery at
    // once (without it, the start-seeded detector would report FAILED after the timeout).
    const subs = ['catalogd1', 'catalogd2', 'impalad1'];
    const r = runSimulation({
      seed: 7,
      subscribers: 3,
      schedule: {
        faults: [
          ...subs.map((node) => at(1500, { kind: 'crash', node })),
          at(2000, { kind: 'crash', node: 'ss2' }),
          ...subs.map((node) => at(4000, { kind: 'restart', node })),
        ],
        healAtMs: 6000,
        stayDown: ['ss2'],
      },
    });
    expect(r.failure).toBeNull();
    expect(r.decisions).toContainEqual(expect.stringMatching(/ss1#0 role active->recovery .*peerLostNoSubscribers/));
    expect(r.decisions).toContainEqual(expect.stringMatching(/ss1#0 role recovery->active .*crashEvidence/));
  });

  it('with the skipMajorityCheck mutation the peer-link cut alone causes a takeover and the checker FAILS', () => {
    const r = run([at(1500, { kind: 'partition', a: 'ss1', b: 'ss2' })], { skip: true });
    expect(r.ok).toBe(false);
    expect(r.failure).toMatch(/takeover without a majority of subscribers losing the active: 0\/3/);
    expect(r.failure).toMatch(/replay: SIM_MUTATIONS=skipMajorityCheck SIM_SEED=42 npx jest -c libs\/simulation\/jest.config.cjs -t replay/);
  });

});
