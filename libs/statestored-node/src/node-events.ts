import type { HandshakeReply, HandshakeRequest, PeerLinkState } from '@statestore-ha/ha';
import type { HaHeartbeatRequest, LinkId, UpMessage } from './messages';

/** Everything that can happen to a statestored node; `step` takes one at a time. */
export type NodeEvent =
  /** Time passed: run whatever is due. Send at or after nextWakeupMs(state). */
  | { readonly kind: 'tick' }
  /** A message arrived on a subscriber stream. `registrationId` is used only by `register`. */
  | { readonly kind: 'up'; readonly link: LinkId; readonly msg: UpMessage; readonly registrationId?: string }
  /** A subscriber stream ended without `unregister` (the registration stays until heartbeats fail). */
  | { readonly kind: 'linkClosed'; readonly link: LinkId }
  /** A stream's send buffer filled up (false) or drained (true). */
  | { readonly kind: 'linkWritable'; readonly link: LinkId; readonly writable: boolean }
  /** GetProtocolVersion: answered by a `protocolVersionAnswer` effect. */
  | { readonly kind: 'protocolVersionRequested'; readonly protocolVersion: number }
  /** SetStatestoreDebugAction(disable_network) (Impala's DISABLE_STATESTORE_NETWORK). */
  | { readonly kind: 'setNetworkDisabled'; readonly disabled: boolean }
  // ---- the HA peer ----
  /** The peer's handshake; answered by a `replyHandshake` effect. */
  | { readonly kind: 'haHandshakeRequested'; readonly protocolVersion: number; readonly request: HandshakeRequest }
  /** The peer's HA heartbeat; answered by a `replyHaHeartbeat` effect. */
  | { readonly kind: 'haHeartbeatRequested'; readonly request: HaHeartbeatRequest }
  | { readonly kind: 'haHandshakeAnswered'; readonly seq: number; readonly reply: HandshakeReply }
  | { readonly kind: 'haHandshakeFailed'; readonly seq: number }
  | { readonly kind: 'haHeartbeatAnswered'; readonly seq: number; readonly staleEpoch: boolean; readonly peerEpoch: number; readonly peerIsActive: boolean }
  | { readonly kind: 'haHeartbeatFailed'; readonly seq: number }
  /**
   * This node's own watch on the peer's HA port (StatestoreHaWatch): up, ended or failed (down),
   * or a connect refused (nobody listens: crash evidence).
   */
  | { readonly kind: 'peerLink'; readonly state: Exclude<PeerLinkState, 'unknown'> };
