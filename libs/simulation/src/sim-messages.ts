/**
 * What travels on the simulated network: the node's own messages (libs/statestored-node), as
 * the daemon maps them to and from the wire. A subscriber stream is a numbered `stream` of the
 * sending subscriber: every registration opens a new one, and a closed one carries nothing more
 * (gRPC's stream semantics), which is how a subscriber ignores what an earlier registration or
 * incarnation was sent. HA requests carry a `seq` their replies echo.
 */
import type { DownMessage, HaHeartbeatReply, HaHeartbeatRequest, HandshakeReply, HandshakeRequest, UpMessage } from '@statestore-ha/statestored-node';

export type SimMessage =
  // statestored <-> statestored (StatestoreHaService); a null reply is a refused RPC
  | { readonly t: 'handshake'; readonly seq: number; readonly request: HandshakeRequest }
  | { readonly t: 'handshakeReply'; readonly seq: number; readonly reply: HandshakeReply | null }
  | { readonly t: 'haHeartbeat'; readonly seq: number; readonly request: HaHeartbeatRequest }
  | { readonly t: 'haHeartbeatReply'; readonly seq: number; readonly reply: HaHeartbeatReply | null }
  // subscriber <-> statestored (StatestoreService.Subscribe)
  | { readonly t: 'up'; readonly stream: number; readonly msg: UpMessage }
  | { readonly t: 'down'; readonly stream: number; readonly msg: DownMessage }
  /** Either side ended the stream (a status, a cancel, or the kernel's FIN of a dead process). */
  | { readonly t: 'closed'; readonly stream: number }
  // statestored -> statestored: the watch on the peer's process (StatestoreHaWatch), its keepalive
  // pings, and its end (the kernel's FIN when the watched process dies)
  | { readonly t: 'watch' }
  | { readonly t: 'watching' }
  | { readonly t: 'watchPing' }
  | { readonly t: 'watchPong' }
  | { readonly t: 'watchEnded' };
