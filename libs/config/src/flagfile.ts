import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';

/**
 * Reads a gflags `--flagfile`: one flag per line (`--name=value`), `#` starts a comment line,
 * blank lines are skipped. Each line is one argument, so a value may contain spaces. Returns
 * the lines as argv words, or the problems found (each naming the file and line).
 */
export function readFlagfile(path: string): { readonly args: readonly string[]; readonly errors: readonly ConfigError[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    // Not `instanceof Error`: errors from node:fs come from another realm under Jest's vm.
    const message = (cause as { message?: unknown } | null)?.message;
    const reason = typeof message === 'string' ? message : String(cause);
    return { args: [], errors: [new ConfigError('flagfile', path, `cannot read the file: ${reason}`, { cause })] };
  }
  const args: string[] = [];
  const errors: ConfigError[] = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${path}:${index + 1}`;
    const name = /^--?([^=\s]*)/.exec(line)?.[1];
    if (name === undefined || name === '') {
      errors.push(new ConfigError('flagfile', where, `"${line}" is not a flag; write one --name=value per line`));
    } else if (/^--?[^=]*\s/.test(line)) {
      errors.push(new ConfigError('flagfile', where, `"${line}": write --name=value, one flag per line (a line is one argument)`));
    } else if (name === 'flagfile') {
      // gflags follows nested flagfiles; nobody in Impala's tree does, and refusing is simpler
      // than guarding against cycles.
      errors.push(new ConfigError('flagfile', where, 'a flagfile may not name another --flagfile'));
    } else {
      args.push(line);
    }
  });
  return { args, errors };
}
