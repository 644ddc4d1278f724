/**
 * The one place where the statestored's wire messages (libs/proto) become the node's pure
 * messages and back, and where the node's reasons become gRPC statuses (STYLE.md §5, §8).
 * Nothing else in apps/statestored maps ConnState, deltas, epochs or subscriber types.
 */
import { status } from '@grpc/grpc-js';
import {
  ConnState,
  CURRENT_PROTOCOL_VERSION,
  SubscriberType,
  type CatalogRegistration,
  type HaHandshakeRequest,
  type HaHandshakeResponse,
  type HaHeartbeatRequest,
  type HaHeartbeatResponse,
  type NetworkAddress,
  type RegisterRequest,
  type StatestoreMessage,
  type SubscriberMessage,
} from '@statestore-ha/proto';
import {
  PROTOCOL_VERSION,
  type CatalogdRegistration,
  type CloseReason,
  type DownMessage,
  type HaHeartbeatReply,
  type HandshakeReply,
  type HandshakeRequest,
  type HaRefusal,
  type NetworkAddress as PureAddress,
  type RegistrationRequest,
  type SubscriberType as PureSubscriberType,
  type UpMessage,
} from '@statestore-ha/statestored-node';
import type { ConnState as PureConnState } from '@statestore-ha/ha';
import { deltaFromWire, deltaToWire, subscriptionFromWire } from '@statestore-ha/subscriber';

// The node and the wire must agree on what this statestored speaks.
const _protocolVersionsAgree: typeof PROTOCOL_VERSION extends typeof CURRENT_PROTOCOL_VERSION ? true : never = true;
void _protocolVersionsAgree;

const TYPES: ReadonlyMap<SubscriberType, PureSubscriberType> = new Map([
  [SubscriberType.SUBSCRIBER_TYPE_UNKNOWN, 'UNKNOWN'],
  [SubscriberType.SUBSCRIBER_TYPE_ADMISSIOND, 'ADMISSIOND'],
  [SubscriberType.SUBSCRIBER_TYPE_CATALOGD, 'CATALOGD'],
  [SubscriberType.SUBSCRIBER_TYPE_COORDINATOR, 'COORDINATOR'],
  [SubscriberType.SUBSCRIBER_TYPE_EXECUTOR, 'EXECUTOR'],
  [SubscriberType.SUBSCRIBER_TYPE_COORDINATOR_EXECUTOR, 'COORDINATOR_EXECUTOR'],
]);

const CONN_STATES: ReadonlyMap<ConnState, PureConnState> = new Map([
  [ConnState.CONN_STATE_OK, 'OK'],
  [ConnState.CONN_STATE_FAILED, 'FAILED'],
  [ConnState.CONN_STATE_UNKNOWN, 'UNKNOWN'],
  [ConnState.CONN_STATE_REFUSED, 'REFUSED'],
]);

/** A subscriber's message; undefined for an empty one (no `kind`). */
export function upFromWire(m: SubscriberMessage): UpMessage | undefined {
  const k = m.kind;
  if (k === undefined) return undefined;
  switch (k.$case) {
    case 'register':
      return { kind: 'register', request: registrationFromWire(k.value) };
    case 'heartbeat':
      // An unknown enum value reads as UNKNOWN: it never counts toward a takeover.
      return { kind: 'heartbeat', seq: k.value.seq, connState: CONN_STATES.get(k.value.statestoreConnState) ?? 'UNKNOWN', highestEpochSeen: k.value.highestEpochSeen };
    case 'updateState':
      return {
        kind: 'updateState',
        seq: k.value.seq,
        writes: k.value.topicUpdates.map(deltaFromWire),
        skipped: k.value.skipped,
        staleEpoch: k.value.staleEpoch,
        highestEpochSeen: k.value.highestEpochSeen,
      };
    case 'publish':
      return { kind: 'publish', seq: k.value.seq, writes: k.value.topicUpdates.map(deltaFromWire) };
    case 'role':
      return { kind: 'role', activeEpoch: k.value.activeEpoch, skipped: k.value.skipped, staleEpoch: k.value.staleEpoch, highestEpochSeen: k.value.highestEpochSeen };
    case 'catalogd':
      return { kind: 'catalogd', catalogdVersion: k.value.catalogdVersion, skipped: k.value.skipped };
    case 'unregister':
      return { kind: 'unregister' };
    case 'connState':
      return { kind: 'connState', connState: CONN_STATES.get(k.value.statestoreConnState) ?? 'UNKNOWN', highestEpochSeen: k.value.highestEpochSeen };
  }
}

function registrationFromWire(r: RegisterRequest): RegistrationRequest {
  return {
    protocolVersion: r.protocolVersion,
    subscriberId: r.subscriberId,
    location: addressFromWire(r.subscriberLocation),
    topics: r.topicRegistrations.map(subscriptionFromWire),
    subscriberType: TYPES.get(r.subscriberType) ?? 'UNKNOWN',
    subscribeCatalogdChange: r.subscribeCatalogdChange,
    catalogdRegistration:
      r.catalogdRegistration === undefined
        ? undefined
        : {
            protocol: r.catalogdRegistration.protocol,
            address: addressFromWire(r.catalogdRegistration.address),
            enableCatalogdHa: r.catalogdRegistration.enableCatalogdHa,
            forceCatalogdActive: r.catalogdRegistration.forceCatalogdActive,
            registrationTimeMs: r.catalogdRegistration.registrationTime,
          },
    highestEpochSeen: r.highestEpochSeen,
  };
}

function addressFromWire(a: NetworkAddress | undefined): PureAddress | undefined {
  return a === undefined ? undefined : { hostname: a.hostname, port: a.port };
}

function catalogdToWire(c: CatalogdRegistration): CatalogRegistration {
  return {
    protocol: c.protocol,
    address: c.address,
    enableCatalogdHa: c.enableCatalogdHa,
    forceCatalogdActive: c.forceCatalogdActive,
    registrationTime: c.registrationTimeMs,
  };
}

export function downToWire(m: DownMessage): StatestoreMessage {
  switch (m.kind) {
    case 'registered':
      return {
        kind: {
          $case: 'register',
          value: {
            registrationId: m.registrationId,
            protocolVersion: CURRENT_PROTOCOL_VERSION,
            statestoreId: m.statestoreId,
            statestoreIsActive: m.isActive,
            activeEpoch: m.activeEpoch,
            ...(m.catalogd === undefined ? {} : { catalogdRegistration: catalogdToWire(m.catalogd.registration), catalogdVersion: m.catalogd.version }),
          },
        },
      };
    case 'heartbeat':
      return { kind: { $case: 'heartbeat', value: { seq: m.seq, requestStatestoreConnState: m.requestConnState } } };
    case 'updateState':
      return { kind: { $case: 'updateState', value: { seq: m.seq, topicDeltas: m.deltas.map(deltaToWire), activeEpoch: m.activeEpoch } } };
    case 'role':
      return { kind: { $case: 'role', value: { activeEpoch: m.activeEpoch, isActive: m.isActive } } };
    case 'catalogd':
      return { kind: { $case: 'catalogd', value: { catalogdVersion: m.version, catalogdRegistration: catalogdToWire(m.registration), activeEpoch: m.activeEpoch } } };
    case 'publishResult':
      return {
        kind: {
          $case: 'publishResult',
          value: { seq: m.seq, accepted: m.rejection === undefined, code: m.rejection === undefined ? status.OK : status.INVALID_ARGUMENT, message: m.rejection?.message ?? '' },
        },
      };
    case 'writeRejected':
      return { kind: { $case: 'writeRejected', value: { updateSeq: m.updateSeq, code: status.INVALID_ARGUMENT, message: m.rejection.message } } };
  }
}

/** How a stream the node ends is closed; `null`: end it cleanly (the subscriber unregistered). */
export function closeStatus(reason: CloseReason): status | null {
  switch (reason) {
    case 'networkDisabled':
    case 'notReady':
    case 'missedHeartbeats':
      return status.UNAVAILABLE;
    case 'protocolVersion':
    case 'catalogdHaMismatch':
    case 'protocolViolation':
      return status.FAILED_PRECONDITION;
    case 'emptySubscriberId':
    case 'badTopics':
      return status.INVALID_ARGUMENT;
    case 'maxSubscribers':
      return status.RESOURCE_EXHAUSTED;
    case 'superseded':
      return status.ABORTED;
    case 'unregistered':
      return null;
  }
}

/** The label of statestore_subscriber_registrations_rejected_total for a refusal. */
export function rejectionLabel(reason: CloseReason): string {
  return reason.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function haRefusalStatus(r: HaRefusal): status {
  switch (r) {
    case 'protocolVersion':
      return status.FAILED_PRECONDITION;
    case 'haDisabled':
    case 'networkDisabled':
    case 'ownId':
    case 'wrongDestination':
      return status.UNAVAILABLE;
  }
}

export function handshakeRequestFromWire(r: HaHandshakeRequest): { protocolVersion: number; request: HandshakeRequest } {
  return {
    protocolVersion: r.srcProtocolVersion,
    request: { statestoreId: r.srcStatestoreId, address: r.srcStatestoreAddress, forceActive: r.srcForceActive, isActive: r.srcIsActive, epoch: r.srcEpoch },
  };
}

export function handshakeRequestToWire(r: HandshakeRequest): HaHandshakeRequest {
  return {
    srcProtocolVersion: CURRENT_PROTOCOL_VERSION,
    srcStatestoreId: r.statestoreId,
    srcStatestoreAddress: r.address,
    srcForceActive: r.forceActive,
    srcEpoch: r.epoch,
    srcIsActive: r.isActive,
  };
}

export function handshakeReplyToWire(r: HandshakeReply): HaHandshakeResponse {
  return { dstProtocolVersion: CURRENT_PROTOCOL_VERSION, dstStatestoreId: r.statestoreId, dstStatestoreActive: r.isActive, dstEpoch: r.epoch };
}

export function handshakeReplyFromWire(r: HaHandshakeResponse): HandshakeReply {
  return { statestoreId: r.dstStatestoreId, isActive: r.dstStatestoreActive, epoch: r.dstEpoch };
}

export function haHeartbeatToWire(r: { protocolVersion: number; dstStatestoreId: string; srcStatestoreId: string; srcEpoch: number }): HaHeartbeatRequest {
  return { protocolVersion: r.protocolVersion, dstStatestoreId: r.dstStatestoreId, srcStatestoreId: r.srcStatestoreId, srcEpoch: r.srcEpoch };
}

export function haHeartbeatFromWire(r: HaHeartbeatRequest): { protocolVersion: number; dstStatestoreId: string; srcStatestoreId: string; srcEpoch: number } {
  return { protocolVersion: r.protocolVersion, dstStatestoreId: r.dstStatestoreId, srcStatestoreId: r.srcStatestoreId, srcEpoch: r.srcEpoch };
}

export function haHeartbeatReplyToWire(r: HaHeartbeatReply): HaHeartbeatResponse {
  return { staleEpoch: r.staleEpoch, dstEpoch: r.epoch, dstIsActive: r.isActive };
}

export function haHeartbeatReplyFromWire(r: HaHeartbeatResponse): HaHeartbeatReply {
  return { staleEpoch: r.staleEpoch, epoch: r.dstEpoch, isActive: r.dstIsActive };
}
