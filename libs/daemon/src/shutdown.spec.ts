import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { Logger } from './logger';
import { installShutdown } from './shutdown';

jest.setTimeout(15_000);

/** The calls a step or the shutdown made, in order. */
function recordingLog(calls: string[]): Logger {
  const rec = (level: string) => (obj: unknown, msg?: string) => void calls.push(`${level}:${msg ?? String(obj)}`);
  return { info: rec('info'), warn: rec('warn'), error: rec('error'), flush: () => undefined } as unknown as Logger;
}

describe('installShutdown: the stop function', () => {
  let before: { term: number; int: number };
  beforeEach(() => {
    before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
  });
  afterEach(() => {
    // Take off the handlers this spec installed; leave Jest's own.
    for (const [sig, n] of [['SIGTERM', before.term], ['SIGINT', before.int]] as const) {
      for (const l of process.listeners(sig).slice(n)) process.removeListener(sig, l);
    }
  });

  it('runs the steps in order, once, even when called again', async () => {
    const calls: string[] = [];
    const stop = installShutdown(recordingLog(calls), [
      async () => {
        await new Promise((r) => setTimeout(r, 20));
        calls.push('unregister');
      },
      () => void calls.push('close web server'),
    ]);
    const a = stop();
    const b = stop();
    expect(a).toBe(b);
    await a;
    await stop();
    expect(calls).toEqual(['unregister', 'close web server']);
  });

  it('logs a failing step and goes on with the rest', async () => {
    const calls: string[] = [];
    const stop = installShutdown(recordingLog(calls), [
      () => {
        throw new Error('grpc shutdown failed');
      },
      () => Promise.reject(new Error('async failure')),
      () => void calls.push('last step'),
    ]);
    await stop();
    expect(calls).toEqual(['warn:shutdown step failed', 'warn:shutdown step failed', 'last step']);
  });

  it('installs one handler for SIGTERM and one for SIGINT', () => {
    installShutdown(recordingLog([]), []);
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
  });
});

// The signal paths exit the process, so they run in a child: shutdown.ts bundled by esbuild, and a
// script that installs it and prints "ready".
describe('installShutdown: signals (in a child process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shutdown-spec-'));
  const bundle = join(dir, 'shutdown.js');
  const script = join(dir, 'child.js');
  beforeAll(() => {
    buildSync({ entryPoints: [join(__dirname, 'shutdown.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
    writeFileSync(
      script,
      `
const { installShutdown } = require(${JSON.stringify(bundle)});
const out = (level) => (o, m) => console.log(level + ':' + (m === undefined ? o : m));
const log = { info: out('info'), warn: out('warn'), error: out('error'), flush() {} };
const mode = process.argv[2];
const steps = {
  clean: [() => console.log('step 1'), () => { throw new Error('bad'); }, async () => { await new Promise((r) => setTimeout(r, 50)); console.log('step 3'); }],
  hang: [() => new Promise(() => {})],
  slow: [() => new Promise((r) => setTimeout(r, 3000))],
}[mode];
installShutdown(log, steps, mode === 'hang' ? 300 : 5000);
setInterval(() => {}, 1000);
console.log('ready');
`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(mode: string, signals: NodeJS.Signals[], gapMs = 100): Promise<{ code: number | null; lines: string[]; ms: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [script, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      let sentAt = 0;
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (sentAt === 0 && out.includes('ready\n')) {
          sentAt = Date.now();
          signals.forEach((s, i) => setTimeout(() => child.kill(s), i * gapMs));
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, lines: out.trim().split('\n'), ms: Date.now() - sentAt }));
    });
  }

  it('on SIGTERM runs the steps and exits 0', async () => {
    const r = await run('clean', ['SIGTERM']);
    expect(r.code).toBe(0);
    expect(r.lines).toEqual(['ready', 'info:shutting down', 'step 1', 'warn:shutdown step failed', 'step 3', 'info:stopped']);
  });

  it('on SIGINT does the same', async () => {
    expect((await run('clean', ['SIGINT'])).code).toBe(0);
  });

  it('exits 1 when the steps hang past the timeout', async () => {
    const r = await run('hang', ['SIGTERM']);
    expect(r.code).toBe(1);
    expect(r.lines).toContain('error:shutdown timed out, exiting');
    expect(r.ms).toBeGreaterThanOrEqual(250);
    expect(r.ms).toBeLessThan(3000);
  });

  it('exits 1 at once on a second signal', async () => {
    const r = await run('slow', ['SIGTERM', 'SIGTERM']);
    expect(r.code).toBe(1);
    expect(r.lines).toContain('warn:second signal, exiting now');
    expect(r.ms).toBeLessThan(2500);
  });
});
