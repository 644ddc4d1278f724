/** A toxiproxy-compatible server in Node, its launcher, and a probe for what a fault does. */
export { ToxiproxyServer, DEFAULT_TOXIPROXY_PORT } from './toxiproxy-server';
export type { ToxiproxyServerOptions } from './toxiproxy-server';
export { ToxiproxyServerHandle, ToxiproxyStartError } from './toxiproxy-server-handle';
export type { ToxiproxyMode, ToxiproxyHandleOptions } from './toxiproxy-server-handle';
export { detectToxiproxy, ToxiproxyUnreachableError } from './detect-toxiproxy';
export type { ToxiproxyIdentity } from './detect-toxiproxy';
export { buildToxiproxyBundle } from './toxiproxy-bundle';
export { TOXIPROXY_SERVER_NAME, TOXIPROXY_SERVER_VERSION, TOXIPROXY_VERSION_STRING } from './version';
export { TOXIC_TYPES } from './toxic';
export type { ToxicSpec, ToxicType, ToxicStream, ToxicAttributesByType } from './toxic';
export { startEchoServer, connectProbe, ConnectError } from './tcp-probe';
export type { EchoServer, ProbeClient, ConnectionEnd } from './tcp-probe';
