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
import type { Statestore } from './statestore';
import type { SessionLink, SubscriberSession } from './subscriber-session';

function statusError(code: status, details: string): Partial<ServiceError> {
  return { code, details, message: details };
}

/**
 * gRPC plumbing of StatestoreService: turns stream events into calls on the Statestore core and
 * nothing else. Bad input ends only the offending stream, with a status that says why.
 */
export function subscriberService(core: Statestore, log: Logger, debugNetworkActionAllowed: boolean): StatestoreServiceServer {
  return {
    getProtocolVersion(call: ServerUnaryCall<GetProtocolVersionRequest, GetProtocolVersionResponse>, cb: sendUnaryData<GetProtocolVersionResponse>) {
      if (core.isNetworkDisabled()) return cb(statusError(status.UNAVAILABLE, 'statestore network is disabled'));
      if (call.request.protocolVersion < CURRENT_PROTOCOL_VERSION) {
        return cb(statusError(status.FAILED_PRECONDITION, `protocol version ${call.request.protocolVersion} is older than ${CURRENT_PROTOCOL_VERSION}`));
      }
      cb(null, { protocolVersion: CURRENT_PROTOCOL_VERSION, statestoreId: core.statestoreId });
    },

    setStatestoreDebugAction(call: ServerUnaryCall<SetStatestoreDebugActionRequest, SetStatestoreDebugActionResponse>, cb: sendUnaryData<SetStatestoreDebugActionResponse>) {
      if (!debugNetworkActionAllowed) {
        return cb(statusError(status.PERMISSION_DENIED, 'start statestored with --debug_actions=DISABLE_STATESTORE_NETWORK to allow this test-only action'));
      }
      if (call.request.disableNetwork !== undefined) core.setNetworkDisabled(call.request.disableNetwork);
      cb(null, {});
    },

    subscribe(call: ServerDuplexStream<SubscriberMessage, StatestoreMessage>) {
      let session: SubscriberSession | undefined;
      let ended = false;
      const link: SessionLink = {
        send: (msg) => (ended ? false : call.write(msg)),
        onDrain: (fn) => void call.once('drain', fn),
        close: (code, message) => {
          if (ended) return;
          ended = true;
          call.emit('error', statusError(code, message));
        },
      };
      const closed = (): void => {
        if (session) core.linkClosed(session, link);
        ended = true;
      };

      call.on('data', (msg: SubscriberMessage) => {
        if (ended || core.isNetworkDisabled()) return;
        const kind = msg.kind;
        if (kind === undefined) {
          log.warn({ subscriberId: session?.subscriberId }, 'empty subscriber message ignored');
          return;
        }
        if (kind.$case === 'register') {
          if (session) return link.close(status.FAILED_PRECONDITION, `this stream is already registered as ${session.subscriberId}; open a new stream to register again`);
          const out = core.register(kind.value, link);
          if ('code' in out) return link.close(out.code, out.message);
          session = out;
          return;
        }
        if (!session) return link.close(status.FAILED_PRECONDITION, `the first message of a Subscribe stream must be register, got ${kind.$case}`);
        switch (kind.$case) {
          case 'heartbeat':
            return core.heartbeatAnswered(session, kind.value);
          case 'updateState':
            return core.updateAnswered(session, kind.value);
          case 'publish':
            return core.published(session, kind.value);
          case 'role':
          case 'catalogd':
            return core.notificationAnswered(session, kind);
          case 'unregister':
            core.unregister(session, 'subscriber unregistered itself');
            ended = true;
            return call.end();
        }
      });
      call.on('end', () => {
        closed();
        call.end();
      });
      call.on('error', (err) => {
        log.debug({ err: err.message, subscriberId: session?.subscriberId }, 'subscriber stream error');
        closed();
      });
      call.on('cancelled', closed);
      call.on('close', closed);
    },
  };
}
