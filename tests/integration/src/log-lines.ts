import { readFileSync } from 'node:fs';
import type { DaemonProcess } from '@statestore-ha/cluster';

/** The JSON log lines of a daemon whose msg is `msg`. */
export function logLines(d: DaemonProcess, msg: string): Array<Record<string, unknown>> {
  return readFileSync(d.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes(msg))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l['msg'] === msg);
}
