/**
 * The flags each daemon container would start with, parsed by the daemon's own flag table
 * (libs/config), so a misspelt flag or a value out of range in the ConfigMap fails here the way
 * it would fail the pod. Then the addresses: no loopback anywhere, each statestored names itself
 * the way its peer dials it, and every subscriber dials both statestoreds' Services.
 *
 * The flagfiles are written to a temporary directory because the parser reads --flagfile from
 * disk exactly as the daemon does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { catalogdFlags, ConfigErrors, impaladFlags, statestoredFlags } from '@statestore-ha/config';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { KubeObject } from './kube-object';
import type { Violation } from './manifest-invariants';
import { serviceSelects, services, workloads } from './workloads';
import type { ServiceView, Workload } from './workloads';

export type DaemonApp = 'statestored' | 'catalogd' | 'impalad';

export interface DaemonFlags {
  readonly workload: Workload;
  readonly container: string;
  /** The first pod's name (StatefulSet ordinal 0). */
  readonly pod: string;
  readonly app: DaemonApp;
  readonly flags: Readonly<Record<string, unknown>>;
}

const IMAGE = /(?:^|\/)statestore-ha\/(statestored|catalogd|impalad)[:@]/;
const LOOPBACK = /^(localhost|ip6-localhost|127\.\d+\.\d+\.\d+|::1|\[::1\]|0\.0\.0\.0)$/i;
const HOST_FLAGS = ['hostname', 'state_store_host', 'state_store_2_host', 'state_store_peer_host'] as const;

function parserFor(app: DaemonApp): { parse(argv: readonly string[]): unknown } {
  switch (app) {
    case 'statestored':
      return statestoredFlags;
    case 'catalogd':
      return catalogdFlags;
    case 'impalad':
      return impaladFlags;
    default:
      throw new Error(`unknown daemon ${String(app satisfies never)}`);
  }
}

/** $(VAR) as the kubelet expands it in args, from the container's env (fieldRef metadata.name = the pod). */
function expandArgs(c: IContainer, pod: string, where: string, out: Violation[]): string[] {
  const env = new Map<string, string>();
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env.set(e.name, e.value);
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env.set(e.name, pod);
  }
  return (c.args ?? []).map((arg) =>
    arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => {
      const value = env.get(name);
      if (value === undefined) out.push({ rule: 'flags', object: where, message: `${arg} names $(${name}), which the container's env does not define` });
      return value ?? whole;
    }),
  );
}

/** --flagfile=<mounted path> -> the ConfigMap key's content, written where the parser can read it. */
function resolveFlagfiles(args: string[], w: Workload, c: IContainer, objects: readonly KubeObject[], dir: string, where: string, out: Violation[]): string[] {
  return args.map((arg) => {
    const m = /^--flagfile=(.+)$/.exec(arg);
    if (!m?.[1]) return arg;
    const file = m[1];
    const mount = (c.volumeMounts ?? []).find((vm) => file.startsWith(`${vm.mountPath.replace(/\/$/, '')}/`));
    const volume = (w.pod.volumes ?? []).find((v) => v.name === mount?.name);
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap?.name);
    const key = mount ? file.slice(mount.mountPath.replace(/\/$/, '').length + 1) : '';
    const content = configMap?.data?.[key];
    if (content === undefined) {
      out.push({ rule: 'flags', object: where, message: `${arg}: no ConfigMap key mounted at that path` });
      return arg;
    }
    const local = path.join(dir, `${w.object.metadata.name}-${c.name}-${path.basename(key)}`);
    fs.writeFileSync(local, content);
    return `--flagfile=${local}`;
  });
}

export function daemonFlags(objects: readonly KubeObject[], out: Violation[]): DaemonFlags[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-flags-'));
  try {
    return workloads(objects).flatMap((w) =>
      w.containers.flatMap((c): DaemonFlags[] => {
        const app = IMAGE.exec(c.image ?? '')?.[1] as DaemonApp | undefined;
        if (!app) return [];
        const pod = w.kind === 'StatefulSet' ? `${w.object.metadata.name}-0` : w.object.metadata.name;
        const where = `${w.name} container ${c.name}`;
        const args = resolveFlagfiles(expandArgs(c, pod, where, out), w, c, objects, dir, where, out);
        try {
          return [{ workload: w, container: c.name, pod, app, flags: parserFor(app).parse(args) as Record<string, unknown> }];
        } catch (error) {
          if (!(error instanceof ConfigErrors)) throw error;
          out.push(...error.errors.map((e) => ({ rule: 'flags' as const, object: where, message: e.message })));
          return [];
        }
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function containerPort(d: DaemonFlags, name: string): number | undefined {
  return d.workload.containers.find((c) => c.name === d.container)?.ports?.find((p) => p.name === name)?.containerPort;
}

function servicePort(s: ServiceView, name: string): number | undefined {
  return s.spec.ports?.find((p) => p.name === name)?.port;
}

/** Every address check over the parsed flags of all daemons. */
export function addressViolations(objects: readonly KubeObject[], daemons: readonly DaemonFlags[]): Violation[] {
  const out: Violation[] = [];
  const add = (d: DaemonFlags, message: string): void => void out.push({ rule: 'addresses', object: `${d.workload.name} container ${d.container}`, message });
  const clusterIps = services(objects).filter((s) => s.spec.clusterIP !== 'None');
  const headless = services(objects).filter((s) => s.spec.clusterIP === 'None');
  const statestoreds = daemons.filter((d) => d.app === 'statestored');
  const memberService = (d: DaemonFlags): ServiceView | undefined => clusterIps.find((s) => serviceSelects(s, d.workload.podLabels));

  for (const d of daemons) {
    for (const flag of HOST_FLAGS) {
      const value = d.flags[flag];
      if (typeof value === 'string' && LOOPBACK.test(value.trim()) && (flag !== 'state_store_2_host' || d.flags['enable_statestored_ha'] === true)) {
        add(d, `--${flag}=${value} is loopback: on Kubernetes every peer is on another host`);
      }
    }
    if (d.flags['webserver_port'] !== containerPort(d, 'webserver')) add(d, `--webserver_port=${String(d.flags['webserver_port'])} but the container port named webserver is ${containerPort(d, 'webserver') ?? 'missing'}`);
    if (d.flags['enable_statestored_ha'] !== true) add(d, '--enable_statestored_ha is off: the manifests deploy the HA pair');
  }

  for (const d of statestoreds) {
    const own = memberService(d);
    const peer = statestoreds.find((p) => p !== d);
    const peerService = peer && memberService(peer);
    if (!own || !peer || !peerService) continue; // manifest-invariants reports missing member Services
    // Epoch slots and the startup priority compare "hostname:ha_port" with how the peer has it
    // configured (libs/ha epoch.ts): both sides must spell each address the same way.
    if (d.flags['hostname'] !== own.name) add(d, `--hostname=${String(d.flags['hostname'])}; its peer dials it as ${own.name}`);
    if (d.flags['state_store_peer_host'] !== peerService.name) add(d, `--state_store_peer_host=${String(d.flags['state_store_peer_host'])}; the peer's Service is ${peerService.name}`);
    if (d.flags['state_store_peer_ha_port'] !== servicePort(peerService, 'statestore-ha')) add(d, `--state_store_peer_ha_port=${String(d.flags['state_store_peer_ha_port'])}; Service ${peerService.name} serves statestore-ha on ${servicePort(peerService, 'statestore-ha') ?? 'no port'}`);
    if (d.flags['state_store_ha_port'] !== containerPort(d, 'statestore-ha')) add(d, `--state_store_ha_port=${String(d.flags['state_store_ha_port'])}; the container port statestore-ha is ${containerPort(d, 'statestore-ha') ?? 'missing'}`);
    if (d.flags['state_store_port'] !== containerPort(d, 'statestore')) add(d, `--state_store_port=${String(d.flags['state_store_port'])}; the container port statestore is ${containerPort(d, 'statestore') ?? 'missing'}`);
  }

  const endpoints = new Set(statestoreds.flatMap((d) => {
    const s = memberService(d);
    return s ? [`${s.name}:${servicePort(s, 'statestore') ?? '?'}`] : [];
  }));
  const catalogdHa = new Set(daemons.filter((d) => d.app !== 'impalad').map((d) => d.flags['enable_catalogd_ha']));
  if (catalogdHa.size > 1) out.push({ rule: 'addresses', object: 'statestored, catalogd', message: '--enable_catalogd_ha differs between the statestoreds and the catalogds: registration is refused' });
  for (const d of daemons.filter((x) => x.app !== 'statestored')) {
    const dialed = new Set([`${String(d.flags['state_store_host'])}:${String(d.flags['state_store_port'])}`, `${String(d.flags['state_store_2_host'])}:${String(d.flags['state_store_2_port'])}`]);
    if ([...endpoints].sort().join() !== [...dialed].sort().join()) add(d, `dials ${[...dialed].join(' and ')}; the statestoreds' Services are ${[...endpoints].join(' and ')}`);
    // The subscriber id and the catalogd address carry --hostname: a name other hosts resolve.
    const governing = headless.find((s) => s.name === d.workload.serviceName && serviceSelects(s, d.workload.podLabels));
    if (!governing || d.flags['hostname'] !== `${d.pod}.${governing.name}`) add(d, `--hostname=${String(d.flags['hostname'])}; the pod resolves as ${d.pod}.${governing?.name ?? '<no headless governing Service>'}`);
  }
  return out;
}
