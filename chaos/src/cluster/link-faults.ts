/**
 * Faults on the links between daemons, whatever injects them (a toxiproxy per link, or
 * firewall rules between network namespaces). A link is named by its two daemons; which
 * TCP connections carry it is the injector's business:
 *  - subscriber <-> statestored: the subscriber's one gRPC stream to that statestored;
 *  - statestored <-> statestored: both HA connections (each one's --state_store_peer_ha_port).
 * The harness' own traffic (web pages, Prometheus scrapes) is never cut.
 */
import type { DaemonSpec } from '@statestore-ha/cluster';
import type { DaemonPlacement } from './cluster-runtime';

export type FaultKind = 'toxiproxy' | 'netns';

export interface LatencySpec {
  readonly latencyMs: number;
  readonly jitterMs: number;
}

export interface RoutedCluster {
  /** The specs with every link's address pointing at the injector's path. */
  readonly specs: DaemonSpec[];
  readonly placements: ReadonlyMap<string, DaemonPlacement>;
}

export interface LinkFaults {
  readonly kind: FaultKind;
  /** Which implementation ran (server and version, firewall tool), for every report. */
  readonly description: string;
  /** Why latency() cannot work here, or undefined when it can. */
  readonly latencyUnsupportedReason: string | undefined;
  /** Why resetPeer() cannot work here, or undefined when it can. */
  readonly resetUnsupportedReason: string | undefined;
  /** Re-routes a planned cluster through this injector; call once per cluster, before start. */
  route(specs: readonly DaemonSpec[]): Promise<RoutedCluster>;
  /** Drops everything between a and b, both directions (a black hole, not a reset). */
  cut(a: string, b: string): Promise<void>;
  /** Drops only what `from` sends to `to`. */
  cutOneWay(from: string, to: string): Promise<void>;
  /** Delays every byte between a and b by latency ± jitter. */
  latency(a: string, b: string, spec: LatencySpec): Promise<void>;
  /** Resets (TCP RST) every connection between a and b on its first data, and every new one. */
  resetPeer(a: string, b: string): Promise<void>;
  /** Removes every fault this injector set. */
  healAll(): Promise<void>;
  /** Removes the routes of the current cluster (proxies, namespaces); safe to call twice. */
  release(): Promise<void>;
  /** Also stops the injector itself (the toxiproxy server). */
  close(): Promise<void>;
}

export class LatencyUnsupportedError extends Error {
  override readonly name = 'LatencyUnsupportedError';
  constructor(readonly kind: FaultKind, reason: string) {
    super(`${kind}: latency cannot be injected: ${reason}`);
  }
}

export class ResetUnsupportedError extends Error {
  override readonly name = 'ResetUnsupportedError';
  constructor(readonly kind: FaultKind, reason: string) {
    super(`${kind}: connection resets cannot be injected: ${reason}`);
  }
}

export class UnknownLinkError extends Error {
  override readonly name = 'UnknownLinkError';
  constructor(readonly a: string, readonly b: string) {
    super(`no link between ${a} and ${b} (links join a subscriber to a statestored, or the two statestoreds)`);
  }
}
