/**
 * Toxiproxy for the chaos harness: the launcher that prefers Shopify's real server (TOXIPROXY_URL,
 * then the toxiproxy-server binary) over our stand-in, the stand-in itself, and TCP probes for
 * what a fault does.
 */
export { ToxiproxyServer, DEFAULT_TOXIPROXY_PORT } from './toxiproxy-server';
export type { ToxiproxyServerOptions } from './toxiproxy-server';
export { ToxiproxyServerHandle, ToxiproxyStartError, chooseToxiproxy } from './toxiproxy-server-handle';
export type { ToxiproxyMode, OwnServerMode, ToxiproxyChoice, ToxiproxyHandleOptions } from './toxiproxy-server-handle';
export { findToxiproxyServerBinary, toxiproxyBinaryVersion, isStaticElf, ToxiproxyBinaryError, TOXIPROXY_SERVER_BIN_ENV } from './toxiproxy-binary';
export { detectToxiproxy, ToxiproxyUnreachableError } from './detect-toxiproxy';
export type { ToxiproxyIdentity } from './detect-toxiproxy';
export { buildToxiproxyBundle } from './toxiproxy-bundle';
export { TOXIPROXY_SERVER_NAME, TOXIPROXY_SERVER_VERSION, TOXIPROXY_VERSION_STRING } from './version';
export { TOXIC_TYPES, NOT_IMPLEMENTED_TOXICS } from './toxic';
export type { ToxicSpec, ToxicType, ToxicStream } from './toxic';
export { startEchoServer, connectProbe, ConnectError } from './tcp-probe';
export type { EchoServer, ProbeClient, ConnectionEnd } from './tcp-probe';
