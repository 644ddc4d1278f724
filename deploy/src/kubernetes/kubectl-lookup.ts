/**
 * Which kubectl renders the kustomizations (`kubectl kustomize` needs no cluster). Found the same
 * way on every machine:
 *   1. $KUBECTL, if set, and then only it: a kubectl someone named and that does not run is an
 *      error, not a reason to quietly render with another one;
 *   2. the project's own: Debian 12's kubectl 1.20 that chaos/scripts/install-deps.sh extracts
 *      into tmp/tools (it cannot be apt-installed: see deploy/scripts/extract-kubectl.sh);
 *   3. `kubectl` on PATH.
 * The first of 2 and 3 that runs is used. CI installs 2, so CI renders with the same kubectl
 * whatever else the machine has.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where deploy/scripts/extract-kubectl.sh puts Debian's kubernetes-client package. */
export const PROJECT_KUBECTL = path.resolve(__dirname, '../../../tmp/tools/kubernetes-client/usr/bin/kubectl');

export type KubectlSource = '$KUBECTL' | 'project (tmp/tools)' | 'PATH';

export interface Kubectl {
  /** What execFile runs: a path, or "kubectl" for the one on PATH. */
  readonly command: string;
  /** The file it resolves to, symlinks followed: two candidates may be the same binary. */
  readonly file: string;
  readonly source: KubectlSource;
  /** e.g. "v1.20.2". */
  readonly version: string;
  /** e.g. "v5.5.0", or for kubectl < 1.24 (which does not print it) the one its release embeds. */
  readonly kustomizeVersion: string;
}

export interface KubectlLookup {
  /** The kubectl the specs render with, if any runs. */
  readonly chosen?: Kubectl;
  /** Every candidate that runs, in lookup order: the chosen one first. */
  readonly working: readonly Kubectl[];
  /** One line per candidate that was tried and does not run, and why. */
  readonly problems: readonly string[];
}

/**
 * kubectl prints its kustomize version only from 1.24 on. Before that, the kustomize README's
 * table of what each kubectl release embeds: v2.0.3 from 1.14 (when `kubectl kustomize`
 * appeared) to 1.20, then v4.
 */
function embeddedKustomize(minor: number): string {
  if (minor <= 20) return 'v2.0.3';
  if (minor === 21) return 'v4.0.5';
  if (minor === 22) return 'v4.2.0';
  return 'v4.4.1';
}

const MIN_MINOR = 14;

type Probe = { readonly ok: true; readonly kubectl: Kubectl } | { readonly ok: false; readonly problem: string };

function probe(command: string, source: KubectlSource): Probe {
  let out: string;
  try {
    out = execFileSync(command, ['version', '--client', '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  } catch (error) {
    return { ok: false, problem: `${command} (${source}) does not run: ${(error as Error).message.split('\n')[0]}` };
  }
  let info: { kustomizeVersion?: string; clientVersion?: { gitVersion?: string; minor?: string } };
  try {
    info = JSON.parse(out) as typeof info;
  } catch {
    return { ok: false, problem: `${command} (${source}): \`version --client -o json\` printed no JSON` };
  }
  const version = info.clientVersion?.gitVersion ?? '?';
  const minor = Number(/^v1\.(\d+)\./.exec(version)?.[1] ?? NaN);
  if (!(minor >= MIN_MINOR)) return { ok: false, problem: `${command} (${source}) is ${version}: \`kubectl kustomize\` needs 1.${MIN_MINOR}+` };
  return { ok: true, kubectl: { command, file: resolveFile(command), source, version, kustomizeVersion: info.kustomizeVersion ?? embeddedKustomize(minor) } };
}

function resolveFile(command: string): string {
  const file = command.includes('/')
    ? command
    : (process.env['PATH'] ?? '').split(path.delimiter).map((dir) => path.join(dir, command)).find((f) => fs.existsSync(f)) ?? command;
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

export function findKubectl(env: NodeJS.ProcessEnv = process.env): KubectlLookup {
  const named = env['KUBECTL'];
  if (named !== undefined && named !== '') {
    const p = probe(named, '$KUBECTL');
    return p.ok ? { chosen: p.kubectl, working: [p.kubectl], problems: [] } : { working: [], problems: [p.problem] };
  }
  const candidates: Array<[string, KubectlSource]> = [];
  if (fs.existsSync(PROJECT_KUBECTL)) candidates.push([PROJECT_KUBECTL, 'project (tmp/tools)']);
  candidates.push(['kubectl', 'PATH']);
  const working: Kubectl[] = [];
  const problems: string[] = [];
  for (const [command, source] of candidates) {
    const p = probe(command, source);
    if (!p.ok) problems.push(p.problem);
    else if (!working.some((k) => k.file === p.kubectl.file)) working.push(p.kubectl);
  }
  return { ...(working[0] ? { chosen: working[0] } : {}), working, problems };
}

/** "kubectl -> /usr/lib/.../kubectl (PATH): kubectl v1.32.4, kustomize v5.5.0", for test names and logs. */
export function describeKubectl(k: Kubectl): string {
  const where = k.file === k.command ? k.command : `${k.command} -> ${k.file}`;
  return `${where} (${k.source}): kubectl ${k.version}, kustomize ${k.kustomizeVersion}`;
}
