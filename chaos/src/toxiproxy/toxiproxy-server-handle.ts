/**
 * One toxiproxy for a suite, the real one whenever it can be had:
 * - 'external': `TOXIPROXY_URL` is set: the server there (real or not); stop() only resets it;
 * - 'binary': Shopify's toxiproxy-server (`TOXIPROXY_SERVER_BIN`, else on `PATH`) as a child
 *   process on a free port, stopped with SIGTERM;
 * - 'in-process' / 'child-process': our stand-in, only when neither exists ('child-process'
 *   keeps a busy test process from delaying proxied bytes).
 * `identity` (from GET /version) and `origin` say which server ran, for the report.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import { freePorts } from '@statestore-ha/cluster';
import { Toxiproxy } from 'toxiproxy-node-client';
import { assertNever } from './assert-never';
import { detectToxiproxy } from './detect-toxiproxy';
import { findToxiproxyServerBinary } from './toxiproxy-binary';
import { buildToxiproxyBundle } from './toxiproxy-bundle';
import { ToxiproxyServer } from './toxiproxy-server';
import type { ToxiproxyIdentity } from './detect-toxiproxy';

export type ToxiproxyMode = 'external' | 'binary' | 'in-process' | 'child-process';
export type OwnServerMode = Extract<ToxiproxyMode, 'in-process' | 'child-process'>;

export interface ToxiproxyHandleOptions {
  /** Forces a mode; default chooseToxiproxy()'s choice. */
  mode?: ToxiproxyMode;
  /** How our server runs when it is the choice; default 'in-process'. */
  ours?: OwnServerMode;
  /** Where the external server lives, for the report (e.g. the container image); default "TOXIPROXY_URL". */
  origin?: string;
  /** API port for our server; default 0 (a free port), since suites run in parallel. */
  port?: number;
  /** Built main.js for 'child-process'; default: bundle main.ts into a temp dir. */
  mainJs?: string;
  /** Where TOXIPROXY_URL, TOXIPROXY_SERVER_BIN and PATH are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export type ToxiproxyChoice =
  | { readonly mode: 'external'; readonly url: string }
  | { readonly mode: 'binary'; readonly binary: string }
  | { readonly mode: OwnServerMode };

export class ToxiproxyStartError extends Error {
  override readonly name = 'ToxiproxyStartError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 3_000;
/** A free port can be taken between the probe and the bind: try again with another. */
const BINARY_START_ATTEMPTS = 3;
const LOG_TAIL_LINES = 20;

/** TOXIPROXY_URL, else the real binary, else ours. Throws ToxiproxyBinaryError for a bad TOXIPROXY_SERVER_BIN. */
export function chooseToxiproxy(env: NodeJS.ProcessEnv = process.env, ours: OwnServerMode = 'in-process'): ToxiproxyChoice {
  const url = env['TOXIPROXY_URL'];
  if (url) return { mode: 'external', url };
  const binary = findToxiproxyServerBinary(env);
  return binary ? { mode: 'binary', binary } : { mode: ours };
}

export class ToxiproxyServerHandle {
  private constructor(
    readonly mode: ToxiproxyMode,
    /** Where it runs: the binary's path, the external origin, or our server's mode. */
    readonly origin: string,
    readonly identity: ToxiproxyIdentity,
    private readonly stopServer: () => Promise<void>,
  ) {}

  get url(): string {
    return this.identity.url;
  }

  static async start(options: ToxiproxyHandleOptions = {}): Promise<ToxiproxyServerHandle> {
    const env = options.env ?? process.env;
    const choice = ToxiproxyServerHandle.resolve(options, env);
    switch (choice.mode) {
      case 'external': {
        const identity = await detectToxiproxy(choice.url);
        const client = new Toxiproxy(identity.url);
        // Someone else owns that server: leave it as found, minus our proxies' toxics.
        return new ToxiproxyServerHandle('external', options.origin ?? 'TOXIPROXY_URL', identity, () => client.reset());
      }
      case 'binary':
        return ToxiproxyServerHandle.startBinary(choice.binary, env);
      case 'in-process': {
        const server = await ToxiproxyServer.start({ port: options.port ?? 0 });
        return new ToxiproxyServerHandle('in-process', 'in-process', await detectToxiproxy(server.url), () => server.stop());
      }
      case 'child-process':
        return ToxiproxyServerHandle.startChild(options);
      default:
        return assertNever(choice);
    }
  }

  private static resolve(options: ToxiproxyHandleOptions, env: NodeJS.ProcessEnv): ToxiproxyChoice {
    switch (options.mode) {
      case undefined:
        return chooseToxiproxy(env, options.ours);
      case 'external': {
        const url = env['TOXIPROXY_URL'];
        if (!url) throw new ToxiproxyStartError('mode external needs TOXIPROXY_URL');
        return { mode: 'external', url };
      }
      case 'binary': {
        const binary = findToxiproxyServerBinary(env);
        if (!binary) throw new ToxiproxyStartError('mode binary needs toxiproxy-server on PATH or TOXIPROXY_SERVER_BIN');
        return { mode: 'binary', binary };
      }
      case 'in-process':
      case 'child-process':
        return { mode: options.mode };
      default:
        return assertNever(options.mode);
    }
  }

  private static async startBinary(binary: string, env: NodeJS.ProcessEnv): Promise<ToxiproxyServerHandle> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= BINARY_START_ATTEMPTS; attempt++) {
      const [port] = await freePorts(1);
      // With LOG_LEVEL unset it logs every request at trace level: keep warnings and errors only.
      const child = spawn(binary, ['-host', '127.0.0.1', '-port', String(port)], {
        env: { ...env, LOG_LEVEL: env['LOG_LEVEL'] ?? 'warn' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const tail = logTail(child);
      const url = `http://127.0.0.1:${port}`;
      try {
        const identity = await waitForVersion(url, child);
        return new ToxiproxyServerHandle('binary', binary, identity, () => stopChild(child));
      } catch (cause) {
        child.kill('SIGKILL');
        lastError = new ToxiproxyStartError(`${binary} did not start on port ${port}: ${cause instanceof Error ? cause.message : String(cause)}${tail().length ? `; its log: ${tail().join(' | ')}` : ''}`, { cause });
      }
    }
    throw lastError;
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
      return new ToxiproxyServerHandle('child-process', 'child-process', identity, async () => {
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

/** The last lines the child wrote on stderr, for start errors. */
function logTail(child: ChildProcess): () => string[] {
  const lines: string[] = [];
  if (child.stderr) {
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      lines.push(line);
      if (lines.length > LOG_TAIL_LINES) lines.shift();
    });
  }
  return () => lines;
}

/** Polls GET /version until the child answers; fails early if it exits (a port taken meanwhile). */
async function waitForVersion(url: string, child: ChildProcess): Promise<ToxiproxyIdentity> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited (${signal ?? `code ${String(code)}`})`));
  child.once('error', (error) => (exited = error.message));
  for (;;) {
    if (exited) throw new Error(exited);
    try {
      return await detectToxiproxy(url, 500);
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`no answer on ${url}/version within ${START_TIMEOUT_MS} ms`, { cause: error });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readListeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error('child has no stdout pipe'));
    const lines = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`no listening line within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
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
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
