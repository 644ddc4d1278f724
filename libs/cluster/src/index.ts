/** Starting and stopping real daemon processes from their build: local cluster, tests, chaos. */
export { DaemonProcess, DaemonExitedError, flagArgs } from './daemon-process';
export type { AppName, DaemonProcessOptions, DaemonSpec, FlagValue } from './daemon-process';
export { Cluster } from './cluster';
export { clusterLayout, impalaDefaultPorts, portsFrom, portsNeeded } from './cluster-layout';
export type { ClusterPorts, LayoutOptions } from './cluster-layout';
export { freePorts } from './free-ports';
