/**
 * How two renderings of one kustomization differ, for checking that every kubectl at hand
 * renders the same objects. Two things are not differences:
 * - the order of the objects (kustomize v2.0.3 and v5 sort Services of one kind differently);
 * - the hash suffix of a generated ConfigMap or Secret name, wherever the name appears. v2.0.3
 *   hashes {kind, name, data} and v5 hashes the same with an empty name, so the same data gets
 *   statestore-ha-flags-h89kg9kcmh from one and statestore-ha-flags-228g2ttmm5 from the other.
 *   Each is consistent within its own rendering, and a change of data changes both.
 * Everything else, data included, must be equal.
 */
import type { KubeObject } from './kube-object';

// kustomize's hash suffix: the first 10 hex digits of a sha256 with 0 1 3 a e spelt g h k m t
// (api/hasher encode(), the same in v2.0.3 and v5).
const GENERATED_NAME = /^(.+)-([bcdfghkmt245-9]{10})$/;

function generatedNames(objects: readonly KubeObject[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const o of objects) {
    if (o.kind !== 'ConfigMap' && o.kind !== 'Secret') continue;
    const m = GENERATED_NAME.exec(o.metadata.name);
    if (m) names.set(o.metadata.name, `${m[1]}-<hash>`);
  }
  return names;
}

function masked(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return names.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => masked(v, names));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, names)]));
  }
  return value;
}

/** The objects by "Kind/namespace/name", generated names masked. */
function byKey(objects: readonly KubeObject[]): Map<string, unknown> {
  const names = generatedNames(objects);
  const out = new Map<string, unknown>();
  for (const o of objects) {
    const m = masked(o, names) as KubeObject & { metadata: { namespace?: string } };
    out.set(`${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`, m);
  }
  return out;
}

/** JSON paths where a and b differ, at most `limit`. */
function leafDifferences(a: unknown, b: unknown, at: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (a === b) return;
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) {
    out.push(`${at || '/'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    return;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort();
  for (const k of keys) leafDifferences(ra[k], rb[k], `${at}/${k}`, out, limit);
}

/**
 * One line per difference between rendering a (labelled aName) and b (bName): an object only
 * one has, or the first few paths where an object differs. Empty when they agree.
 */
export function renderingDifferences(a: readonly KubeObject[], b: readonly KubeObject[], aName = 'a', bName = 'b'): string[] {
  const ka = byKey(a);
  const kb = byKey(b);
  const out: string[] = [];
  for (const key of [...new Set([...ka.keys(), ...kb.keys()])].sort()) {
    if (!kb.has(key)) out.push(`${key}: only from ${aName}`);
    else if (!ka.has(key)) out.push(`${key}: only from ${bName}`);
    else {
      const paths: string[] = [];
      leafDifferences(ka.get(key), kb.get(key), '', paths, 5);
      out.push(...paths.map((p) => `${key} ${p} (${aName} vs ${bName})`));
    }
  }
  return out;
}
