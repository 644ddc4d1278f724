/** The kustomizations the specs render, and what each must hold. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYamlStream, renderKustomization } from './kustomize';
import { describeKubectl, findKubectl, PROJECT_KUBECTL } from './kubectl-lookup';
import type { Kubectl } from './kubectl-lookup';
import type { KubeObject } from './kube-object';
import type { InvariantOptions } from './manifest-invariants';

export const KUBERNETES_DIR = path.resolve(__dirname, '../../kubernetes');

export interface Overlay extends InvariantOptions {
  readonly name: string;
  readonly dir: string;
}

export const BASE: Overlay = { name: 'base', dir: path.join(KUBERNETES_DIR, 'base'), antiAffinity: 'required' };

export const OVERLAYS: readonly Overlay[] = [
  BASE,
  { name: 'overlays/prometheus-operator', dir: path.join(KUBERNETES_DIR, 'overlays/prometheus-operator'), antiAffinity: 'required' },
  // The one place the pair may share a node: a trial on kind or minikube (its kustomization says so).
  { name: 'overlays/single-node', dir: path.join(KUBERNETES_DIR, 'overlays/single-node'), antiAffinity: 'preferred' },
];

export const kubectlLookup = findKubectl();

/**
 * Why rendering is impossible here, or undefined. Outside CI the rendering specs then skip and
 * say why; under CI=true they fail with this text, since CI's install-deps.sh extracted
 * Debian's kubectl and a missing renderer means that step broke.
 */
export const renderUnavailable: string | undefined = kubectlLookup.chosen
  ? undefined
  : [
      'no kubectl to render the kustomizations with',
      ...kubectlLookup.problems,
      `as root, \`bash chaos/scripts/install-deps.sh\` extracts Debian's kubectl 1.20 to ${path.relative(path.resolve(KUBERNETES_DIR, '../..'), PROJECT_KUBECTL)}; or set KUBECTL to a kubectl 1.14+`,
    ].join('; ');

export const kustomizeVersion: string = kubectlLookup.chosen ? describeKubectl(kubectlLookup.chosen) : 'none';

// Once per spec file, so a CI log says which kubectl rendered what it checked.
process.stderr.write(`deploy: rendering kustomizations with ${kustomizeVersion}\n`);

export function render(overlay: Overlay, kubectl: Kubectl | undefined = kubectlLookup.chosen): KubeObject[] {
  if (!kubectl) throw new Error(renderUnavailable);
  return renderKustomization(kubectl, overlay.dir);
}

/**
 * Every manifest file as written (not rendered): all YAML under deploy/kubernetes but the
 * kustomizations and the JSON patches in overlays' patches/ folders (lists of operations, not
 * objects; the rendered overlays show what they do).
 */
export function manifestFiles(dir = KUBERNETES_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && e.name !== 'kustomization.yaml' && path.basename(e.parentPath) !== 'patches')
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export function readManifest(file: string): KubeObject[] {
  return parseYamlStream(fs.readFileSync(file, 'utf8'), file);
}
