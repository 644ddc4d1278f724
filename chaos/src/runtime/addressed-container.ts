/**
 * A GenericContainer at a fixed IPv4 address on one network, known there by an alias.
 * testcontainers has no option for a fixed address, and withNetworkAliases would connect the
 * container to its network a second time after creating it; so the endpoint (address and
 * alias) goes into the create request itself, which Docker and Podman both honour.
 *
 * The MAC address is a function of the IPv4 address (Docker's old 02:42:<ip> scheme), so a
 * container started again at an address has the MAC its peers' neighbour tables already hold:
 * measured on Podman 4.3 with random MACs, a Prometheus container kept the previous scenario's
 * MAC for a daemon's address as REACHABLE and could not scrape it for 15 s and more.
 *
 * Images are local (built by the lab just before): testcontainers pulls only a missing image,
 * so nothing is pulled. Containers are kept after they exit (autoRemove off), so a crashed
 * daemon's exit status can still be read, and whoever starts one removes it.
 */
import { GenericContainer } from 'testcontainers';

export class AddressedContainer extends GenericContainer {
  constructor(image: string, network: string, address: string, alias: string) {
    super(image);
    this.withNetworkMode(network).withAutoRemove(false);
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: address }, Aliases: [alias], MacAddress: macAddressFor(address) } } };
  }

  /**
   * The host's pid namespace: in its own, node is PID 1 in every incarnation, and the
   * Prometheus agreement check tells a restarted daemon's counters from the old one's by the
   * pid in its log lines (history/prometheus-agreement.ts checkCounters). Network, filesystem
   * and cgroup stay the container's own.
   */
  withHostPidNamespace(): this {
    this.hostConfig.PidMode = 'host';
    return this;
  }
}

/** 02:42 (locally administered, unicast) followed by the four bytes of the IPv4 address. */
export function macAddressFor(ipv4: string): string {
  const bytes = ipv4.split('.').map(Number);
  if (bytes.length !== 4 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) throw new RangeError(`not an IPv4 address: ${ipv4}`);
  return ['02', '42', ...bytes.map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
