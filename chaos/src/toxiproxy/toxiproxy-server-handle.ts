/**
 * One toxiproxy for a suite, wherever it comes from:
 * - `TOXIPROXY_URL` set: the real (or any) toxiproxy there; stop() only resets it;
 * - 'in-process': our server in this Node process (fastest, shares the event loop);
 * - 'child-process': our server as its own Node process, so a busy test process cannot delay
 *   proxied bytes and a proxy pause/kill is possible.
 * `identity` says which server ran, for the report.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import { Toxiproxy } from 'toxiproxy-node-client';
import { detectToxiproxy } from './detect-toxiproxy';
import { buildToxiproxyBundle } from './toxiproxy-bundle';
import { ToxiproxyServer } from './toxiproxy-server';
import type { ToxiproxyIdentity } from './detect-toxiproxy';

export type ToxiproxyMode = 'external' | 'in-process' | 'child-process';

export interface ToxiproxyHandleOptions {
  /** Used when TOXIPROXY_URL is unset; default 'in-process'. */
  mode?: Exclude<ToxiproxyMode, 'external'>;
  /** API port for our server; default 0 (a free port), since suites run in parallel. */
  port?: number;
  /** Built main.js for 'child-process'; default: bundle main.ts into a temp dir. */
  mainJs?: string;
  /** Where TOXIPROXY_URL is read from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export class ToxiproxyStartError extends Error {
  override readonly name = 'ToxiproxyStartError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const CHILD_START_TIMEOUT_MS = 10_000;
const CHILD_STOP_TIMEOUT_MS = 3_000;

export class ToxiproxyServerHandle {
  private constructor(
    readonly mode: ToxiproxyMode,
    readonly url: string,
    readonly identity: ToxiproxyIdentity,
    private readonly stopServer: () => Promise<void>,
  ) {}

  static async start(options: ToxiproxyHandleOptions = {}): Promise<ToxiproxyServerHandle> {
    const external = (options.env ?? process.env)['TOXIPROXY_URL'];
    if (external) {
      const identity = await detectToxiproxy(external);
      const client = new Toxiproxy(identity.url);
      // Someone else owns that server: leave it as found, minus our proxies' toxics.
      return new ToxiproxyServerHandle('external', identity.url, identity, () => client.reset());
    }
    if ((options.mode ?? 'in-process') === 'in-process') {
      const server = await ToxiproxyServer.start({ port: options.port ?? 0 });
      return new ToxiproxyServerHandle('in-process', server.url, await detectToxiproxy(server.url), () => server.stop());
    }
    return ToxiproxyServerHandle.startChild(options);
  }

  private static async startChild(options: ToxiproxyHandleOptions): Promise<ToxiproxyServerHandle> {
    let tempDir: string | undefined;
    let mainJs = options.mainJs;
    if (mainJs === undefined) {
      tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toxiproxy-'));
      mainJs = await buildToxiproxyBundle(path.join(tempDir, 'main.js'));
    }
    const removeTemp = (): void => {
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    };
    const child = spawn(process.execPath, [mainJs, '--host=127.0.0.1', `--port=${options.port ?? 0}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await readListeningUrl(child);
      const identity = await detectToxiproxy(url);
      return new ToxiproxyServerHandle('child-process', url, identity, async () => {
        await stopChild(child);
        removeTemp();
      });
    } catch (cause) {
      child.kill('SIGKILL');
      removeTemp();
      throw new ToxiproxyStartError('toxiproxy child process did not start', { cause });
    }
  }

  /** A toxiproxy-node-client bound to this server. */
  client(): Toxiproxy {
    return new Toxiproxy(this.url);
  }

  async stop(): Promise<void> {
    await this.stopServer();
  }
}

function readListeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error('child has no stdout pipe'));
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`no listening line within ${CHILD_START_TIMEOUT_MS} ms`)), CHILD_START_TIMEOUT_MS);
    const finish = (outcome: Error | string): void => {
      clearTimeout(timer);
      lines.close();
      child.off('exit', onExit);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onExit = (code: number | null): void => finish(new Error(`exited with code ${String(code)}`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { url?: unknown };
        if (typeof parsed.url === 'string') finish(parsed.url);
      } catch {
        // not our status line
      }
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
