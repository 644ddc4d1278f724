import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs on stdout, one line per event: constant messages, details as fields
 * (STYLE.md §9), so a harness can grep `msg` and read the fields.
 */
export function createLogger(daemon: string, level: string): Logger {
  return pino({ name: daemon, level, base: { daemon, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
