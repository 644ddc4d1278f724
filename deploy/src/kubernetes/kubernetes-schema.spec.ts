/**
 * Every manifest, as written and as each kustomization renders it, validates against the
 * Kubernetes v1.33.0 API schemas (and the prometheus-operator CRDs) through kubernetes-models.
 */
import * as path from 'node:path';
import { KUBERNETES_API_VERSION, PROMETHEUS_OPERATOR_CRD_VERSION, schemaErrors } from './api-schema';
import { KUBERNETES_DIR, kustomizeVersion, manifestFiles, OVERLAYS, readManifest, render, renderUnavailable } from './overlays';
import type { KubeObject } from './kube-object';
import { unknownFieldErrors } from './unknown-fields';

const ci = process.env['CI'] === 'true';
if (renderUnavailable && !ci) process.stderr.write(`kubernetes-schema.spec: rendered overlays skipped: ${renderUnavailable}\n`);
const itRenders = renderUnavailable && !ci ? it.skip : it;

function statefulSet(name: string): KubeObject {
  const found = readManifest(path.join(KUBERNETES_DIR, 'base/statestored.yaml')).find((o) => o.kind === 'StatefulSet' && o.metadata.name === name);
  if (!found) throw new Error(`no StatefulSet ${name} in base/statestored.yaml`);
  return JSON.parse(JSON.stringify(found)) as KubeObject;
}

describe(`Kubernetes ${KUBERNETES_API_VERSION} API schemas (prometheus-operator ${PROMETHEUS_OPERATOR_CRD_VERSION} CRDs)`, () => {
  it.each(manifestFiles().map((f) => [path.relative(KUBERNETES_DIR, f), f]))('%s validates as written', (_name, file) => {
    const objects = readManifest(file);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap(schemaErrors)).toEqual([]);
  });

  itRenders.each(OVERLAYS.map((o) => [o.name, o]))(`%s renders with ${kustomizeVersion} and every object validates`, (_name, overlay) => {
    const objects = render(overlay);
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['ConfigMap', 'Service', 'StatefulSet', 'PodDisruptionBudget']));
    expect(objects.flatMap(schemaErrors)).toEqual([]);
  });

  // The schemas let unknown fields through; the API server's strict field validation does not.
  itRenders.each(OVERLAYS.map((o) => [o.name, o]))('%s names no field the API does not know', (_name, overlay) => {
    expect(unknownFieldErrors(render(overlay))).toEqual([]);
  });

  describe('fails when broken on purpose', () => {
    it('a misspelt field (TypeScript reports the first per object)', () => {
      const o = statefulSet('statestored-1') as unknown as { spec: Record<string, unknown> };
      o.spec['podManagmentPolicy'] = 'Parallel';
      expect(unknownFieldErrors([o as unknown as KubeObject])).toEqual([
        expect.stringMatching(/^StatefulSet\/statestored-1: Object literal may only specify known properties, and '"?podManagmentPolicy"?' does not exist in type 'IStatefulSetSpec'/),
      ]);
    });

    it('a replica count written as a string', () => {
      const o = statefulSet('statestored-1') as unknown as { spec: { replicas: unknown } };
      o.spec.replicas = 'one';
      expect(schemaErrors(o as unknown as KubeObject)).toEqual(['StatefulSet/statestored-1: /spec/replicas must be integer']);
    });

    it('a pod template without containers', () => {
      const o = statefulSet('statestored-2') as unknown as { spec: { template: { spec: Record<string, unknown> } } };
      delete o.spec.template.spec['containers'];
      expect(schemaErrors(o as unknown as KubeObject)).toEqual(['StatefulSet/statestored-2: /spec/template/spec must have required property containers']);
    });

    it('a container port as a string and a malformed memory quantity', () => {
      const o = statefulSet('statestored-1') as unknown as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };
      const [c] = o.spec.template.spec.containers;
      if (!c) throw new Error('no container');
      c['ports'] = [{ name: 'statestore', containerPort: '24000' }];
      c['resources'] = { requests: { cpu: '500m', memory: 'half a gig' } };
      const errors = schemaErrors(o as unknown as KubeObject);
      expect(errors).toEqual(expect.arrayContaining([
        'StatefulSet/statestored-1: /spec/template/spec/containers/0/ports/0/containerPort must be integer',
        expect.stringContaining('/spec/template/spec/containers/0/resources/requests/memory must match format "quantity"'),
      ]));
    });

    it('a kind it has no schema for', () => {
      expect(schemaErrors({ apiVersion: 'apps/v1', kind: 'Gadget', metadata: { name: 'x' } })).toEqual([
        'Gadget/x: no schema for apps/v1 Gadget (add it to deploy/src/kubernetes/api-schema.ts)',
      ]);
    });
  });
});
