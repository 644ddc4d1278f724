/**
 * Puts each daemon of a planned cluster on its own "host": a network namespace of a NetnsLab
 * with its own address, where the daemons find each other by host name only. `ip netns exec`
 * bind-mounts /etc/netns/<namespace>/hosts over /etc/hosts, so each namespace gets a hosts file
 * naming every daemon; the flags then carry names (--hostname=statestored-1,
 * --state_store_peer_host=statestored-2, --state_store_host=statestored-1, ...), never an
 * address and never loopback. This is how the daemons meet on Kubernetes or compose (DNS
 * names of Services and pods), with the resolver swapped for a file. Root only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DaemonSpec, FlagValue } from '@statestore-ha/cluster';
import { isStatestored } from '../cluster';
import type { DaemonPlacement } from '../cluster';
import { NetnsLab, registerExitCleanup } from '../netfault';

const NETNS_ETC = '/etc/netns';

export interface NamedHostCluster {
  readonly specs: DaemonSpec[];
  readonly placements: ReadonlyMap<string, DaemonPlacement>;
  /** Each daemon's address on the lab's bridge, which the host (and Prometheus) reaches. */
  readonly addresses: ReadonlyMap<string, string>;
  cleanup(): Promise<void>;
}

export async function placeOnNamedHosts(planned: readonly DaemonSpec[]): Promise<NamedHostCluster> {
  const lab = await NetnsLab.create({ bridge: 'host' });
  const etcDirs: string[] = [];
  const removeEtcDirs = (): void => {
    for (const dir of etcDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  };
  const unregister = registerExitCleanup(removeEtcDirs);
  const cleanup = async (): Promise<void> => {
    await lab.cleanup();
    removeEtcDirs();
    unregister();
  };
  try {
    const addresses = new Map<string, string>();
    for (const spec of planned) addresses.set(spec.name, (await lab.addNode(spec.name)).address);
    const hosts = `127.0.0.1 localhost\n${[...addresses].map(([name, address]) => `${address} ${name}`).join('\n')}\n`;
    const placements = new Map<string, DaemonPlacement>();
    for (const node of lab.list()) {
      const dir = path.join(NETNS_ETC, node.namespace);
      etcDirs.push(dir);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'hosts'), hosts);
      placements.set(node.name, { wrapper: ['ip', 'netns', 'exec', node.namespace], webHost: node.address });
    }
    const [ss1, ss2] = planned.filter((s) => isStatestored(s.name));
    if (!ss1 || !ss2) throw new RangeError('the cluster needs the two statestoreds of the HA pair');
    const specs = planned.map((spec) => {
      const flags: Record<string, FlagValue> = { ...spec.flags, hostname: spec.name };
      if (isStatestored(spec.name)) {
        flags['state_store_peer_host'] = spec.name === ss1.name ? ss2.name : ss1.name;
      } else {
        flags['state_store_host'] = ss1.name;
        flags['state_store_2_host'] = ss2.name;
      }
      return { ...spec, flags };
    });
    return { specs, placements, addresses, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
