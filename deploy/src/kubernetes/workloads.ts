/** Typed views of the rendered objects the invariants read: workloads, their pods, Services. */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import type { ILabelSelector } from '@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector';
import type { KubeObject } from './kube-object';
import { objectName } from './kube-object';

export interface Workload {
  readonly object: KubeObject;
  readonly name: string;
  readonly kind: string;
  readonly replicas: number;
  /** StatefulSet spec.serviceName. */
  readonly serviceName: string | undefined;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly podAnnotations: Readonly<Record<string, string>>;
  readonly pod: IPodSpec;
  readonly containers: readonly IContainer[];
}

export interface ServiceView {
  readonly object: KubeObject;
  readonly name: string;
  readonly spec: IServiceSpec;
}

interface WorkloadSpec {
  replicas?: number;
  serviceName?: string;
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: IPodSpec };
}

export function workloads(objects: readonly KubeObject[]): Workload[] {
  return objects
    .filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment')
    .map((o) => {
      const spec = (o.spec ?? {}) as WorkloadSpec;
      const pod = spec.template?.spec ?? ({ containers: [] } as IPodSpec);
      return {
        object: o,
        name: objectName(o),
        kind: o.kind,
        replicas: spec.replicas ?? 1,
        serviceName: spec.serviceName,
        podLabels: spec.template?.metadata?.labels ?? {},
        podAnnotations: spec.template?.metadata?.annotations ?? {},
        pod,
        containers: [...(pod.initContainers ?? []), ...pod.containers],
      };
    });
}

export function services(objects: readonly KubeObject[]): ServiceView[] {
  return objects.filter((o) => o.kind === 'Service').map((o) => ({ object: o, name: o.metadata.name, spec: (o.spec ?? {}) as IServiceSpec }));
}

/** Kubernetes label-selector semantics for matchLabels and the In/NotIn/Exists/DoesNotExist expressions. */
export function selects(selector: ILabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        return value !== undefined && (e.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(e.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
  return byLabels && byExpressions;
}

/** A Service's plain key=value selector as a label selector. */
export function serviceSelects(service: ServiceView, labels: Readonly<Record<string, string>>): boolean {
  const selector = service.spec.selector;
  return selector !== undefined && Object.keys(selector).length > 0 && selects({ matchLabels: selector }, labels);
}
