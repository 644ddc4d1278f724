/**
 * What the rendered manifests must hold beyond the API schema, for the HA pair to be worth
 * having on Kubernetes. Pure: rendered objects in, violations out (each naming its rule and
 * object), so a spec can break one on purpose and see exactly that rule fire.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IPodDisruptionBudgetSpec } from 'kubernetes-models/policy/v1/PodDisruptionBudgetSpec';
import type { IPodAffinityTerm } from 'kubernetes-models/v1/PodAffinityTerm';
import type { KubeObject } from './kube-object';
import { objectName } from './kube-object';
import { selects, serviceSelects, services, workloads } from './workloads';
import type { Workload } from './workloads';

export type InvariantRule =
  | 'pair-shape'
  | 'pair-anti-affinity'
  | 'pair-services'
  | 'pair-symmetry'
  | 'probes'
  | 'image-tag'
  | 'requests'
  | 'non-root'
  | 'disruption-budget'
  | 'scrape-annotations'
  | 'config-map'
  // daemon-flags.ts: the flags each container runs with
  | 'flags'
  | 'addresses';

export interface Violation {
  readonly rule: InvariantRule;
  readonly object: string;
  readonly message: string;
}

export interface InvariantOptions {
  /**
   * 'required' everywhere HA matters; 'preferred' only for the single-node overlay, which
   * exists to try the manifests on one node and says so.
   */
  readonly antiAffinity: 'required' | 'preferred';
}

/** The pairs that must never share a node, by app.kubernetes.io/name, and their pod count. */
export const PAIRS = [
  { app: 'statestored', pods: 2, singleReplicaWorkloads: true },
  { app: 'catalogd', pods: 2, singleReplicaWorkloads: false },
] as const;

const NAME_LABEL = 'app.kubernetes.io/name';
const HOSTNAME_TOPOLOGY = 'kubernetes.io/hostname';
/** Flags that make each statestored of the pair itself; everything else must be the same. */
const IDENTITY_FLAGS = ['--hostname=', '--state_store_peer_host='];
const IDENTITY_LABEL = 'statestore-ha/member';

export function manifestViolations(objects: readonly KubeObject[], options: InvariantOptions): Violation[] {
  const all = workloads(objects);
  return [
    ...pairRules(objects, all, options),
    ...all.flatMap((w) => containerRules(w)),
    ...all.flatMap((w) => podRules(w, objects)),
  ];
}

function violation(rule: InvariantRule, object: string, message: string): Violation {
  return { rule, object, message };
}

function pairRules(objects: readonly KubeObject[], all: readonly Workload[], options: InvariantOptions): Violation[] {
  const out: Violation[] = [];
  for (const pair of PAIRS) {
    const members = all.filter((w) => w.podLabels[NAME_LABEL] === pair.app);
    const pods = members.reduce((n, w) => n + w.replicas, 0);
    if (pods !== pair.pods) out.push(violation('pair-shape', pair.app, `${pods} ${pair.app} pods across ${members.length} workloads; the pair needs ${pair.pods}`));
    if (pair.singleReplicaWorkloads) {
      for (const w of members.filter((m) => m.replicas !== 1)) out.push(violation('pair-shape', w.name, `replicas ${w.replicas}: each member of the pair is its own single-replica workload`));
    }
    for (const w of members) out.push(...antiAffinity(w, members, options));
  }
  const statestoreds = all.filter((w) => w.podLabels[NAME_LABEL] === 'statestored');
  out.push(...memberServices(objects, statestoreds));
  const [a, b] = statestoreds;
  if (a && b && JSON.stringify(withoutIdentity(a.object)) !== JSON.stringify(withoutIdentity(b.object))) {
    out.push(violation('pair-symmetry', `${a.name}, ${b.name}`, `the two statestoreds differ beyond their name, ${IDENTITY_LABEL} and ${IDENTITY_FLAGS.join(' ')}`));
  }
  return out;
}

/** Every member's required (or, for single-node, preferred) hostname anti-affinity must repel every other member. */
function antiAffinity(w: Workload, members: readonly Workload[], options: InvariantOptions): Violation[] {
  const anti = w.pod.affinity?.podAntiAffinity;
  const terms: IPodAffinityTerm[] =
    options.antiAffinity === 'required'
      ? (anti?.requiredDuringSchedulingIgnoredDuringExecution ?? [])
      : (anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => t.podAffinityTerm);
  const hostTerms = terms.filter((t) => t.topologyKey === HOSTNAME_TOPOLOGY);
  const repelsAll = hostTerms.some((t) => members.every((m) => selects(t.labelSelector, m.podLabels)));
  return repelsAll ? [] : [violation('pair-anti-affinity', w.name, `no ${options.antiAffinity} pod anti-affinity on ${HOSTNAME_TOPOLOGY} that matches every member of the pair`)];
}

/**
 * Each statestored has its own Service that selects it alone and publishes it before it is
 * ready: the HA handshake that makes it ready goes through the peer's Service.
 */
function memberServices(objects: readonly KubeObject[], statestoreds: readonly Workload[]): Violation[] {
  const out: Violation[] = [];
  const all = services(objects).filter((s) => s.spec.clusterIP !== 'None');
  for (const w of statestoreds) {
    const own = all.filter((s) => serviceSelects(s, w.podLabels));
    const service = own[0];
    if (own.length !== 1 || !service) {
      out.push(violation('pair-services', w.name, `${own.length} ClusterIP Services select it; each statestored needs exactly one of its own`));
      continue;
    }
    if (statestoreds.some((other) => other !== w && serviceSelects(service, other.podLabels))) out.push(violation('pair-services', `Service/${service.name}`, 'selects both statestoreds'));
    if (service.spec.publishNotReadyAddresses !== true) out.push(violation('pair-services', `Service/${service.name}`, 'must publish not-ready addresses: the peer handshakes with a statestored before it is ready'));
    const containerPorts = new Set(w.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
    for (const port of ['statestore', 'statestore-ha']) {
      const p = (service.spec.ports ?? []).find((sp) => sp.name === port);
      if (!p || !containerPorts.has(String(p.targetPort))) out.push(violation('pair-services', `Service/${service.name}`, `no port ${port} targeting the container's port of that name`));
    }
  }
  return out;
}

function withoutIdentity(o: KubeObject): unknown {
  return JSON.parse(JSON.stringify(o), (key, value: unknown) => {
    if (key === 'name' || key === IDENTITY_LABEL) return undefined;
    if (key === 'args' && Array.isArray(value)) return value.filter((a) => !IDENTITY_FLAGS.some((f) => String(a).startsWith(f)));
    return value;
  }) as unknown;
}

function containerRules(w: Workload): Violation[] {
  const out: Violation[] = [];
  const pod = w.pod.securityContext;
  for (const c of w.containers) {
    const where = `${w.name} container ${c.name}`;
    if (!c.readinessProbe) out.push(violation('probes', where, 'no readinessProbe'));
    if (!c.livenessProbe) out.push(violation('probes', where, 'no livenessProbe'));
    // /healthz is 503 until the HA handshake settles (statestore_ha_preemption_wait_period_ms,
    // 10 s by default): without a startup probe a slow settle would count against liveness.
    if (w.podLabels[NAME_LABEL] === 'statestored' && !c.startupProbe) out.push(violation('probes', where, 'no startupProbe: /healthz answers 503 until the role settles'));
    for (const [kind, probe] of [['readiness', c.readinessProbe], ['liveness', c.livenessProbe], ['startup', c.startupProbe]] as const) {
      if (probe && !probeTargetsPort(probe, c)) out.push(violation('probes', where, `${kind} probe targets a port the container does not declare`));
    }
    out.push(...imageTag(c, where));
    const requests = c.resources?.requests ?? {};
    for (const r of ['cpu', 'memory']) if (requests[r] === undefined) out.push(violation('requests', where, `no ${r} request`));
    const sc = c.securityContext ?? {};
    const nonRoot = sc.runAsNonRoot ?? pod?.runAsNonRoot;
    const user = sc.runAsUser ?? pod?.runAsUser;
    if (nonRoot !== true) out.push(violation('non-root', where, 'runAsNonRoot is not true'));
    if (user === 0) out.push(violation('non-root', where, 'runAsUser is 0'));
    if (sc.allowPrivilegeEscalation !== false) out.push(violation('non-root', where, 'allowPrivilegeEscalation is not false'));
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(violation('non-root', where, 'capabilities do not drop ALL'));
    if ((sc.seccompProfile ?? pod?.seccompProfile)?.type !== 'RuntimeDefault') out.push(violation('non-root', where, 'seccompProfile is not RuntimeDefault'));
  }
  return out;
}

function probeTargetsPort(probe: IProbe, c: IContainer): boolean {
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
  if (port === undefined) return probe.exec !== undefined;
  return (c.ports ?? []).some((p) => p.name === port || p.containerPort === port);
}

function imageTag(c: IContainer, where: string): Violation[] {
  const image = c.image ?? '';
  if (image.includes('@sha256:')) return [];
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  if (tag === '') return [violation('image-tag', where, `${image || '(no image)'} has no tag: it means latest`)];
  if (tag === 'latest') return [violation('image-tag', where, `${image} is tagged latest`)];
  return [];
}

function podRules(w: Workload, objects: readonly KubeObject[]): Violation[] {
  const out: Violation[] = [];
  const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget' && selects((o.spec as IPodDisruptionBudgetSpec | undefined)?.selector, w.podLabels));
  if (budgets.length === 0) out.push(violation('disruption-budget', w.name, 'no PodDisruptionBudget selects its pods'));
  if (budgets.length > 1) out.push(violation('disruption-budget', w.name, `${budgets.map(objectName).join(', ')} all select its pods; the eviction API refuses pods with several budgets`));
  const annotations = w.podAnnotations;
  const webPort = w.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === 'webserver')?.containerPort;
  if (annotations['prometheus.io/scrape'] !== 'true') out.push(violation('scrape-annotations', w.name, 'pod template lacks prometheus.io/scrape: "true"'));
  if (webPort === undefined || annotations['prometheus.io/port'] !== String(webPort)) {
    out.push(violation('scrape-annotations', w.name, `prometheus.io/port is ${annotations['prometheus.io/port'] ?? 'missing'}, the webserver port is ${webPort ?? 'missing'}`));
  }
  const configMaps = new Set(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name));
  for (const v of w.pod.volumes ?? []) {
    if (v.configMap && !configMaps.has(v.configMap.name ?? '')) out.push(violation('config-map', w.name, `volume ${v.name} mounts ConfigMap ${v.configMap.name ?? '?'}, which is not in the manifests`));
  }
  return out;
}
