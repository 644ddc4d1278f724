import { status, type sendUnaryData, type ServerDuplexStream, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import {
  CURRENT_PROTOCOL_VERSION,
  type GetProtocolVersionRequest,
  type GetProtocolVersionResponse,
  type SetStatestoreDebugActionRequest,
  type SetStatestoreDebugActionResponse,
  type StatestoreMessage,
  type StatestoreServiceServer,
  type SubscriberMessage,
} from '@statestore-ha/proto';
import type { Logger } from '@statestore-ha/daemon';
import type { NodeRunner, SessionLink } from './node-runner';
import { upFromWire } from './wire-mapping';

function statusError(code: status, details: string): Partial<ServiceError> {
  return { code, details, message: details };
}

/**
 * gRPC plumbing of StatestoreService: every stream message becomes an event for the node, and
 * nothing else. Bad input ends only the offending stream, with the status the node's reason maps
 * to (wire-mapping.ts).
 */
export function subscriberService(runner: NodeRunner, log: Logger, debugNetworkActionAllowed: boolean, statestoreId: string): StatestoreServiceServer {
  return {
    getProtocolVersion(call: ServerUnaryCall<GetProtocolVersionRequest, GetProtocolVersionResponse>, cb: sendUnaryData<GetProtocolVersionResponse>) {
      const a = runner.protocolVersion(call.request.protocolVersion);
      if (a.refusal !== null) return cb(statusError(a.refusal === 'networkDisabled' ? status.UNAVAILABLE : status.FAILED_PRECONDITION, a.message));
      cb(null, { protocolVersion: CURRENT_PROTOCOL_VERSION, statestoreId });
    },

    setStatestoreDebugAction(call: ServerUnaryCall<SetStatestoreDebugActionRequest, SetStatestoreDebugActionResponse>, cb: sendUnaryData<SetStatestoreDebugActionResponse>) {
      if (!debugNetworkActionAllowed) {
        return cb(statusError(status.PERMISSION_DENIED, 'start statestored with --debug_actions=DISABLE_STATESTORE_NETWORK to allow this test-only action'));
      }
      if (call.request.disableNetwork !== undefined) runner.setNetworkDisabled(call.request.disableNetwork);
      cb(null, {});
    },

    subscribe(call: ServerDuplexStream<SubscriberMessage, StatestoreMessage>) {
      let ended = false;
      const session: SessionLink = {
        send: (msg) => (ended ? false : call.write(msg)),
        onDrain: (fn) => void call.once('drain', fn),
        close: (code, message) => {
          if (ended) return;
          ended = true;
          if (code === null) call.end();
          else call.emit('error', statusError(code, message));
        },
      };
      const link = runner.openLink(session);
      const closed = (): void => {
        ended = true;
        runner.closed(link);
      };
      call.on('data', (wire: SubscriberMessage) => {
        if (ended) return;
        const msg = upFromWire(wire);
        if (msg === undefined) {
          log.warn({ link }, 'empty subscriber message ignored');
          return;
        }
        runner.received(link, msg);
      });
      call.on('end', () => {
        closed();
        call.end();
      });
      call.on('error', (err) => {
        log.debug({ err: err.message, link }, 'subscriber stream error');
        closed();
      });
      call.on('cancelled', closed);
      call.on('close', closed);
    },
  };
}
