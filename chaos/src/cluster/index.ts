/** Running a chaos cluster: what it is made of, how it runs, how its links are faulted. */
export { planCluster, subscriberNames, isStatestored, statestoreIndex, statestoredByIndex, statestoredFlags, subscriberFlags, DEFAULT_TIMING, DEFAULT_SHAPE, STATESTORED_NAMES } from './cluster-shape';
export type { TimingFlags, ClusterShape, StatestoredName } from './cluster-shape';
export { scrapeTargetsFor } from './cluster-runtime';
export type { ClusterRuntime, DaemonPlacement, RuntimeKind } from './cluster-runtime';
export { ProcessRuntime, UnknownDaemonError } from './process-runtime';
export type { ProcessRuntimeOptions } from './process-runtime';
export { LatencyUnsupportedError, ResetUnsupportedError, UnknownLinkError } from './link-faults';
export type { LinkFaults, FaultKind, LatencySpec, RoutedCluster } from './link-faults';
export { ToxiproxyLinkFaults } from './toxiproxy-link-faults';
export type { ProxyAddressing } from './toxiproxy-link-faults';
export { ContainersRuntime } from './containers-runtime';
export type { ContainersRuntimeOptions } from './containers-runtime';
export { ContainerLab, ContainerLabUnavailableError } from './container-lab';
export { ContainerFirewallLinkFaults } from './container-firewall-link-faults';
export type { ContainerLabOptions } from './container-lab';
export { ContainerNetwork, AddressPlan, SubnetExhaustedError, sweepStaleContainers } from './container-network';
export { NetnsLinkFaults, NetnsUnavailableError } from './netns-link-faults';
export { onProcessExit, killChildProcessesSync } from './process-exit-hook';
