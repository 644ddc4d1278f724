/**
 * Every kubectl at hand renders every kustomization to the same objects. CI renders with
 * Debian's kubectl 1.20 (kustomize v2.0.3); users mostly have a current one (kustomize v5). The
 * kustomizations use the fields both read, and this spec keeps them doing so wherever a machine
 * has both (this project's machines have kubectl 1.32 on PATH). With one kubectl there is nothing
 * to compare and the comparison says so and skips.
 */
import type { KubeObject } from './kube-object';
import { describeKubectl } from './kubectl-lookup';
import { kubectlLookup, OVERLAYS, render, renderUnavailable } from './overlays';
import { renderingDifferences } from './rendering-differences';

const [first, ...others] = kubectlLookup.working;
const comparable = first !== undefined && others.length > 0;
if (!comparable && !renderUnavailable) {
  process.stderr.write(`kubectl-agreement.spec: one kubectl here (${kubectlLookup.working.map(describeKubectl).join('') || 'none'}), nothing to compare it with\n`);
}

describe('every kubectl at hand renders the same objects', () => {
  if (!comparable) {
    it.skip('needs two kubectls', () => undefined);
    return;
  }
  const cases = OVERLAYS.flatMap((overlay) => others.map((other) => [overlay.name, describeKubectl(first), describeKubectl(other), overlay, other] as const));
  it.each(cases)('%s: %s and %s agree', (_name, aName, bName, overlay, other) => {
    const a = render(overlay, first);
    const b = render(overlay, other);
    expect(a.length).toBeGreaterThan(10);
    expect(renderingDifferences(a, b, aName, bName)).toEqual([]);
  });
});

describe('rendering differences, checked on made-up renderings', () => {
  const flags = (suffix: string, value = '--log_level=info'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `flags-${suffix}` }, data: { 'x.flags': value } });
  const sts = (cm: string, replicas = 2): KubeObject =>
    ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'executor' }, spec: { replicas, template: { spec: { volumes: [{ name: 'flags', configMap: { name: cm } }] } } } }) as KubeObject;
  const svc = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name } });

  it('ignores the order of objects and the hash suffix of generated names', () => {
    const v2 = [flags('h89kg9kcmh'), svc('statestored-1'), svc('statestored'), sts('flags-h89kg9kcmh')];
    const v5 = [flags('228g2ttmm5'), svc('statestored'), svc('statestored-1'), sts('flags-228g2ttmm5')];
    expect(renderingDifferences(v2, v5)).toEqual([]);
  });

  it('fails on a field that differs', () => {
    expect(renderingDifferences([sts('flags-h89kg9kcmh', 2), flags('h89kg9kcmh')], [sts('flags-228g2ttmm5', 3), flags('228g2ttmm5')], 'v2', 'v5')).toEqual([
      'StatefulSet//executor /spec/replicas: 2 vs 3 (v2 vs v5)',
    ]);
  });

  it('fails on generated data that differs, hash or no hash', () => {
    expect(renderingDifferences([flags('h89kg9kcmh')], [flags('228g2ttmm5', '--log_level=debug')])).toEqual([
      'ConfigMap//flags-<hash> /data/x.flags: "--log_level=info" vs "--log_level=debug" (a vs b)',
    ]);
  });

  it('fails on a reference to the unhashed name, as a kustomize that did not rewrite it would print', () => {
    expect(renderingDifferences([flags('h89kg9kcmh'), sts('flags-h89kg9kcmh')], [flags('228g2ttmm5'), sts('flags')])).toEqual([
      'StatefulSet//executor /spec/template/spec/volumes/0/configMap/name: "flags-<hash>" vs "flags" (a vs b)',
    ]);
  });

  it('fails on an object only one rendering has', () => {
    expect(renderingDifferences([svc('statestored'), svc('statestored-2')], [svc('statestored')], 'v2', 'v5')).toEqual(['Service//statestored-2: only from v2']);
  });
});
