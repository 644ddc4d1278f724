import pino from 'pino';
import { createLogger, type Logger } from './logger';

/**
 * createLogger takes no destination (it writes to stdout), so the spec swaps the write method of
 * the stream pino holds: every log call hands that stream one finished JSON line.
 */
function capture(log: Logger): string[] {
  const lines: string[] = [];
  const stream = (log as unknown as Record<symbol, { write(line: string): unknown }>)[pino.symbols.streamSym];
  if (stream === undefined) throw new Error('pino no longer keeps its stream under symbols.streamSym');
  jest.spyOn(stream, 'write').mockImplementation((line: string) => {
    lines.push(line);
    return true;
  });
  return lines;
}

describe('createLogger', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes one JSON line per event with the daemon name, pid, ISO time, constant msg and the details as fields', () => {
    const log = createLogger('statestored', 'info');
    const lines = capture(log);
    log.info({ subscriberId: 'impalad@h:27000', live: 3 }, 'subscriber registered');
    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    const rec = JSON.parse(line) as Record<string, unknown>;
    expect(rec).toMatchObject({
      daemon: 'statestored',
      name: 'statestored',
      pid: process.pid,
      level: 30,
      msg: 'subscriber registered',
      subscriberId: 'impalad@h:27000',
      live: 3,
    });
    expect(typeof rec['time']).toBe('string');
    expect(new Date(rec['time'] as string).toISOString()).toBe(rec['time']);
  });

  it('drops events below the level it was given', () => {
    const log = createLogger('catalogd', 'warn');
    const lines = capture(log);
    log.info({ a: 1 }, 'not written');
    log.debug('not written either');
    log.warn({ b: 2 }, 'written');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['written']);
    expect(log.level).toBe('warn');
  });

  it('carries the daemon field into child loggers', () => {
    const log = createLogger('impalad', 'info');
    const lines = capture(log);
    log.child({ statestore: 2 }).info('lost statestored link');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ daemon: 'impalad', statestore: 2, msg: 'lost statestored link' });
  });
});
