/**
 * LinkFaults through toxiproxy: one proxy per TCP link, driven with toxiproxy-node-client
 * against the server ToxiproxyServerHandle picks (TOXIPROXY_URL, else Shopify's toxiproxy-server
 * binary, else our stand-in in chaos/src/toxiproxy). A cut is a `timeout` toxic with timeout 0 on
 * both streams: data is dropped and the connection held open, as an iptables DROP does
 * (toxiproxy README "timeout"), so detection comes only from application heartbeats, never from
 * a fast RST. The heal removes the toxics, which closes the connections they held (timeout.go
 * Cleanup), so daemons reconnect after a heal. A one-way cut is the same toxic on one stream
 * (upstream = client -> server bytes).
 */
import type { DaemonSpec, FlagValue } from '@statestore-ha/cluster';
import { freePorts } from '@statestore-ha/cluster';
import type { Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { ToxiproxyServerHandle } from '../toxiproxy';
import type { ToxiproxyHandleOptions } from '../toxiproxy';
import { isStatestored } from './cluster-shape';
import type { DaemonPlacement } from './cluster-runtime';
import { LatencyUnsupportedError, UnknownLinkError } from './link-faults';
import type { LatencySpec, LinkFaults, RoutedCluster } from './link-faults';

type ToxicDirection = 'upstream' | 'downstream';

interface ProxiedLink {
  /** The daemon that opens the connection. */
  readonly client: string;
  readonly server: string;
  readonly proxy: Proxy;
  readonly toxics: string[];
}

const HOST = '127.0.0.1';

/**
 * Where proxies listen and whom they reach. On the host everything is loopback; in the
 * containers runtime the server is a container on the run's network, daemons dial it by its
 * alias and it dials each daemon by its alias (container-lab.ts).
 */
export interface ProxyAddressing {
  /** The proxy server's host as daemons dial it. */
  readonly proxyHost: string;
  /** The address proxies bind inside the server. */
  readonly listenHost: string;
  /** How a proxy reaches `daemon`. */
  upstreamHost(daemon: string): string;
  /** Where the harness reaches each daemon's web port (route()'s placements); default 127.0.0.1. */
  webHost?(daemon: string): string;
}

const LOOPBACK: ProxyAddressing = { proxyHost: HOST, listenHost: HOST, upstreamHost: () => HOST };

export class ToxiproxyLinkFaults implements LinkFaults {
  readonly kind = 'toxiproxy';
  readonly latencyUnsupportedReason = undefined;
  readonly resetUnsupportedReason = undefined;
  private links: ProxiedLink[] = [];
  private clusterSeq = 0;

  private constructor(
    private readonly handle: ToxiproxyServerHandle,
    private readonly client: Toxiproxy,
    private readonly addressing: ProxyAddressing,
  ) {}

  static async start(options: ToxiproxyHandleOptions = {}, addressing: ProxyAddressing = LOOPBACK): Promise<ToxiproxyLinkFaults> {
    // Our server, if it is the one, runs as its own process: a busy harness must not delay proxied bytes.
    const handle = await ToxiproxyServerHandle.start({ ours: 'child-process', ...options });
    return new ToxiproxyLinkFaults(handle, handle.client(), addressing);
  }

  get description(): string {
    const id = this.handle.identity;
    return `toxiproxy ${id.kind === 'shopify' ? 'Shopify' : 'statestore-ha'} server "${id.version}" (${this.handle.origin}) at ${id.url}`;
  }

  async route(specs: readonly DaemonSpec[]): Promise<RoutedCluster> {
    await this.release();
    this.clusterSeq++;
    const statestoreds = specs.filter((s) => s.app === 'statestored');
    const [ss1, ss2] = statestoreds;
    if (!ss1 || !ss2) throw new RangeError('a chaos cluster needs the two statestoreds of the HA pair');
    const subscribers = specs.filter((s) => s.app !== 'statestored');
    const ports = await freePorts(2 + 2 * subscribers.length);
    let next = 0;
    const take = (): number => ports[next++] as number;
    const out: DaemonSpec[] = [];
    for (const spec of specs) {
      const flags: Record<string, FlagValue> = { ...spec.flags };
      if (isStatestored(spec.name)) {
        const peer = spec.name === ss1.name ? ss2 : ss1;
        flags['state_store_peer_host'] = this.addressing.proxyHost;
        flags['state_store_peer_ha_port'] = await this.addProxy(spec.name, peer.name, take(), Number(peer.flags['state_store_ha_port']));
      } else {
        flags['state_store_host'] = this.addressing.proxyHost;
        flags['state_store_2_host'] = this.addressing.proxyHost;
        flags['state_store_port'] = await this.addProxy(spec.name, ss1.name, take(), Number(ss1.flags['state_store_port']));
        flags['state_store_2_port'] = await this.addProxy(spec.name, ss2.name, take(), Number(ss2.flags['state_store_port']));
      }
      out.push({ ...spec, flags });
    }
    const webHost = this.addressing.webHost;
    return { specs: out, placements: new Map<string, DaemonPlacement>(webHost ? specs.map((s) => [s.name, { webHost: webHost(s.name) }]) : []) };
  }

  async cut(a: string, b: string): Promise<void> {
    for (const link of this.between(a, b)) {
      await this.addToxic(link, 'upstream', 'timeout', { timeout: 0 });
      await this.addToxic(link, 'downstream', 'timeout', { timeout: 0 });
    }
  }

  async cutOneWay(from: string, to: string): Promise<void> {
    for (const link of this.between(from, to)) {
      await this.addToxic(link, link.client === from ? 'upstream' : 'downstream', 'timeout', { timeout: 0 });
    }
  }

  async latency(a: string, b: string, spec: LatencySpec): Promise<void> {
    if (spec.jitterMs > spec.latencyMs) throw new LatencyUnsupportedError('toxiproxy', `jitter ${spec.jitterMs} ms above latency ${spec.latencyMs} ms`);
    for (const link of this.between(a, b)) {
      await this.addToxic(link, 'upstream', 'latency', { latency: spec.latencyMs, jitter: spec.jitterMs });
      await this.addToxic(link, 'downstream', 'latency', { latency: spec.latencyMs, jitter: spec.jitterMs });
    }
  }

  /** toxiproxy `reset_peer` with timeout 0: the first data on a connection gets an RST. */
  async resetPeer(a: string, b: string): Promise<void> {
    for (const link of this.between(a, b)) {
      await this.addToxic(link, 'upstream', 'reset_peer', { timeout: 0 });
      await this.addToxic(link, 'downstream', 'reset_peer', { timeout: 0 });
    }
  }

  async healAll(): Promise<void> {
    for (const link of this.links) {
      for (const name of link.toxics.splice(0)) await (await link.proxy.getToxic(name)).remove();
    }
  }

  async release(): Promise<void> {
    const links = this.links;
    this.links = [];
    for (const link of links) await link.proxy.remove().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.release();
    await this.handle.stop();
  }

  private async addProxy(client: string, server: string, listenPort: number, upstreamPort: number): Promise<number> {
    const proxy = await this.client.createProxy({
      // Unique per run and cluster: an external toxiproxy may hold other users' proxies.
      name: `chaos-${process.pid}-${this.clusterSeq}-${client}--${server}`,
      listen: `${this.addressing.listenHost}:${listenPort}`,
      upstream: `${this.addressing.upstreamHost(server)}:${upstreamPort}`,
    });
    this.links.push({ client, server, proxy, toxics: [] });
    return listenPort;
  }

  private between(a: string, b: string): ProxiedLink[] {
    const found = this.links.filter((l) => (l.client === a && l.server === b) || (l.client === b && l.server === a));
    if (found.length === 0) throw new UnknownLinkError(a, b);
    return found;
  }

  private async addToxic(link: ProxiedLink, stream: ToxicDirection, type: 'timeout' | 'latency' | 'reset_peer', attributes: Record<string, number>): Promise<void> {
    const name = `${type}_${stream}`;
    if (link.toxics.includes(name)) return;
    await link.proxy.addToxic({ name, type, stream, toxicity: 1, attributes });
    link.toxics.push(name);
  }
}
