/**
 * Walks libs/ha/testdata/*.txt: blocks of `command`, `----`, expected output, separated by a
 * blank line; `#` lines are comments. REWRITE=1 regenerates the outputs: only commit the
 * changes if you understand what caused them (etcd-io/raft's -rewrite).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioEnv } from './scenario-env';

const dir = join(__dirname, '..', 'testdata');
const rewrite = process.env['REWRITE'] === '1';

interface Block {
  readonly comments: string[];
  readonly command: string;
  readonly expected: string;
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

const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

describe('HA scenarios (testdata)', () => {
  it('has scenario files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(file, () => {
      const path = join(dir, file);
      const blocks = parse(readFileSync(path, 'utf8'));
      const env = new ScenarioEnv();
      const outputs = blocks.map((b) => env.run(b.command));
      if (rewrite) {
        writeFileSync(path, render(blocks, outputs));
        return;
      }
      blocks.forEach((b, k) => {
        expect(`${b.command}\n----\n${outputs[k]}`).toEqual(`${b.command}\n----\n${b.expected}`);
      });
    });
  }
});
