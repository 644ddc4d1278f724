/**
 * One private network per chaos run (internal: no route out), created through the Docker API
 * testcontainers found, so Docker and Podman serve it alike. Containers reach each other by
 * alias through the engine's DNS, as Impala's minicluster hosts would on their own subnet. The
 * host still routes to the bridge, so the harness and the host's Prometheus reach every
 * daemon's web port on its container address without publishing ports (Podman 4.3 does not
 * forward published ports into an internal network: measured here, a published port timed
 * out while the container address answered).
 *
 * Addresses are fixed per daemon name before anything starts, because run-scenario.ts hands
 * Prometheus its targets before the cluster starts (file_sd takes ~5 s to apply).
 *
 * Every container and the network carry the label CHAOS_LABEL=<pid>, so a run's leftovers can
 * be removed synchronously on exit and an earlier killed run's swept on the next start.
 */
import { engineApi, engineEndpoint, ignoreStatus, purgeSync } from '../runtime';
import type { EngineApi, EngineEndpoint } from '../runtime';

export const CHAOS_LABEL = 'statestore-ha-chaos';
/** .1 is the gateway (the host); daemons start at .10, so a few low addresses stay free. */
const FIRST_HOST_OFFSET = 10;

export class SubnetExhaustedError extends Error {
  override readonly name = 'SubnetExhaustedError';
  constructor(readonly subnet: string, readonly wanted: number) {
    super(`network ${subnet} has no address for container #${wanted}`);
  }
}

/** The label of everything this process creates. */
export function ownLabels(): Record<string, string> {
  return { [CHAOS_LABEL]: String(process.pid) };
}

function ipv4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`not an IPv4 address: ${ip}`);
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/**
 * Hands out one stable address per name inside `subnet` (CIDR), in the order names are first
 * asked for; the same name always gets the same address, so a restarted daemon keeps it.
 */
export class AddressPlan {
  private readonly byName = new Map<string, string>();
  private readonly base: number;
  private readonly size: number;

  constructor(readonly subnet: string) {
    const [ip, bits] = subnet.split('/');
    const prefix = Number(bits);
    if (ip === undefined || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new RangeError(`not an IPv4 CIDR this plan can use: ${subnet}`);
    this.size = 2 ** (32 - prefix);
    this.base = ipv4ToInt(ip) - (ipv4ToInt(ip) % this.size);
  }

  addressOf(name: string): string {
    const known = this.byName.get(name);
    if (known) return known;
    const offset = FIRST_HOST_OFFSET + this.byName.size;
    // The last address is the broadcast address.
    if (offset >= this.size - 1) throw new SubnetExhaustedError(this.subnet, this.byName.size + 1);
    const ip = intToIpv4(this.base + offset);
    this.byName.set(name, ip);
    return ip;
  }
}

export class ContainerNetwork {
  private constructor(
    readonly name: string,
    readonly addresses: AddressPlan,
    private readonly api: EngineApi,
    /** For the synchronous removal in exit hooks. */
    readonly endpoint: EngineEndpoint | undefined,
  ) {}

  /**
   * Creates an internal network named `name`, labelled with this process' pid. Docker gives a
   * container a fixed address only on a network created with an explicit subnet; the subnet
   * the engine picks by itself is one that clashes with nothing, so it is read from a first
   * network and pinned in the real one.
   */
  static async create(name: string): Promise<ContainerNetwork> {
    const api = await engineApi();
    const base = { Name: name, Internal: true, Labels: ownLabels() };
    const probe = await api.createNetwork(base);
    const inspected = (await probe.inspect().finally(() => probe.remove())) as { IPAM?: { Config?: Array<{ Subnet?: string }> } };
    const cidr = inspected.IPAM?.Config?.find((c) => c.Subnet?.includes('.'))?.Subnet;
    if (!cidr) throw new Error(`network ${name} got no IPv4 subnet from the engine`);
    await api.createNetwork({ ...base, IPAM: { Driver: 'default', Config: [{ Subnet: cidr }] } });
    return new ContainerNetwork(name, new AddressPlan(cidr), api, engineEndpoint(api));
  }

  /** The container running `alias` on this network: unique per run, found again after a restart. */
  containerName(alias: string): string {
    return `${this.name}-${alias}`;
  }

  /** Removes every container of this process and the network; safe to call twice. */
  async remove(): Promise<void> {
    const ours = await this.api.listContainers({ all: true, filters: { label: [`${CHAOS_LABEL}=${process.pid}`] } });
    await Promise.all(ours.map((c) => this.api.getContainer(c.Id).remove({ force: true }).catch(ignoreStatus(404))));
    await this.api.getNetwork(this.name).remove().catch(ignoreStatus(404));
  }

  /** The same, synchronously, for process-exit hooks; never throws. */
  removeSync(): void {
    purgeSync(this.endpoint, { label: `${CHAOS_LABEL}=${process.pid}`, networks: [this.name] });
  }
}

/** Containers and networks left by earlier runs whose process is gone (a SIGKILLed CLI). */
export async function sweepStaleContainers(): Promise<number> {
  const api = await engineApi();
  const dead = (labels: Record<string, string> | null | undefined): boolean => {
    const pid = Number(labels?.[CHAOS_LABEL]);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };
  const filters = { label: [CHAOS_LABEL] };
  const staleContainers = (await api.listContainers({ all: true, filters })).filter((c) => dead(c.Labels));
  await Promise.all(staleContainers.map((c) => api.getContainer(c.Id).remove({ force: true }).catch(ignoreStatus(404))));
  const staleNetworks = (await api.listNetworks({ filters })).filter((n) => dead(n.Labels));
  for (const n of staleNetworks) await api.getNetwork(n.Id).remove().catch(ignoreStatus(404));
  return staleContainers.length + staleNetworks.length;
}
