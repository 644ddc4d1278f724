/**
 * An SVG timeline of one run: a lane per statestored coloured by role (active, standby,
 * recovery, down), a lane per subscriber coloured by the statestored it follows, the fault
 * operations as labelled vertical marks, and the unavailability windows shaded on top.
 * Hand-written SVG: no dependency, opens in any browser.
 */
import { STATESTORED_NAMES } from '../cluster';
import { ClusterTimeline } from '../history';
import type { FaultEvent } from '../history';
import type { ScenarioResult } from '../scenarios';

const ROLE_COLOURS: Readonly<Record<string, string>> = {
  active: '#2e7d32',
  standby: '#90caf9',
  recovery: '#ffb300',
  starting: '#e0e0e0',
  down: '#424242',
};
const FOLLOW_COLOURS: Readonly<Record<string, string>> = { '1': '#6a1b9a', '2': '#ef6c00', none: '#e0e0e0' };

const LANE_H = 22;
const LABEL_W = 130;
const PLOT_W = 900;
const TOP = 40;

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Runs of equal values of `valueAt` over [from, to], sampled every `step` ms. */
function runs(from: number, to: number, step: number, valueAt: (t: number) => string): { start: number; end: number; value: string }[] {
  const out: { start: number; end: number; value: string }[] = [];
  for (let t = from; t <= to; t += step) {
    const v = valueAt(t);
    const last = out[out.length - 1];
    if (last && last.value === v) last.end = t + step;
    else out.push({ start: t, end: t + step, value: v });
  }
  return out;
}

export function renderTimelineSvg(r: ScenarioResult): string {
  const from = r.settledAtMs ?? r.startMs;
  const to = Math.max(from + 1, r.endMs);
  const x = (t: number): number => LABEL_W + ((Math.min(Math.max(t, from), to) - from) / (to - from)) * PLOT_W;
  const timeline = new ClusterTimeline(r.events, STATESTORED_NAMES, r.subscribers);
  const step = Math.max(10, Math.round((to - from) / 2000));
  const lanes = [...STATESTORED_NAMES, ...r.subscribers];
  const height = TOP + lanes.length * (LANE_H + 6) + 60;
  const parts: string[] = [];
  parts.push(`<text x="8" y="18" font-size="14" font-weight="bold">${escapeXml(`${r.faultKind} / ${r.id}: ${r.verdict.toUpperCase()}`)}</text>`);
  parts.push(`<text x="8" y="34" font-size="11">${escapeXml(r.title)}</text>`);
  lanes.forEach((lane, i) => {
    const y = TOP + i * (LANE_H + 6);
    parts.push(`<text x="8" y="${y + 15}" font-size="12">${escapeXml(lane)}</text>`);
    const isSs = (STATESTORED_NAMES as readonly string[]).includes(lane);
    const valueAt = isSs ? (t: number) => (timeline.isPaused(lane, t) ? 'paused' : timeline.roleAt(lane, t)) : (t: number) => String(timeline.followsAt(lane, t) ?? 'none');
    for (const run of runs(from, to, step, valueAt)) {
      const colour = isSs ? (run.value === 'paused' ? '#b71c1c' : ROLE_COLOURS[run.value] ?? '#bdbdbd') : FOLLOW_COLOURS[run.value] ?? '#bdbdbd';
      const w = Math.max(0.5, x(run.end) - x(run.start));
      parts.push(`<rect x="${x(run.start).toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${LANE_H}" fill="${colour}"><title>${escapeXml(`${lane}: ${isSs ? run.value : `follows statestored-${run.value}`} +${run.start - from}..${run.end - from} ms`)}</title></rect>`);
    }
  });
  const bottom = TOP + lanes.length * (LANE_H + 6);
  for (const w of r.measurements?.unavailable ?? []) {
    parts.push(`<rect x="${x(w.startMs).toFixed(1)}" y="${TOP - 4}" width="${Math.max(0.5, x(w.endMs) - x(w.startMs)).toFixed(1)}" height="${bottom - TOP + 4}" fill="#d32f2f" fill-opacity="0.12"><title>unavailable ${w.endMs - w.startMs} ms</title></rect>`);
  }
  const faults = r.events.filter((e): e is FaultEvent => e.kind === 'fault' && e.t >= from);
  faults.forEach((f, i) => {
    const fx = x(f.t).toFixed(1);
    parts.push(`<line x1="${fx}" y1="${TOP - 4}" x2="${fx}" y2="${bottom}" stroke="#000" stroke-dasharray="3,2"><title>${escapeXml(`+${f.t - from} ms ${f.label}`)}</title></line>`);
    if (i < 12) parts.push(`<text x="${fx}" y="${bottom + 14 + (i % 3) * 12}" font-size="9">${escapeXml(f.label)}</text>`);
  });
  const legend = [...Object.entries(ROLE_COLOURS), ['paused', '#b71c1c'], ['follows 1', FOLLOW_COLOURS['1']], ['follows 2', FOLLOW_COLOURS['2']]] as [string, string][];
  legend.forEach(([name, colour], i) => {
    const lx = LABEL_W + i * 95;
    parts.push(`<rect x="${lx}" y="${height - 16}" width="10" height="10" fill="${colour}"/><text x="${lx + 14}" y="${height - 7}" font-size="10">${escapeXml(name)}</text>`);
  });
  parts.push(`<text x="${LABEL_W + PLOT_W - 120}" y="${height - 7}" font-size="10">${escapeXml(`${((to - from) / 1000).toFixed(1)} s from settle`)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_W + PLOT_W + 20}" height="${height}" font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`;
}
