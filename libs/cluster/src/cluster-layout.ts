import type { FlagValue } from '@statestore-ha/config';
import type { DaemonSpec } from './daemon-process';

type Flags = Record<string, FlagValue>;

export interface ClusterPorts {
  statestore: [number, number];
  statestoreHa: [number, number];
  statestoreWeb: [number, number];
  catalogService: number[];
  catalogWeb: number[];
  impaladWeb: number[];
  krpc: number[];
}

export interface LayoutOptions {
  ha: boolean;
  catalogds?: 1 | 2;
  coordinators?: number;
  executors: number;
  host?: string;
  ports: ClusterPorts;
  statestored?: Flags;
  /** Flags for every subscriber (catalogd and impalads). */
  subscriber?: Flags;
  catalogd?: Flags;
  impalad?: Flags;
}

/** Impala's own port plan (bin/start-impala-cluster.py): statestored i on 24000+i / HA 24020+i / web 25010+i. */
export function impalaDefaultPorts(impalads: number, catalogds: number): ClusterPorts {
  return {
    statestore: [24000, 24001],
    statestoreHa: [24020, 24021],
    statestoreWeb: [25010, 25011],
    catalogService: Array.from({ length: catalogds }, (_, i) => 26000 + i),
    catalogWeb: Array.from({ length: catalogds }, (_, i) => 25020 + i),
    impaladWeb: Array.from({ length: impalads }, (_, i) => 25000 + i),
    krpc: Array.from({ length: impalads }, (_, i) => 27000 + i),
  };
}

/** The same plan on ports taken from `free` (for tests): needs portsNeeded(...) of them. */
export function portsFrom(free: readonly number[], impalads: number, catalogds: number): ClusterPorts {
  const take = (() => {
    let i = 0;
    return (): number => {
      const p = free[i++];
      if (p === undefined) throw new Error(`need ${portsNeeded(impalads, catalogds)} ports, got ${free.length}`);
      return p;
    };
  })();
  // Impala's address priority compares "host:port" strings: keep statestored-1 the lower one,
  // as with Impala's own plan (24020 < 24021), so it is the one that wins.
  const ha = [take(), take()].sort((a, b) => (String(a) < String(b) ? -1 : 1)) as [number, number];
  return {
    statestore: [take(), take()],
    statestoreHa: ha,
    statestoreWeb: [take(), take()],
    catalogService: Array.from({ length: catalogds }, take),
    catalogWeb: Array.from({ length: catalogds }, take),
    impaladWeb: Array.from({ length: impalads }, take),
    krpc: Array.from({ length: impalads }, take),
  };
}

export const portsNeeded = (impalads: number, catalogds: number): number => 6 + 2 * catalogds + 2 * impalads;

/**
 * The daemons of a cluster with Impala's flags: one statestored (or two with HA), catalogd(s), a
 * coordinator and executors. Names: statestored-1/2, catalogd-1/2, coordinator-N, executor-N.
 */
export function clusterLayout(o: LayoutOptions): DaemonSpec[] {
  const host = o.host ?? '127.0.0.1';
  const p = o.ports;
  const specs: DaemonSpec[] = [];
  const statestoreds = o.ha ? 2 : 1;
  for (let i = 0; i < statestoreds; i++) {
    const flags: Flags = { hostname: host, state_store_port: p.statestore[i] as number, webserver_port: p.statestoreWeb[i] as number, ...o.statestored };
    if (o.ha) {
      Object.assign(flags, {
        enable_statestored_ha: true,
        state_store_ha_port: p.statestoreHa[i] as number,
        state_store_peer_host: host,
        state_store_peer_ha_port: p.statestoreHa[(i + 1) % 2] as number,
      });
    }
    specs.push({ name: `statestored-${i + 1}`, app: 'statestored', flags: { ...flags, ...o.statestored }, webPort: p.statestoreWeb[i] as number });
  }
  const subscriber: Flags = { hostname: host, state_store_host: host, state_store_port: p.statestore[0] };
  if (o.ha) Object.assign(subscriber, { enable_statestored_ha: true, state_store_2_host: host, state_store_2_port: p.statestore[1] });
  Object.assign(subscriber, o.subscriber);
  for (let i = 0; i < (o.catalogds ?? 1); i++) {
    specs.push({
      name: `catalogd-${i + 1}`,
      app: 'catalogd',
      flags: { ...subscriber, catalog_service_port: p.catalogService[i] as number, webserver_port: p.catalogWeb[i] as number, ...o.catalogd },
      webPort: p.catalogWeb[i] as number,
    });
  }
  const coordinators = o.coordinators ?? 1;
  for (let i = 0; i < coordinators + o.executors; i++) {
    const coord = i < coordinators;
    specs.push({
      name: coord ? `coordinator-${i + 1}` : `executor-${i - coordinators + 1}`,
      app: 'impalad',
      flags: {
        ...subscriber,
        is_coordinator: coord,
        is_executor: !coord,
        krpc_port: p.krpc[i] as number,
        webserver_port: p.impaladWeb[i] as number,
        ...o.impalad,
      },
      webPort: p.impaladWeb[i] as number,
    });
  }
  return specs;
}
