/** The kustomizations the specs render, and what each must hold. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findKustomize, parseYamlStream, renderKustomization } from './kustomize';
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

const kustomize = findKustomize();

/**
 * Why rendering is impossible here, or undefined. In CI a missing renderer is a failure, not
 * a skip: the project's machines have kubectl 1.32 (kustomize v5.5.0).
 */
export const renderUnavailable: string | undefined = kustomize.ok ? undefined : kustomize.reason;
export const kustomizeVersion: string = kustomize.ok ? `${kustomize.kustomize.kubectl} (kustomize ${kustomize.kustomize.version})` : 'none';

export function render(overlay: Overlay): KubeObject[] {
  if (!kustomize.ok) throw new Error(kustomize.reason);
  return renderKustomization(kustomize.kustomize, overlay.dir);
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
