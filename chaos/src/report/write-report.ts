/**
 * Writes a suite run to <root>/<timestamp>/: report.json (everything, events included),
 * summary.md (bounds with their formulas, the table, failures, which toxiproxy and Prometheus
 * ran) and one SVG timeline per scenario run. chaos/reports/ is gitignored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScenarioResult } from '../scenarios';
import { markdownResultTable } from './result-table';
import { renderTimelineSvg } from './svg-timeline';

/** What a report needs of a suite run (suites/run-suite.ts SuiteRun has it all). */
export interface SuiteReportInput {
  readonly options: { readonly suite: string; readonly seed: number } & Readonly<Record<string, unknown>>;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly results: readonly ScenarioResult[];
  readonly skippedKinds: readonly { readonly faultKind: string; readonly reason: string }[];
  readonly injectors: Readonly<Record<string, string>>;
  readonly prometheus: string;
}

const jsonReplacer = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

function timelineFile(r: ScenarioResult): string {
  return `timeline-${r.faultKind}-${r.id}.svg`;
}

export function renderMarkdown(run: SuiteReportInput): string {
  const first = run.results[0];
  const lines = [
    `# chaos ${run.options.suite}: ${run.results.filter((r) => r.verdict === 'fail').length === 0 ? 'PASS' : 'FAIL'}`,
    '',
    `Started ${new Date(run.startedAtMs).toISOString()}, took ${(run.durationMs / 1000).toFixed(1)} s, seed ${run.options.seed}.`,
    '',
    '## What ran',
    ...Object.entries(run.injectors).map(([kind, d]) => `- ${kind}: ${d}`),
    ...run.skippedKinds.map((s) => `- ${s.faultKind}: SKIPPED: ${s.reason}`),
    `- Prometheus: ${run.prometheus}`,
    '',
  ];
  if (first) {
    lines.push('## Bounds', `- detection: ${first.bounds.formulas.detection}`, `- failover: ${first.bounds.formulas.failover}`, `- convergence after a heal: ${first.bounds.formulas.convergence}`, '');
  }
  lines.push('## Results (detection and failover from the fault episode of the takeover, the rest from the first fault)', '', markdownResultTable(run.results), '');
  for (const r of run.results) {
    lines.push(`### ${r.faultKind} / ${r.id}: ${r.verdict.toUpperCase()}`, '', r.title, '');
    if (r.active) lines.push(`Active before the fault: ${r.active}; settled active at the end: ${r.measurements?.settledActive ?? 'none'}.`);
    for (const w of r.measurements?.unavailable ?? []) lines.push(`- unavailable ${w.endMs - w.startMs} ms from +${w.startMs - (r.measurements?.faultAtMs ?? 0)} ms`);
    for (const h of r.measurements?.earlierHeals ?? []) {
      const at = `+${h.healAtMs - (r.measurements?.faultAtMs ?? 0)} ms`;
      const owed = h.quietMs >= r.bounds.convergenceMs ? 'judged' : 'next fault came before the bound: not judged';
      lines.push(`- heal at ${at}: ${h.convergedAfterMs === undefined ? 'not converged' : `converged after ${h.convergedAfterMs} ms`}, quiet for ${h.quietMs} ms (${owed})`);
    }
    if (r.agreement) lines.push(`- Prometheus: ${r.agreement.compared} transitions compared, max |Δ| ${r.agreement.maxAbsDeltaMs} ms, ${r.agreement.skipped} skipped, sum(statestore_is_active)=${String(r.agreement.activeSumAtEnd)} at the end`);
    const faultAt = r.measurements?.faultAtMs ?? r.startMs;
    for (const f of r.events) if (f.kind === 'fault') lines.push(`- fault +${f.t - faultAt} ms: ${f.label}`);
    for (const a of r.alerts ?? []) lines.push(`- alert ${a.state}: ${a.name}${a.daemon ? ` on ${a.daemon}` : ''} from +${a.firstAtMs - (r.measurements?.faultAtMs ?? r.startMs)} ms`);
    for (const c of r.checks) lines.push(`- check ${c.ok ? 'ok' : 'FAILED'}: ${c.name}${c.detail ? ` (${c.detail})` : ''}`);
    for (const reason of r.reasons) lines.push(`- ${r.verdict === 'skip' ? 'skipped' : 'FAILED'}: ${reason}`);
    if (r.verdict !== 'skip') lines.push('', `![timeline](${timelineFile(r)})`, `Daemon logs: ${r.logDir}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the report and returns its folder. */
export function writeReport(run: SuiteReportInput, root: string): string {
  const stamp = new Date(run.startedAtMs).toISOString().replace(/[:.]/g, '-');
  const dir = path.join(root, `${stamp}-${run.options.suite}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'report.json'), `${JSON.stringify(run, jsonReplacer, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'summary.md'), renderMarkdown(run));
  for (const r of run.results) if (r.verdict !== 'skip') fs.writeFileSync(path.join(dir, timelineFile(r)), renderTimelineSvg(r));
  return dir;
}
