import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { flagArgs, type FlagValue } from '@statestore-ha/config';

export type AppName = 'statestored' | 'catalogd' | 'impalad';

export interface DaemonSpec {
  /** Unique name in the cluster, e.g. `statestored-1`, `executor-2`. */
  name: string;
  app: AppName;
  flags: Readonly<Record<string, FlagValue>>;
  webPort: number;
}

export interface DaemonProcessOptions {
  /** Folder holding apps/<app>/main.js (the build). */
  distDir: string;
  logDir: string;
  /** Command prefix, e.g. ['ip', 'netns', 'exec', 'ns-1'] to run the daemon in a namespace. */
  wrapper?: readonly string[];
  /** Host to reach the daemon's web port on (loopback unless it runs in a namespace). */
  webHost?: string;
}

export class DaemonExitedError extends Error {
  override readonly name = 'DaemonExitedError';
  constructor(readonly daemon: string, readonly code: number | null, readonly signal: string | null, readonly stderrTail = '', logFile = 'its log') {
    // The tail goes into the message: in CI the log directory is gone by the time anyone reads this.
    super(`${daemon} exited (code ${code}, signal ${signal}) before it was healthy; see ${logFile}${stderrTail ? `; its stderr ended with:\n${stderrTail}` : ''}`);
  }
}

const STDERR_TAIL_CHARS = 1500;


/**
 * A daemon run from its build as `node dist/apps/<app>/main.js --flag=value ...`, the contract
 * every user, the harness and compose share. Logs go to <logDir>/<name>.log (appended across
 * restarts). Stopping sends SIGTERM and escalates to SIGKILL.
 */
export class DaemonProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<{ code: number | null; signal: string | null }> = Promise.resolve({ code: null, signal: null });
  private log: WriteStream | undefined;
  private extraFlags: Record<string, FlagValue> = {};
  private stderrTail = '';
  private stderrClosed: Promise<void> = Promise.resolve();

  constructor(readonly spec: DaemonSpec, private readonly opts: DaemonProcessOptions) {}

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get logFile(): string {
    return join(this.opts.logDir, `${this.spec.name}.log`);
  }

  get webUrl(): string {
    return `http://${this.opts.webHost ?? '127.0.0.1'}:${this.spec.webPort}`;
  }

  /** Starts the process; with `extraFlags` (e.g. force-active) for this and later restarts. */
  start(extraFlags: Record<string, FlagValue> = {}): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.extraFlags = { ...this.extraFlags, ...extraFlags };
    mkdirSync(this.opts.logDir, { recursive: true });
    this.log ??= createWriteStream(this.logFile, { flags: 'a' });
    const main = join(this.opts.distDir, 'apps', this.spec.app, 'main.js');
    const argv = [process.execPath, main, ...flagArgs({ ...this.spec.flags, ...this.extraFlags })];
    const [cmd, ...args] = [...(this.opts.wrapper ?? []), ...argv] as [string, ...string[]];
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.stderrTail = '';
    this.stderrClosed = new Promise((r) => child.stderr?.once('close', () => r()) ?? r());
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves once /healthz answers 200; rejects if the process exits first or time runs out. */
  async waitHealthy(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const exited = this.exit.then(async (e) => {
      // 'exit' can come before the last stderr chunk is read.
      await Promise.race([this.stderrClosed, new Promise((r) => setTimeout(r, 300))]);
      throw new DaemonExitedError(this.name, e.code, e.signal, this.stderrTail.trimEnd(), this.logFile);
    });
    exited.catch(() => undefined);
    while (Date.now() < deadline) {
      if (!this.running) await exited;
      try {
        const res = await fetch(`${this.webUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} was not healthy within ${timeoutMs} ms; see ${this.logFile}`);
  }

  async getJson<T = unknown>(path: string): Promise<T> {
    const res = await fetch(`${this.webUrl}${path}`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`${this.name} ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  async getText(path: string): Promise<string> {
    const res = await fetch(`${this.webUrl}${path}`, { signal: AbortSignal.timeout(3000) });
    return res.text();
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child?.kill(sig);
  }

  /** SIGKILL and wait for the exit: a crash, as the chaos suites mean it. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGKILL');
    await this.exit;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Resolves with the exit code (0 for a clean stop). */
  async stop(graceMs = 5000): Promise<number | null> {
    if (!this.running) return (await this.exit).code;
    this.child?.kill('SIGCONT'); // a paused process cannot handle SIGTERM
    this.child?.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    const e = await this.exit;
    clearTimeout(timer);
    return e.code;
  }

  pause(): void {
    this.signal('SIGSTOP');
  }

  resume(): void {
    this.signal('SIGCONT');
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => (this.log ? this.log.end(() => resolve()) : resolve()));
    this.log = undefined;
  }
}
