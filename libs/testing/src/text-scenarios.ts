/**
 * Text scenario files (STYLE.md §3, after etcd-io/raft's datadriven testdata): blocks of a
 * command, `----`, and the expected output, separated by blank lines; `#` lines are comments.
 * A file is run through an interpreter (`run(command) -> output`); REWRITE=1 writes the actual
 * outputs back, to be committed only when the cause of each change is understood.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

export interface ScenarioInterpreter {
  run(command: string): string;
}

/** An interpreter whose commands need to await something (a metrics scrape, a stopping server). */
export interface AsyncScenarioInterpreter {
  run(command: string): Promise<string>;
}

interface Block {
  readonly comments: readonly string[];
  readonly command: string;
  readonly expected: string;
}

/** The `.txt` files of a testdata folder, sorted. */
export function textScenarioFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
}

/**
 * Runs one file's commands through the interpreter. Returns the file as written and as it would
 * be with the actual outputs; equal when the scenario passes. With `rewrite` the actual one is
 * written back.
 */
export function runTextScenarioFile(path: string, interpreter: ScenarioInterpreter, rewrite: boolean): { expected: string; actual: string } {
  const text = readFileSync(path, 'utf8');
  const blocks = parse(text);
  return settle(path, blocks, blocks.map((b) => interpreter.run(b.command)), rewrite);
}

/** runTextScenarioFile for an interpreter whose commands are async, run one after the other. */
export async function runTextScenarioFileAsync(path: string, interpreter: AsyncScenarioInterpreter, rewrite: boolean): Promise<{ expected: string; actual: string }> {
  const blocks = parse(readFileSync(path, 'utf8'));
  const outputs: string[] = [];
  for (const b of blocks) outputs.push(await interpreter.run(b.command));
  return settle(path, blocks, outputs, rewrite);
}

/** Where REWRITE=1 asks for outputs to be rewritten. */
export function rewriteRequested(env: Readonly<Record<string, string | undefined>>): boolean {
  return env['REWRITE'] === '1';
}

/** The file as written and as the outputs make it; a rewrite writes the latter and expects it. */
function settle(path: string, blocks: readonly Block[], outputs: readonly string[], rewrite: boolean): { expected: string; actual: string } {
  const actual = render(blocks, outputs);
  if (!rewrite) return { expected: render(blocks, blocks.map((b) => b.expected)), actual };
  writeFileSync(path, actual);
  return { expected: actual, actual };
}

function parse(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const comments: string[] = [];
    while (i < lines.length && (lines[i]?.trim() === '' || lines[i]?.startsWith('#'))) {
      if (lines[i]?.startsWith('#')) comments.push(lines[i] ?? '');
      i++;
    }
    if (i >= lines.length) break;
    const command = lines[i++] ?? '';
    if (lines[i] !== '----') throw new Error(`expected ---- after "${command}" (line ${i + 1})`);
    i++;
    const out: string[] = [];
    while (i < lines.length && lines[i]?.trim() !== '') out.push(lines[i++] ?? '');
    blocks.push({ comments, command, expected: out.join('\n') });
  }
  return blocks;
}

function render(blocks: readonly Block[], outputs: readonly string[]): string {
  return blocks.map((b, k) => [...b.comments, b.command, '----', outputs[k] ?? ''].join('\n')).join('\n\n') + '\n';
}
