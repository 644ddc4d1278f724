/**
 * Turns the daemons' pino JSON log lines into run events. Only constant messages are matched
 * (STYLE.md section 9: details are fields), so a reworded detail never breaks the harness.
 */
import * as fs from 'node:fs';
import type { RunEvent } from './run-events';

type Line = Record<string, unknown>;

const asBigint = (v: unknown): bigint => BigInt(typeof v === 'number' || typeof v === 'string' ? String(v) : '0');
const asNumberOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** One log line of `daemon` as an event, or undefined when it is not one the history uses. */
export function parseDaemonLogLine(daemon: string, text: string): RunEvent | undefined {
  if (!text.startsWith('{')) return undefined;
  let line: Line;
  try {
    line = JSON.parse(text) as Line;
  } catch {
    return undefined;
  }
  const t = typeof line['time'] === 'string' ? Date.parse(line['time']) : Number.NaN;
  if (!Number.isFinite(t)) return undefined;
  const pid = typeof line['pid'] === 'number' ? line['pid'] : 0;
  switch (line['msg']) {
    case 'role changed':
      return {
        kind: 'roleChange',
        t,
        daemon,
        pid,
        from: String(line['from']),
        to: String(line['to']),
        epoch: asBigint(line['epoch']),
        reason: String(line['reason']),
        failoverMs: asNumberOrNull(line['failoverMs']),
      };
    case 'peer statestored link':
      return { kind: 'peerLink', t, daemon, pid, connected: line['connected'] === true };
    case 'following statestored':
      return { kind: 'follow', t, daemon, pid, from: asNumberOrNull(line['from']), to: asNumberOrNull(line['to']), epoch: asBigint(line['epoch']), failover: line['failover'] === true };
    case 'catalogd role changed':
      return { kind: 'catalogdRole', t, daemon, pid, role: String(line['role']) };
    default:
      return undefined;
  }
}

/** Every event in a daemon's log file (appended across restarts), in file order. */
export function readDaemonLog(daemon: string, file: string): RunEvent[] {
  if (!fs.existsSync(file)) return [];
  const out: RunEvent[] = [];
  for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
    const ev = parseDaemonLogLine(daemon, text);
    if (ev) out.push(ev);
  }
  return out;
}
