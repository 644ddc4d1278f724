/**
 * Renders a kustomization with kubectl's built-in kustomize (`kubectl kustomize <dir>`, which
 * needs no cluster). The kustomizations are written in fields that both kustomize v2.0.3
 * (kubectl 1.14-1.20, Debian 12's kubernetes-client) and v5 read; kubectl-lookup.ts says which
 * kubectl is used.
 */
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './kube-object';
import type { Kubectl } from './kubectl-lookup';

/** Every object `kubectl kustomize dir` prints. Throws with kubectl's message on a bad kustomization. */
export function renderKustomization(k: Kubectl, dir: string): KubeObject[] {
  const out = execFileSync(k.command, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  return parseYamlStream(out, dir);
}

/** The documents of a multi-document YAML text, each a Kubernetes object. */
export function parseYamlStream(text: string, source: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`${source}: document ${index + 1}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as unknown;
    return value === null || value === undefined ? [] : [value as KubeObject];
  });
}
