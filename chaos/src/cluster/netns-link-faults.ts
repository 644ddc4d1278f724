/**
 * LinkFaults with the kernel (Jepsen's net.clj style): each daemon runs in its own network
 * namespace of a chaos/src/netfault NetnsLab, on its own address, and a cut is an iptables (or
 * nft) DROP inside the receiving namespace. The lab's bridge sits on the host (address .1), so
 * the harness and Prometheus reach every daemon's web port and are never cut. Root only:
 * `unavailableReason()` says why not before anything is created.
 */
import type { DaemonSpec, FlagValue } from '@statestore-ha/cluster';
import { canUseNetns, NetnsLab } from '../netfault';
import { isStatestored } from './cluster-shape';
import type { DaemonPlacement } from './cluster-runtime';
import { LatencyUnsupportedError, UnknownLinkError } from './link-faults';
import type { LatencySpec, LinkFaults, RoutedCluster } from './link-faults';

export class NetnsUnavailableError extends Error {
  override readonly name = 'NetnsUnavailableError';
  constructor(readonly reason: string) {
    super(`netns faults unavailable: ${reason}`);
  }
}

export class NetnsLinkFaults implements LinkFaults {
  readonly kind = 'netns';
  readonly latencyUnsupportedReason: string;
  readonly resetUnsupportedReason = undefined;
  private lab: NetnsLab | undefined;
  private statestoreds = new Set<string>();

  private constructor(readonly description: string, netem: boolean) {
    // A netem qdisc delays everything a namespace sends, not one link, and this project's
    // kernel has no sch_netem at all (shared/reference/environment.md): latency comes from toxiproxy.
    this.latencyUnsupportedReason = netem ? 'kernel delay (tc netem) is per namespace, not per link' : 'tc netem is not available in this kernel';
  }

  /** Undefined when this process can build namespace labs, else the printed reason. */
  static unavailableReason(): string | undefined {
    const cap = canUseNetns();
    return cap.ok ? undefined : cap.reason;
  }

  static create(): NetnsLinkFaults {
    const cap = canUseNetns();
    if (!cap.ok) throw new NetnsUnavailableError(cap.reason);
    return new NetnsLinkFaults(`netns: one namespace per daemon, ${cap.firewallVersion} DROP (cut) and REJECT tcp-reset (reset) rules`, cap.netem);
  }

  async route(specs: readonly DaemonSpec[]): Promise<RoutedCluster> {
    await this.release();
    const lab = await NetnsLab.create({ bridge: 'host' });
    this.lab = lab;
    const address = new Map<string, string>();
    for (const spec of specs) address.set(spec.name, (await lab.addNode(spec.name)).address);
    const addr = (name: string): string => address.get(name) as string;
    const [ss1, ss2] = specs.filter((s) => s.app === 'statestored');
    if (!ss1 || !ss2) throw new RangeError('a chaos cluster needs the two statestoreds of the HA pair');
    this.statestoreds = new Set([ss1.name, ss2.name]);
    const placements = new Map<string, DaemonPlacement>();
    const out = specs.map((spec) => {
      const flags: Record<string, FlagValue> = { ...spec.flags, hostname: addr(spec.name) };
      if (isStatestored(spec.name)) {
        flags['state_store_peer_host'] = addr(spec.name === ss1.name ? ss2.name : ss1.name);
      } else {
        flags['state_store_host'] = addr(ss1.name);
        flags['state_store_2_host'] = addr(ss2.name);
      }
      placements.set(spec.name, { wrapper: ['ip', 'netns', 'exec', lab.node(spec.name).namespace], webHost: addr(spec.name) });
      return { ...spec, flags };
    });
    return { specs: out, placements };
  }

  async cut(a: string, b: string): Promise<void> {
    await this.requireLab(a, b).cut(a, b, 'both');
  }

  async cutOneWay(from: string, to: string): Promise<void> {
    await this.requireLab(from, to).cut(from, to, 'one-way');
  }

  latency(_a: string, _b: string, _spec: LatencySpec): Promise<void> {
    return Promise.reject(new LatencyUnsupportedError('netns', this.latencyUnsupportedReason));
  }

  /** REJECT --reject-with tcp-reset on both ends: the kernel's reset_peer. */
  async resetPeer(a: string, b: string): Promise<void> {
    await this.requireLab(a, b).reset(a, b, 'both');
  }

  async healAll(): Promise<void> {
    await this.lab?.healAll();
  }

  async release(): Promise<void> {
    const lab = this.lab;
    this.lab = undefined;
    await lab?.cleanup();
  }

  async close(): Promise<void> {
    await this.release();
  }

  private requireLab(a: string, b: string): NetnsLab {
    // Only the links LinkFaults defines: subscriber <-> statestored and the pair itself.
    if (!this.lab || (!this.statestoreds.has(a) && !this.statestoreds.has(b)) || a === b) throw new UnknownLinkError(a, b);
    return this.lab;
  }
}
