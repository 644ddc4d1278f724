/**
 * LinkFaults with the kernel inside containers: every daemon already has its own network
 * namespace and fixed address on the run's network (container-network.ts), so links need no
 * re-routing beyond naming the real hosts, and a cut is a DROP by source address in the
 * receiving container's namespace (netfault's ContainerFirewall: the host's iptables through
 * `nsenter -t <pid> -n`, so images need neither firewall tools nor NET_ADMIN). The harness and
 * Prometheus come from the bridge's gateway address and are never cut.
 *
 * Rules live in a container's namespace, which a restart replaces: the runtime calls
 * restarted() as soon as the new container runs, and the rules in force are put back into its
 * namespace (a cut cable stays cut whatever happens to the process behind it).
 */
import type { DaemonSpec, FlagValue } from '@statestore-ha/cluster';
import { canUseNetns, ContainerFirewall } from '../netfault';
import type { FirewallKind } from '../netfault';
import { engineApi } from '../runtime';
import { isStatestored } from './cluster-shape';
import type { DaemonPlacement } from './cluster-runtime';
import type { ContainerNetwork } from './container-network';
import { LatencyUnsupportedError, UnknownLinkError } from './link-faults';
import type { LatencySpec, LinkFaults, RoutedCluster } from './link-faults';
import { NetnsUnavailableError } from './netns-link-faults';

export class ContainerFirewallLinkFaults implements LinkFaults {
  readonly kind = 'netns';
  readonly latencyUnsupportedReason = 'tc netem is per namespace, not per link, and absent from this kernel: latency comes from toxiproxy';
  readonly resetUnsupportedReason = undefined;
  private statestoreds = new Set<string>();
  /** container name -> its firewall, keyed by the pid it was made for (a restart changes it). */
  private readonly firewalls = new Map<string, { pid: number; firewall: ContainerFirewall }>();
  private readonly cutContainers = new Set<string>();

  private constructor(
    readonly description: string,
    private readonly firewall: FirewallKind,
    private readonly network: ContainerNetwork,
  ) {}

  static create(network: ContainerNetwork): ContainerFirewallLinkFaults {
    const cap = canUseNetns();
    if (!cap.ok) throw new NetnsUnavailableError(cap.reason);
    return new ContainerFirewallLinkFaults(`netns: each container's own namespace, ${cap.firewallVersion} DROP (cut) and REJECT tcp-reset (reset) rules through nsenter`, cap.firewall, network);
  }

  async route(specs: readonly DaemonSpec[]): Promise<RoutedCluster> {
    await this.release();
    const [ss1, ss2] = specs.filter((s) => s.app === 'statestored');
    if (!ss1 || !ss2) throw new RangeError('a chaos cluster needs the two statestoreds of the HA pair');
    this.statestoreds = new Set([ss1.name, ss2.name]);
    const placements = new Map<string, DaemonPlacement>();
    const out = specs.map((spec) => {
      // Daemons dial each other by alias: the network's DNS answers with the fixed address.
      const flags: Record<string, FlagValue> = { ...spec.flags };
      if (isStatestored(spec.name)) {
        flags['state_store_peer_host'] = spec.name === ss1.name ? ss2.name : ss1.name;
      } else {
        flags['state_store_host'] = ss1.name;
        flags['state_store_2_host'] = ss2.name;
      }
      placements.set(spec.name, { webHost: this.network.addresses.addressOf(spec.name) });
      return { ...spec, flags };
    });
    return { specs: out, placements };
  }

  async cut(a: string, b: string): Promise<void> {
    this.requireLink(a, b);
    await this.drop(b, a);
    await this.drop(a, b);
  }

  /** Drops at `to` what arrives from `from`'s address. */
  async cutOneWay(from: string, to: string): Promise<void> {
    this.requireLink(from, to);
    await this.drop(from, to);
  }

  latency(_a: string, _b: string, _spec: LatencySpec): Promise<void> {
    return Promise.reject(new LatencyUnsupportedError('netns', this.latencyUnsupportedReason));
  }

  /** REJECT --reject-with tcp-reset in both containers: the kernel's reset_peer. */
  async resetPeer(a: string, b: string): Promise<void> {
    this.requireLink(a, b);
    await this.reset(b, a);
    await this.reset(a, b);
  }

  async healAll(): Promise<void> {
    for (const daemon of [...this.cutContainers]) {
      const fw = await this.firewallOf(daemon).catch(() => undefined);
      // A container that is gone took its rules with its namespace.
      if (fw) await fw.healAll();
      this.cutContainers.delete(daemon);
    }
  }

  async release(): Promise<void> {
    await this.healAll().catch(() => undefined);
    this.firewalls.clear();
  }

  async close(): Promise<void> {
    await this.release();
  }

  private async reset(from: string, to: string): Promise<void> {
    const fw = await this.firewallOf(to);
    await fw.reset(this.network.addresses.addressOf(from));
    this.cutContainers.add(to);
  }

  private async drop(from: string, to: string): Promise<void> {
    const fw = await this.firewallOf(to);
    await fw.drop(this.network.addresses.addressOf(from));
    this.cutContainers.add(to);
  }

  /** A container of this run started again: the cuts in force for it go into its new namespace. */
  async restarted(daemon: string): Promise<void> {
    if (this.cutContainers.has(daemon)) await this.firewallOf(daemon);
  }

  private async firewallOf(daemon: string): Promise<ContainerFirewall> {
    const container = this.network.containerName(daemon);
    const pid = (await (await engineApi()).getContainer(container).inspect()).State.Pid;
    const known = this.firewalls.get(container);
    if (known && known.pid === pid) return known.firewall;
    const firewall = await ContainerFirewall.forPid(pid, this.firewall);
    if (known) await firewall.adopt(known.firewall);
    this.firewalls.set(container, { pid, firewall });
    return firewall;
  }

  private requireLink(a: string, b: string): void {
    // Only the links LinkFaults defines: subscriber <-> statestored and the pair itself.
    if ((!this.statestoreds.has(a) && !this.statestoreds.has(b)) || a === b) throw new UnknownLinkError(a, b);
  }
}
