/**
 * Runs the host tools (ip, iptables, nft, tc) with argv arrays, never a shell, and turns a
 * failure into a CommandError that carries the command line and its stderr.
 */
import { execFile, execFileSync } from 'node:child_process';

export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(readonly argv: readonly string[], readonly exitCode: number | string | null, readonly stderr: string, options?: { cause?: unknown }) {
    super(`${argv.join(' ')} failed (${String(exitCode)}): ${stderr.trim() || 'no stderr'}`, options);
  }
}

export interface CommandOutput {
  stdout: string;
  stderr: string;
}

export function runCommand(argv: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CommandOutput> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('empty command'));
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: options.timeoutMs ?? 15_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException & { code?: number | string }).code ?? null;
        reject(new CommandError(argv, code, stderr || error.message, { cause: error }));
      } else {
        resolve({ stdout, stderr });
      }
    });
    if (options.input !== undefined) {
      // A child that dies before reading its input (killed by an exit cleanup) makes the write
      // fail with EPIPE; the exec callback reports the failure, so the stream error is dropped.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input);
    }
  });
}

/** For exit handlers, where nothing asynchronous runs any more. Never throws. */
export function runCommandSyncQuietly(argv: readonly string[]): string | undefined {
  const [file, ...args] = argv;
  if (file === undefined) return undefined;
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  } catch {
    return undefined;
  }
}
