import { readFileSync, rmSync } from 'node:fs';
import { DaemonExitedError, DaemonProcess, type DaemonSpec } from './daemon-process';
import { fakeDist } from './fake-daemon.spec-helper';
import { freePorts } from './free-ports';

// DaemonProcess against a fake build (fake-daemon.spec-helper.ts): real processes, real signals.

jest.setTimeout(15_000);

const dist = fakeDist();
const running: DaemonProcess[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.kill()));
});
afterAll(() => rmSync(dist.root, { recursive: true, force: true }));

async function daemon(flags: DaemonSpec['flags'] = {}, name = 'statestored-1'): Promise<DaemonProcess> {
  const [webPort] = (await freePorts(1)) as [number];
  const d = new DaemonProcess({ name, app: 'statestored', flags: { webserver_port: webPort, ...flags }, webPort }, { distDir: dist.distDir, logDir: dist.logDir });
  running.push(d);
  return d;
}

describe('DaemonProcess', () => {
  it('runs dist/apps/<app>/main.js with the flags as --name=value and waits for /healthz', async () => {
    const d = await daemon({ state_store_port: 24000, enable_statestored_ha: true });
    expect(d.running).toBe(false);
    d.start();
    await d.waitHealthy(5000);
    expect(d.running).toBe(true);
    expect(d.pid).toBeGreaterThan(0);
    expect(d.webUrl).toBe(`http://127.0.0.1:${d.spec.webPort}`);
    expect(await d.getJson('/flags')).toEqual({ webserver_port: String(d.spec.webPort), state_store_port: '24000', enable_statestored_ha: 'true' });
  });

  it('refuses to start twice', async () => {
    const d = await daemon();
    d.start();
    expect(() => d.start()).toThrow('statestored-1 is already running');
  });

  it('stop() sends SIGTERM and resolves with the clean exit code', async () => {
    const d = await daemon();
    d.start();
    await d.waitHealthy(5000);
    expect(await d.stop()).toBe(0);
    expect(d.running).toBe(false);
    // Stopping a stopped daemon answers the same exit.
    expect(await d.stop()).toBe(0);
  });

  it('stop() escalates to SIGKILL when SIGTERM is ignored', async () => {
    const d = await daemon({ fake_ignore_sigterm: true });
    d.start();
    await d.waitHealthy(5000);
    const started = Date.now();
    expect(await d.stop(300)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(d.running).toBe(false);
  });

  it('stop() ends a paused daemon cleanly (it is continued first)', async () => {
    const d = await daemon();
    d.start();
    await d.waitHealthy(5000);
    d.pause();
    await expect(fetch(`${d.webUrl}/healthz`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(await d.stop(3000)).toBe(0);
  });

  it('pause() and resume() stop and continue the process', async () => {
    const d = await daemon();
    d.start();
    await d.waitHealthy(5000);
    d.pause();
    await expect(fetch(`${d.webUrl}/healthz`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    d.resume();
    await d.waitHealthy(3000);
  });

  it('kill() is a crash: SIGKILL, no clean exit', async () => {
    const d = await daemon();
    d.start();
    await d.waitHealthy(5000);
    await d.kill();
    expect(d.running).toBe(false);
    expect(await d.stop()).toBeNull();
  });

  it('waitHealthy() fails with DaemonExitedError when the process exits first', async () => {
    const d = await daemon({ fake_exit_code: 3 });
    d.start();
    const err = await d.waitHealthy(5000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DaemonExitedError);
    expect(err).toMatchObject({ daemon: 'statestored-1', code: 3, signal: null });
    // Why it died is in the error itself, not only in a log file CI throws away.
    expect((err as Error).message).toContain('failed to start: listen EADDRINUSE');
  });

  it('waitHealthy() gives up after its timeout, naming the log file', async () => {
    const d = await daemon({ fake_never_healthy: true });
    d.start();
    await expect(d.waitHealthy(400)).rejects.toThrow(`statestored-1 was not healthy within 400 ms; see ${d.logFile}`);
  });

  it('keeps extra start flags for later restarts', async () => {
    const d = await daemon();
    d.start({ force_catalogd_active: true });
    await d.waitHealthy(5000);
    await d.stop();
    d.start();
    await d.waitHealthy(5000);
    expect(await d.getJson('/flags')).toMatchObject({ force_catalogd_active: 'true' });
  });

  it("appends the process's output to <logDir>/<name>.log across restarts", async () => {
    const d = await daemon({}, 'executor-7');
    expect(d.logFile).toBe(`${dist.logDir}/executor-7.log`);
    d.start();
    await d.waitHealthy(5000);
    await d.stop();
    d.start();
    await d.waitHealthy(5000);
    await d.close();
    const lines = readFileSync(d.logFile, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.includes('fake daemon starting'))).toHaveLength(2);
  });
});
