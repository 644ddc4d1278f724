import { rangeText } from './coerce-flag-value';
import type { FlagGroup, FlagSpec } from './flag-spec';

/**
 * `--help` output: a usage line, the syntax we accept, then every flag of every group with its
 * type, default and allowed range or values. The app prints it; this only renders.
 */
export function renderHelp(daemon: string, groups: readonly FlagGroup[]): string {
  const lines = [
    `Usage: ${daemon} [--flag=value ...]`,
    '',
    "Flags use Apache Impala's names and gflags syntax: --name=value or --name value; booleans as",
    '--name, --name=true|false or --noname. --flagfile=<path> reads one --name=value per line',
    '(# starts a comment); flags on the command line win over the file.',
  ];
  for (const group of groups) {
    lines.push('', `${group.title}:`);
    for (const [name, spec] of Object.entries(group.specs)) {
      lines.push(`  --${name}=<${spec.type}>  ${describeLimits(spec)}`);
      lines.push(`      ${spec.help}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function describeLimits(spec: FlagSpec): string {
  const parts = [`default: ${JSON.stringify(spec.default)}`];
  if (spec.type === 'int' || spec.type === 'double') {
    const range = rangeText(spec.min, spec.max);
    if (range !== '') parts.push(`range: ${range}`);
  }
  if (spec.type === 'string' && spec.choices !== undefined) parts.push(`one of: ${spec.choices.join('|')}`);
  return parts.join('  ');
}
