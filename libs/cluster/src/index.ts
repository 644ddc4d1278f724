/** Starting and stopping real daemon processes from their build: local cluster, tests, chaos. */
export { DaemonProcess, DaemonExitedError } from './daemon-process';
// Re-exported: specs and runtimes that start daemons format flags the way DaemonProcess does.
export { flagArgs } from '@statestore-ha/config';
export type { AppName, DaemonProcessOptions, DaemonSpec } from './daemon-process';
export type { FlagValue } from '@statestore-ha/config';
export { Cluster } from './cluster';
export { clusterLayout, impalaDefaultPorts, portsFrom, portsNeeded } from './cluster-layout';
export type { ClusterPorts, LayoutOptions } from './cluster-layout';
export { freePorts } from './free-ports';
