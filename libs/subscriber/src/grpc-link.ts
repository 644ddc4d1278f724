import { credentials, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { StatestoreServiceClient, type StatestoreMessage, type SubscriberMessage } from '@statestore-ha/proto';
import type { LinkClosed, StatestoreLink } from './link';
import { LINK_ENDED, linkClosedFromError } from './link-closed';

const MAX_MESSAGE_BYTES = 512 * 1024 * 1024;
const CLOSE_GRACE_MS = 1000;

/** One gRPC channel per statestored for the subscriber's whole life; each link is a new stream on it. */
export function grpcChannel(host: string, port: number): StatestoreServiceClient {
  return new StatestoreServiceClient(`${host}:${port}`, credentials.createInsecure(), {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    // HTTP/2 pings reveal a dead TCP link that no app message would (a black hole never resets).
    'grpc.keepalive_time_ms': 10_000,
    'grpc.keepalive_timeout_ms': 5_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 2_000,
  });
}

export class GrpcStatestoreLink implements StatestoreLink {
  private readonly call: ClientDuplexStream<SubscriberMessage, StatestoreMessage>;
  private closedFns: Array<(why: LinkClosed) => void> = [];
  private done = false;

  constructor(client: StatestoreServiceClient) {
    this.call = client.subscribe();
    this.call.on('error', (err: ServiceError) => this.finish(linkClosedFromError(err)));
    this.call.on('end', () => this.finish(LINK_ENDED));
  }

  send(msg: SubscriberMessage): void {
    if (!this.done) this.call.write(msg);
  }

  onMessage(fn: (msg: StatestoreMessage) => void): void {
    this.call.on('data', fn);
  }

  onClosed(fn: (why: LinkClosed) => void): void {
    this.closedFns.push(fn);
  }

  /** Half-closes so what was written (an Unregister) still goes out; cancels if the server lingers. */
  close(): Promise<void> {
    if (this.done) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.call.cancel();
        resolve();
      }, CLOSE_GRACE_MS);
      this.closedFns.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.call.end();
    });
  }

  private finish(why: LinkClosed): void {
    if (this.done) return;
    this.done = true;
    const fns = this.closedFns;
    this.closedFns = [];
    for (const fn of fns) fn(why);
  }
}
