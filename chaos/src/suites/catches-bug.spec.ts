/**
 * The harness must fail a scenario when the system is wrong, not only pass when it is right.
 * With the test-only --debug_actions=STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK the standby takes
 * over on its peer detector alone, so cutting only the statestored <-> statestored link makes
 * it promote itself: the peer-link-only scenario expects no takeover and must reject the run.
 * The same scenario without the switch is the control: it must pass, so the failure above is
 * the bug's and not the harness'. Real processes (dist/ must be built) behind toxiproxy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SHAPE, DEFAULT_TIMING, ProcessRuntime, ToxiproxyLinkFaults } from '../cluster';
import { PARTITION_SCENARIOS, runScenario } from '../scenarios';
import type { ScenarioResult } from '../scenarios';

const DIST = path.resolve(__dirname, '..', '..', '..', 'dist');
const peerLinkOnly = PARTITION_SCENARIOS.find((s) => s.id === 'peer-link-only');

async function runPeerLinkOnly(statestoredFlags: Record<string, string>): Promise<ScenarioResult> {
  if (!peerLinkOnly) throw new Error('the peer-link-only scenario is gone');
  for (const app of ['statestored', 'catalogd', 'impalad']) {
    const main = path.join(DIST, 'apps', app, 'main.js');
    if (!fs.existsSync(main)) throw new Error(`${main} missing: build the apps first (nx run-many -t build)`);
  }
  const faults = await ToxiproxyLinkFaults.start({ ours: 'in-process' });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-catches-bug-'));
  try {
    return await runScenario({
      scenario: peerLinkOnly,
      faults,
      makeRuntime: (logDir) => new ProcessRuntime({ distDir: DIST, logDir }),
      prometheus: undefined,
      timing: DEFAULT_TIMING,
      shape: DEFAULT_SHAPE,
      statestoredFlags,
      seed: 1,
      logDir: workDir,
      log: () => undefined,
    });
  } finally {
    await faults.close();
  }
}

describe('the chaos harness catches the skip-majority bug', () => {
  it('fails peer-link-only when the statestoreds skip the majority check', async () => {
    const result = await runPeerLinkOnly({ debug_actions: 'STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK' });
    expect(result.verdict).toBe('fail');
    // Whichever of the pair was the standby (the first active depends on the ports' order).
    expect(result.reasons.join('\n')).toMatch(/expected no takeover, got statestored-[12] \(takeover\)/);
    // The takeover came from the peer detector alone, within the detection bound.
    const takeover = result.measurements?.promotions.find((p) => p.reason === 'takeover');
    expect(['statestored-1', 'statestored-2']).toContain(takeover?.daemon);
    expect((takeover?.t ?? 0) - (result.measurements?.takeoverEpisodeAtMs ?? 0)).toBeLessThanOrEqual(result.bounds.detectionMs);
  }, 120_000);

  it('passes the same scenario with the majority check on (control)', async () => {
    const result = await runPeerLinkOnly({});
    expect(result.reasons).toEqual([]);
    expect(result.verdict).toBe('pass');
  }, 120_000);
});
