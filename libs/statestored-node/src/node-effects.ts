import type { CatalogdCandidate, CatalogdDesignationReason, Epoch, HaEffect, HandshakeReply, HandshakeRequest } from '@statestore-ha/ha';
import type { DebugActionLabel } from './debug-actions';
import type { CloseReason, DownMessage, HaHeartbeatReply, HaHeartbeatRequest, HaRefusal, LinkId } from './messages';

/** The notification rounds of "send until acknowledged" (notices.ts). */
export type NoticeKind = 'role' | 'catalogd';

/** What became of notification attempts (Impala: num-{successful,failed}-update-*-rpc). */
export type NoticeResult = 'ok' | 'skipped' | 'stale' | 'failed';

/**
 * What the node asks its edge to do, and what it reports (logs, metrics). The daemon's runner
 * and the simulator's adapter each carry them out with one exhaustive switch.
 */
export type NodeEffect =
  // ---- I/O ----
  | { readonly kind: 'send'; readonly link: LinkId; readonly msg: DownMessage }
  | { readonly kind: 'closeLink'; readonly link: LinkId; readonly reason: CloseReason; readonly message: string }
  | { readonly kind: 'protocolVersionAnswer'; readonly refusal: 'networkDisabled' | 'protocolVersion' | null; readonly message: string }
  | { readonly kind: 'sendHandshake'; readonly seq: number; readonly request: HandshakeRequest }
  | { readonly kind: 'sendHaHeartbeat'; readonly seq: number; readonly request: HaHeartbeatRequest }
  | { readonly kind: 'replyHandshake'; readonly reply: HandshakeReply | null; readonly refusal: HaRefusal | null; readonly message: string }
  | { readonly kind: 'replyHaHeartbeat'; readonly reply: HaHeartbeatReply | null; readonly refusal: HaRefusal | null; readonly message: string }
  // ---- role: the role machine's own reports, passed on as they are (libs/ha) ----
  | Extract<HaEffect, { kind: 'roleChanged' | 'recoveryModeChanged' | 'peerConnectedChanged' | 'takeoverCheck' }>
  /** Whether this node is active and its active epoch (0 when not): after every change of either. */
  | { readonly kind: 'activeEpochChanged'; readonly isActive: boolean; readonly epoch: Epoch }
  | { readonly kind: 'networkDisabledChanged'; readonly disabled: boolean }
  // ---- subscribers ----
  | { readonly kind: 'subscriberRegistered'; readonly subscriberId: string; readonly registrationId: string; readonly topics: number; readonly live: number }
  | {
      readonly kind: 'subscriberUnregistered';
      readonly subscriberId: string;
      readonly registrationId: string;
      readonly reason: 'unregistered' | 'missedHeartbeats' | 'superseded';
      readonly transientEntriesDeleted: number;
      readonly live: number;
    }
  | { readonly kind: 'registrationRejected'; readonly subscriberId: string; readonly reason: CloseReason; readonly message: string }
  | { readonly kind: 'heartbeatAnswered'; readonly roundTripMs: number }
  /** `why`: no open stream (or the network disabled), or no answer within the heartbeat timeout. */
  | { readonly kind: 'heartbeatMissed'; readonly subscriberId: string; readonly missed: number; readonly why: 'noLink' | 'timeout' }
  /** Every heartbeat_monitoring_frequency_ms: how many subscribers answered a heartbeat meanwhile. */
  | { readonly kind: 'heartbeatSummary'; readonly answered: number; readonly live: number }
  | { readonly kind: 'topicUpdateAnswered'; readonly priority: boolean; readonly durationMs: number }
  | { readonly kind: 'topicUpdateTimedOut'; readonly subscriberId: string; readonly seq: number }
  | { readonly kind: 'writesRejected'; readonly subscriberId: string; readonly message: string }
  | { readonly kind: 'topicEntriesCleared'; readonly topicName: string }
  // ---- notifications (role and catalogd) ----
  | { readonly kind: 'notices'; readonly notice: NoticeKind; readonly result: NoticeResult; readonly count: number }
  | { readonly kind: 'noticeRoundStarted'; readonly notice: NoticeKind; readonly value: number; readonly receivers: number }
  | { readonly kind: 'noticeRoundDone'; readonly notice: NoticeKind; readonly value: number; readonly durationMs: number }
  /**
   * --debug_actions acted on first attempts: `failed` of them failed and `delayed` held back, by
   * `entry` (e.g. SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:FAIL@1). One per notice round, one
   * per held attempt that fails after its delay, one per handshake (with its seq).
   */
  | {
      readonly kind: 'debugActionApplied';
      readonly label: DebugActionLabel;
      readonly entry: string;
      readonly failed: number;
      readonly delayed: number;
      readonly notice: NoticeKind | null;
      /** The notice round's value or the handshake's seq. */
      readonly value: number;
    }
  // ---- catalogd HA ----
  | {
      readonly kind: 'catalogdDesignated';
      readonly active: CatalogdCandidate;
      readonly standby: CatalogdCandidate | null;
      readonly reason: CatalogdDesignationReason;
      readonly version: number;
    }
  | { readonly kind: 'catalogdCleared'; readonly version: number }
  /** The designation's version on the wire changed (statestore_active_catalogd_version). */
  | { readonly kind: 'catalogdVersionStamped'; readonly version: number };
