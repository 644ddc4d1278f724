import { status, type sendUnaryData, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import type { HaHandshakeRequest, HaHandshakeResponse, HaHeartbeatRequest, HaHeartbeatResponse, StatestoreHaServiceServer } from '@statestore-ha/proto';
import { CURRENT_PROTOCOL_VERSION } from '@statestore-ha/proto';
import { HaRpcError, type HaRunner } from './ha-runner';

function fail<T>(cb: sendUnaryData<T>, err: unknown): void {
  const code = err instanceof HaRpcError ? err.code : status.INTERNAL;
  const details = err instanceof Error ? err.message : String(err);
  cb({ code, details, message: details } as Partial<ServiceError> as ServiceError);
}

/** gRPC plumbing of StatestoreHaService: each call is one event for the role machine. */
export function haPeerService(runner: HaRunner): StatestoreHaServiceServer {
  return {
    statestoreHaHandshake(call: ServerUnaryCall<HaHandshakeRequest, HaHandshakeResponse>, cb: sendUnaryData<HaHandshakeResponse>) {
      if (call.request.srcProtocolVersion < CURRENT_PROTOCOL_VERSION) {
        return fail(cb, new HaRpcError(status.FAILED_PRECONDITION, `peer protocol version ${call.request.srcProtocolVersion} is older than ${CURRENT_PROTOCOL_VERSION}`));
      }
      try {
        cb(null, runner.handshake(call.request));
      } catch (err) {
        fail(cb, err);
      }
    },
    statestoreHaHeartbeat(call: ServerUnaryCall<HaHeartbeatRequest, HaHeartbeatResponse>, cb: sendUnaryData<HaHeartbeatResponse>) {
      try {
        cb(null, runner.heartbeat(call.request));
      } catch (err) {
        fail(cb, err);
      }
    },
  };
}
