/**
 * Renders a kustomization with kubectl's built-in kustomize (`kubectl kustomize <dir>`, which
 * needs no cluster). The manifests use kustomize v4+ syntax (directories in `resources`,
 * `patches`): what kubectl 1.21 and later embed. Debian's kubernetes-client (kubectl 1.20)
 * embeds kustomize v2.0.3, which refuses both, so it is reported as unusable rather than run.
 */
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './kube-object';

const MIN_KUSTOMIZE_MAJOR = 4;

export interface Kustomize {
  readonly kubectl: string;
  /** e.g. "v5.5.0". */
  readonly version: string;
}

export type KustomizeAvailability = { readonly ok: true; readonly kustomize: Kustomize } | { readonly ok: false; readonly reason: string };

/** kubectl from $KUBECTL or PATH, if its kustomize is new enough. */
export function findKustomize(kubectl = process.env['KUBECTL'] ?? 'kubectl'): KustomizeAvailability {
  let out: string;
  try {
    out = execFileSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return { ok: false, reason: `no usable ${kubectl} (${(error as Error).message.split('\n')[0]}); kubectl 1.21+ renders the overlays` };
  }
  const info = JSON.parse(out) as { kustomizeVersion?: string; clientVersion?: { gitVersion?: string } };
  const version = info.kustomizeVersion ?? '';
  const major = Number(/^v(\d+)\./.exec(version)?.[1] ?? 0);
  if (major < MIN_KUSTOMIZE_MAJOR) {
    return {
      ok: false,
      reason: `${kubectl} ${info.clientVersion?.gitVersion ?? '?'} embeds kustomize ${version || 'of unknown version'}; the manifests need v${MIN_KUSTOMIZE_MAJOR}+ (kubectl 1.21+)`,
    };
  }
  return { ok: true, kustomize: { kubectl, version } };
}

/** Every object `kubectl kustomize dir` prints. Throws with kubectl's message on a bad kustomization. */
export function renderKustomization(k: Kustomize, dir: string): KubeObject[] {
  const out = execFileSync(k.kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
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
