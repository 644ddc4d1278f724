import { boundsFor } from '../history';
import type { RunEvent } from '../history';
import { DEFAULT_TIMING } from '../cluster';
import type { ScenarioResult } from '../scenarios';
import { formatResultTable, resultCells } from './result-table';
import { renderTimelineSvg } from './svg-timeline';
import { renderMarkdown } from './write-report';

const SUBS = ['catalogd-1', 'executor-1'];
const events: RunEvent[] = [
  { kind: 'roleChange', t: 1000, daemon: 'statestored-1', pid: 1, from: 'starting', to: 'active', epoch: 1n, reason: 'handshake', failoverMs: null },
  { kind: 'roleChange', t: 1000, daemon: 'statestored-2', pid: 2, from: 'starting', to: 'standby', epoch: 0n, reason: 'handshake', failoverMs: null },
  { kind: 'fault', t: 2000, action: 'kill', daemons: ['statestored-1'], label: 'SIGKILL statestored-1' },
  { kind: 'roleChange', t: 4100, daemon: 'statestored-2', pid: 2, from: 'standby', to: 'active', epoch: 2n, reason: 'takeover', failoverMs: 2100 },
  { kind: 'follow', t: 4110, daemon: 'executor-1', pid: 3, from: 1, to: 2, epoch: 2n, failover: true },
];
const result: ScenarioResult = {
  id: 'kill-active',
  title: 'kill <the> active & see',
  suite: 'crash',
  fault: 'SIGKILL active',
  faultKind: 'toxiproxy',
  verdict: 'fail',
  reasons: ['expected statestored-2 active at the end, got none'],
  checks: [],
  active: 'statestored-1',
  standby: 'statestored-2',
  subscribers: SUBS,
  startMs: 0,
  settledAtMs: 1500,
  endMs: 6000,
  measurements: {
    faultAtMs: 2000,
    takeoverEpisodeAtMs: 2000,
    healAtMs: 2000,
    endAtMs: 6000,
    promotions: [{ t: 4100, daemon: 'statestored-2', from: 'standby', epoch: 2n, reason: 'takeover' }],
    detectionMs: 2100,
    failoverMs: undefined,
    fullConvergenceMs: undefined,
    convergenceAfterHealMs: undefined,
    earlierHeals: [],
    settledActive: undefined,
    unavailable: [{ startMs: 2000, endMs: 4110 }],
    unavailableTotalMs: 2110,
  },
  bounds: boundsFor(DEFAULT_TIMING),
  events,
  logDir: '/tmp/x',
  seed: 1,
};

describe('report rendering', () => {
  it('puts the measured numbers, bound and verdict in the table row', () => {
    expect(resultCells(result)).toEqual(['kill-active', 'toxiproxy', 'SIGKILL active', '3700 ms', '2100 ms', '-', '-', '- / 9400 ms', '2110 ms', '-', 'FAIL']);
    expect(formatResultTable([result]).split('\n')).toHaveLength(3);
  });

  it('draws a lane per daemon, the roles over time, the fault and the unavailability, escaping text', () => {
    const svg = renderTimelineSvg(result);
    for (const lane of ['statestored-1', 'statestored-2', ...SUBS]) expect(svg).toContain(`>${lane}</text>`);
    expect(svg).toContain('statestored-2: active +2600..');
    expect(svg).toContain('statestored-1: down +500..');
    expect(svg).toContain('SIGKILL statestored-1');
    expect(svg).toContain('<title>unavailable 2110 ms</title>');
    expect(svg).toContain('kill &lt;the&gt; active &amp; see');
    expect(svg).not.toContain('<the>');
  });

  it('names which injectors and Prometheus ran, and every failure, in the Markdown summary', () => {
    const md = renderMarkdown({
      options: { suite: 'crash', seed: 1 },
      startedAtMs: 0,
      durationMs: 6000,
      results: [result],
      skippedKinds: [{ faultKind: 'netns', reason: 'not root' }],
      injectors: { toxiproxy: 'toxiproxy statestore-ha server "x" (child-process)' },
      prometheus: 'prometheus 2.42',
    });
    expect(md).toContain('# chaos crash: FAIL');
    expect(md).toContain('- toxiproxy: toxiproxy statestore-ha server "x" (child-process)');
    expect(md).toContain('- netns: SKIPPED: not root');
    expect(md).toContain('- FAILED: expected statestored-2 active at the end, got none');
    expect(md).toContain('- fault +0 ms: SIGKILL statestored-1');
  });
});
