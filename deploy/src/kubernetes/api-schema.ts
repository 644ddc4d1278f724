/**
 * Validation against the Kubernetes API schemas through kubernetes-models: its models are
 * generated from the OpenAPI spec of Kubernetes v1.33.0 (kubernetes-models 4.5.1) and of the
 * prometheus-operator v0.65.1 CRDs (@kubernetes-models/prometheus-operator 4.4.4), and
 * validate with ajv: a missing required field, a wrong type or a malformed quantity is an
 * error naming its path. (5.x moved to Kubernetes 1.36 but is ESM-only and needs Node 22.)
 */
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { KubeObject } from './kube-object';
import { objectName } from './kube-object';

export const KUBERNETES_API_VERSION = 'v1.33.0';
export const PROMETHEUS_OPERATOR_CRD_VERSION = 'v0.65.1';

interface Model {
  validate(): void;
}

/** The kinds the manifests use; another kind is an error until it is added here. */
const MODELS: Readonly<Record<string, (data: never) => Model>> = {
  'v1/ConfigMap': (d) => new ConfigMap(d),
  'v1/Service': (d) => new Service(d),
  'apps/v1/StatefulSet': (d) => new StatefulSet(d),
  'apps/v1/Deployment': (d) => new Deployment(d),
  'policy/v1/PodDisruptionBudget': (d) => new PodDisruptionBudget(d),
  'monitoring.coreos.com/v1/ServiceMonitor': (d) => new ServiceMonitor(d),
  'monitoring.coreos.com/v1/PrometheusRule': (d) => new PrometheusRule(d),
};

/** The schema errors of one object, each "Kind/name: path message"; empty when valid. */
export function schemaErrors(o: KubeObject): string[] {
  const make = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!make) return [`${objectName(o)}: no schema for ${o.apiVersion} ${o.kind} (add it to deploy/src/kubernetes/api-schema.ts)`];
  try {
    make(o as never).validate();
    return [];
  } catch (error) {
    // ajv joins its errors with ", "; one per line reads better.
    return String((error as Error).message)
      .split(/, (?=data)/)
      .map((e) => `${objectName(o)}: ${e.replace(/^data\/?/, '/')}`);
  }
}
