/**
 * The HA peer link as the runner sees it (hashicorp/raft transport.go): a client that sends the
 * two StatestoreHaService calls and reports each outcome, and a handler the peer's calls are
 * answered by. grpc-ha-transport.ts implements it over gRPC; inmem-ha-transport.ts is its twin
 * for specs, where cut and heal live (never on this interface).
 */
import type { HaHeartbeatReply, HaHeartbeatRequest, HandshakeReply, HandshakeRequest, HaRefusal } from '@statestore-ha/statestored-node';

/** An RPC's outcome: the answer, or why there is none (connection refused, deadline, refusal). */
export type HaRpcResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** This node's link to the peer's process (StatestoreHaWatch): see the node's `peerLink` event. */
export type PeerLink = 'up' | 'down' | 'refused';

export interface HaPeerClient {
  handshake(request: HandshakeRequest, done: (r: HaRpcResult<HandshakeReply>) => void): void;
  heartbeat(request: HaHeartbeatRequest, done: (r: HaRpcResult<HaHeartbeatReply>) => void): void;
  /**
   * Keeps a watch open on the peer's process until close(), reconnecting whenever it ends, and
   * reports each change: up (open), down (ended, reset, failed), refused (a connect refused).
   */
  watch(onLink: (state: PeerLink) => void): void;
  close(): void;
}

/** An answer to the peer, or a refusal (an error status on the wire). */
export type HaAnswer<T> = { readonly reply: T } | { readonly refusal: HaRefusal; readonly message: string };

/** What answers the peer's calls: the node runner. */
export interface HaPeerHandler {
  handshake(protocolVersion: number, request: HandshakeRequest): HaAnswer<HandshakeReply>;
  heartbeat(request: HaHeartbeatRequest): HaAnswer<HaHeartbeatReply>;
}
