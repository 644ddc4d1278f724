/**
 * What travels on a statestored's links, as the node sees it: the subscriber stream (up and down
 * messages) and the HA peer RPCs. These are the pure twins of libs/proto's wire messages
 * (statestore_service.proto, statestore_ha_service.proto), reduced to what decisions read. The
 * daemon maps proto <-> these in one module (apps/statestored wire-mapping.ts); the simulator
 * sends them over its in-memory network as they are.
 */
import type { ConnState, Epoch, HandshakeReply, HandshakeRequest } from '@statestore-ha/ha';
import type { TopicDeltaData, TopicSubscription } from '@statestore-ha/topics';

/** One subscriber stream, named by the edge that opened it (a gRPC call, a simulated link). */
export type LinkId = number;

/** Impala's TStatestoreSubscriberType. */
export type SubscriberType = 'UNKNOWN' | 'ADMISSIOND' | 'CATALOGD' | 'COORDINATOR' | 'EXECUTOR' | 'COORDINATOR_EXECUTOR';

export interface NetworkAddress {
  readonly hostname: string;
  readonly port: number;
}

/** TCatalogRegistration; registrationTimeMs is stamped by the statestored when it registers. */
export interface CatalogdRegistration {
  readonly protocol: number;
  readonly address: NetworkAddress | undefined;
  readonly enableCatalogdHa: boolean;
  readonly forceCatalogdActive: boolean;
  readonly registrationTimeMs: number;
}

/** TRegisterSubscriberRequest, plus the highest statestore epoch the subscriber has seen. */
export interface RegistrationRequest {
  readonly protocolVersion: number;
  readonly subscriberId: string;
  readonly location: NetworkAddress | undefined;
  readonly topics: readonly TopicSubscription[];
  readonly subscriberType: SubscriberType;
  readonly subscribeCatalogdChange: boolean;
  readonly catalogdRegistration: CatalogdRegistration | undefined;
  readonly highestEpochSeen: Epoch;
}

/** Subscriber -> statestored, on its stream. */
export type UpMessage =
  | { readonly kind: 'register'; readonly request: RegistrationRequest }
  /** connState: the subscriber's link to the OTHER statestored (read only when asked). */
  | { readonly kind: 'heartbeat'; readonly seq: number; readonly connState: ConnState; readonly highestEpochSeen: Epoch }
  | {
      readonly kind: 'updateState';
      readonly seq: number;
      /** The subscriber's own writes, and resync requests (a delta with only from_version). */
      readonly writes: readonly TopicDeltaData[];
      readonly skipped: boolean;
      readonly staleEpoch: boolean;
      readonly highestEpochSeen: Epoch;
    }
  | { readonly kind: 'publish'; readonly seq: number; readonly writes: readonly TopicDeltaData[] }
  | { readonly kind: 'role'; readonly activeEpoch: Epoch; readonly skipped: boolean; readonly staleEpoch: boolean; readonly highestEpochSeen: Epoch }
  | { readonly kind: 'catalogd'; readonly catalogdVersion: number; readonly skipped: boolean }
  /** Unasked: the subscriber's link to the OTHER statestored turned to or from REFUSED. */
  | { readonly kind: 'connState'; readonly connState: ConnState; readonly highestEpochSeen: Epoch }
  /** A clean shutdown: drop the registration now, transient entries with it. */
  | { readonly kind: 'unregister' };

/** Why a write was refused, for the subscriber (mapped to INVALID_ARGUMENT at the edge). */
export interface WriteRejection {
  readonly message: string;
}

/** Statestored -> subscriber, on its stream. */
export type DownMessage =
  | {
      readonly kind: 'registered';
      readonly registrationId: string;
      readonly statestoreId: string;
      readonly isActive: boolean;
      readonly activeEpoch: Epoch;
      /** Set only when this statestored is active and has designated an active catalogd (Impala). */
      readonly catalogd: { readonly registration: CatalogdRegistration; readonly version: number } | undefined;
    }
  | { readonly kind: 'heartbeat'; readonly seq: number; readonly requestConnState: boolean }
  | { readonly kind: 'updateState'; readonly seq: number; readonly deltas: readonly TopicDeltaData[]; readonly activeEpoch: Epoch }
  | { readonly kind: 'role'; readonly activeEpoch: Epoch; readonly isActive: boolean }
  | { readonly kind: 'catalogd'; readonly version: number; readonly registration: CatalogdRegistration; readonly activeEpoch: Epoch }
  | { readonly kind: 'publishResult'; readonly seq: number; readonly rejection: WriteRejection | undefined }
  | { readonly kind: 'writeRejected'; readonly updateSeq: number; readonly rejection: WriteRejection };

/**
 * Why the node ends a stream. The edge maps each to a status (gRPC: see the daemon's
 * wire-mapping.ts); the subscriber reads from it whether to retry.
 */
export type CloseReason =
  /** DISABLE_STATESTORE_NETWORK is on (UNAVAILABLE). */
  | 'networkDisabled'
  /** The startup handshake has not settled the role yet; Impala's port is not open then (UNAVAILABLE). */
  | 'notReady'
  /** Older protocol version (FAILED_PRECONDITION, Impala STATESTORE_INCOMPATIBLE_PROTOCOL). */
  | 'protocolVersion'
  /** An empty subscriber_id (INVALID_ARGUMENT). */
  | 'emptySubscriberId'
  /** An empty topic name, or a topic listed twice (INVALID_ARGUMENT). */
  | 'badTopics'
  /** enable_catalogd_ha differs between catalogd and statestored (FAILED_PRECONDITION). */
  | 'catalogdHaMismatch'
  /** statestore_max_subscribers reached (RESOURCE_EXHAUSTED). */
  | 'maxSubscribers'
  /** A newer registration of the same subscriber id replaced this one (ABORTED). */
  | 'superseded'
  /** statestore_max_missed_heartbeats missed: the registration is gone (UNAVAILABLE). */
  | 'missedHeartbeats'
  /** A message before `register`, or a second `register` on one stream (FAILED_PRECONDITION). */
  | 'protocolViolation'
  /** The subscriber asked to unregister: the stream ends cleanly (OK). */
  | 'unregistered';

/** What the peer's StatestoreHaService calls carry, besides the role machine's own fields. */
export interface HaHeartbeatRequest {
  readonly protocolVersion: number;
  readonly dstStatestoreId: string;
  readonly srcStatestoreId: string;
  readonly srcEpoch: Epoch;
}

export interface HaHeartbeatReply {
  readonly staleEpoch: boolean;
  readonly epoch: Epoch;
  readonly isActive: boolean;
}

/** Why the node refuses a peer RPC (the edge answers with a status: UNAVAILABLE, FAILED_PRECONDITION). */
export type HaRefusal = 'haDisabled' | 'networkDisabled' | 'ownId' | 'wrongDestination' | 'protocolVersion';

export type { HandshakeReply, HandshakeRequest };
