/**
 * What travels on the simulated network: the HA peer RPCs and the subscriber stream, reduced to
 * the fields the decisions read (libs/proto has the full wire schema). Requests carry a `seq`
 * their replies echo.
 */
import type { ConnState, Epoch, FollowerOutcome, HandshakeReply, HandshakeRequest } from '@statestore-ha/ha';

export type SimMessage =
  // statestored <-> statestored
  | { readonly t: 'handshake'; readonly seq: number; readonly request: HandshakeRequest }
  | { readonly t: 'handshakeReply'; readonly seq: number; readonly reply: HandshakeReply | null }
  | { readonly t: 'haHeartbeat'; readonly seq: number; readonly dst: string; readonly src: string; readonly epoch: Epoch }
  | { readonly t: 'haHeartbeatReply'; readonly seq: number; readonly outcome: 'ok' | 'staleEpoch' | 'rejected'; readonly epoch: Epoch; readonly isActive: boolean }
  // subscriber -> statestored
  | { readonly t: 'register'; readonly highestEpochSeen: Epoch }
  | { readonly t: 'heartbeatReply'; readonly connState: ConnState | null; readonly highestEpochSeen: Epoch }
  | { readonly t: 'roleAck'; readonly outcome: FollowerOutcome; readonly highestEpochSeen: Epoch }
  | { readonly t: 'updateAck'; readonly outcome: FollowerOutcome; readonly highestEpochSeen: Epoch }
  // statestored -> subscriber
  | { readonly t: 'registered'; readonly statestoreId: string; readonly isActive: boolean; readonly epoch: Epoch }
  // These carry the sender's statestore_id, as Impala's Heartbeat/UpdateState/UpdateStatestoredRole
  // requests do (with the registration_id): a subscriber ignores what comes from an incarnation
  // it is not registered with. On a real gRPC stream the stream itself guarantees it; the
  // simulated network can lose one message of a link and deliver the next, so it must be said.
  | { readonly t: 'heartbeat'; readonly statestoreId: string; readonly requestConnState: boolean }
  | { readonly t: 'role'; readonly statestoreId: string; readonly epoch: Epoch }
  | { readonly t: 'update'; readonly statestoreId: string; readonly epoch: Epoch }
  /** The statestored does not know this subscriber (restarted, or dropped it): register again. */
  | { readonly t: 'unknownSubscriber' };
