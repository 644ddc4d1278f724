/** The HA peer link over gRPC: StatestoreHaService's client and server sides. */
import { connectivityState, credentials, Metadata, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream, type ServiceError } from '@grpc/grpc-js';
import {
  CURRENT_PROTOCOL_VERSION,
  StatestoreHaServiceClient,
  type HaHandshakeRequest,
  type HaHandshakeResponse,
  type HaHeartbeatRequest,
  type HaHeartbeatResponse,
  type HaWatchEvent,
  type HaWatchRequest,
  type StatestoreHaServiceServer,
} from '@statestore-ha/proto';
import { isConnectionRefused } from '@statestore-ha/subscriber';
import type { HaAnswer, HaPeerClient, HaPeerHandler, HaRpcResult, PeerLink } from './ha-transport';
import {
  haHeartbeatFromWire,
  haHeartbeatReplyFromWire,
  haHeartbeatReplyToWire,
  haHeartbeatToWire,
  haRefusalStatus,
  handshakeReplyFromWire,
  handshakeReplyToWire,
  handshakeRequestFromWire,
  handshakeRequestToWire,
} from './wire-mapping';

export interface GrpcHaPeerOptions {
  /** "host:port" of the peer's StatestoreHaService (state_store_peer_host:state_store_peer_ha_port). */
  readonly peerAddress: string;
  /** statestore_ha_client_rpc_timeout_ms: the deadline of one HA RPC. */
  readonly rpcTimeoutMs: number;
  /**
   * statestore_ha_client_rpc_conn_timeout_ms: how long an RPC may wait for the connection to the
   * peer before it fails; 0 leaves only the RPC deadline (Impala's meaning).
   */
  readonly connTimeoutMs: number;
  /** This node's statestore_id, named in its watch on the peer (for the peer's logs). */
  readonly statestoreId: string;
}

/** How soon a watch that ended is opened again: at once after a live one, then backing off. */
const WATCH_RETRY_MS = { first: 0, next: 100, max: 1000 };

export class GrpcHaPeerClient implements HaPeerClient {
  private readonly client: StatestoreHaServiceClient;
  private closed = false;
  private watchTimer: NodeJS.Timeout | undefined;
  private watchCall: { cancel(): void } | undefined;

  constructor(private readonly o: GrpcHaPeerOptions) {
    this.client = new StatestoreHaServiceClient(o.peerAddress, credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
      // The RPC deadline is Impala's (statestore_ha_client_rpc_timeout_ms, 5 min by default), and
      // the role machine counts a late answer as missed anyway; what keeps the link usable is
      // noticing a connection that no longer carries answers (a proxy that dropped bytes mid-
      // stream leaves HTTP/2 unable to parse another frame) and reconnecting: keepalive pings
      // every second, at the server's least allowed interval (grpc-server.ts).
      'grpc.keepalive_time_ms': 1000,
      'grpc.keepalive_timeout_ms': 1000,
      'grpc.keepalive_permit_without_calls': 1,
    });
  }

  handshake(request: Parameters<HaPeerClient['handshake']>[0], done: Parameters<HaPeerClient['handshake']>[1]): void {
    this.whenConnected(done, () =>
      this.client.statestoreHaHandshake(handshakeRequestToWire(request), new Metadata(), { deadline: this.deadline() }, (err: ServiceError | null, res?: HaHandshakeResponse) =>
        done(err || !res ? failed(err) : { ok: true, value: handshakeReplyFromWire(res) }),
      ),
    );
  }

  heartbeat(request: Parameters<HaPeerClient['heartbeat']>[0], done: Parameters<HaPeerClient['heartbeat']>[1]): void {
    this.whenConnected(done, () =>
      this.client.statestoreHaHeartbeat(haHeartbeatToWire(request), new Metadata(), { deadline: this.deadline() }, (err: ServiceError | null, res?: HaHeartbeatResponse) =>
        done(err || !res ? failed(err) : { ok: true, value: haHeartbeatReplyFromWire(res) }),
      ),
    );
  }

  watch(onLink: (state: PeerLink) => void): void {
    let retryMs = WATCH_RETRY_MS.first;
    let last: PeerLink | null = null;
    const report = (state: PeerLink): void => {
      if (state !== last) onLink(state);
      last = state;
    };
    const open = (): void => {
      if (this.closed) return;
      const call = this.client.statestoreHaWatch({ protocolVersion: CURRENT_PROTOCOL_VERSION, srcStatestoreId: this.o.statestoreId });
      let over = false;
      const ended = (state: PeerLink): void => {
        if (over) return;
        over = true;
        report(state);
        // A live watch that ended is retried at once: that retry is what finds the port closed.
        const delay = retryMs;
        retryMs = Math.min(Math.max(WATCH_RETRY_MS.next, retryMs * 2), WATCH_RETRY_MS.max);
        this.watchTimer = setTimeout(open, delay);
      };
      call.on('data', () => {
        retryMs = WATCH_RETRY_MS.first;
        report('up');
      });
      call.on('error', (err: ServiceError) => ended(isConnectionRefused(err.details ?? '') ? 'refused' : 'down'));
      call.on('end', () => ended('down'));
      this.watchCall = call;
    };
    open();
  }

  close(): void {
    this.closed = true;
    if (this.watchTimer) clearTimeout(this.watchTimer);
    this.watchCall?.cancel();
    this.client.close();
  }

  private deadline(): Date {
    return new Date(Date.now() + this.o.rpcTimeoutMs);
  }

  /** Runs `send` once the channel is connected, failing the RPC if that takes longer than the connect timeout. */
  private whenConnected<T>(done: (r: HaRpcResult<T>) => void, send: () => void): void {
    if (this.o.connTimeoutMs === 0 || this.client.getChannel().getConnectivityState(true) === connectivityState.READY) return send();
    this.client.waitForReady(new Date(Date.now() + this.o.connTimeoutMs), (err) => {
      if (err) done({ ok: false, error: `no connection to the peer within statestore_ha_client_rpc_conn_timeout_ms=${this.o.connTimeoutMs}: ${err.message}` });
      else send();
    });
  }
}

function failed(err: ServiceError | null): { ok: false; error: string } {
  return { ok: false, error: err ? `${err.code}: ${err.details}` : 'empty reply' };
}

/**
 * The server side: each call is one event for the node, answered from the step's effects. Watches
 * are held open until `endWatches` (a clean stop ends them, so the peer learns it at once).
 */
export function haPeerService(handler: HaPeerHandler, statestoreId: string): { service: StatestoreHaServiceServer; endWatches(): void } {
  const watches = new Set<ServerWritableStream<HaWatchRequest, HaWatchEvent>>();
  const service: StatestoreHaServiceServer = {
    statestoreHaWatch(call: ServerWritableStream<HaWatchRequest, HaWatchEvent>) {
      watches.add(call);
      call.on('cancelled', () => watches.delete(call));
      call.on('close', () => watches.delete(call));
      call.write({ statestoreId });
    },
    statestoreHaHandshake(call: ServerUnaryCall<HaHandshakeRequest, HaHandshakeResponse>, cb: sendUnaryData<HaHandshakeResponse>) {
      const r = handshakeRequestFromWire(call.request);
      answer(cb, handler.handshake(r.protocolVersion, r.request), handshakeReplyToWire);
    },
    statestoreHaHeartbeat(call: ServerUnaryCall<HaHeartbeatRequest, HaHeartbeatResponse>, cb: sendUnaryData<HaHeartbeatResponse>) {
      answer(cb, handler.heartbeat(haHeartbeatFromWire(call.request)), haHeartbeatReplyToWire);
    },
  };
  return {
    service,
    endWatches: () => {
      for (const w of watches) w.end();
      watches.clear();
    },
  };
}

function answer<T, W>(cb: sendUnaryData<W>, a: HaAnswer<T>, toWire: (t: T) => W): void {
  if ('reply' in a) return cb(null, toWire(a.reply));
  cb({ code: haRefusalStatus(a.refusal), details: a.message, message: a.message } as Partial<ServiceError> as ServiceError);
}
