import { credentials, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import {
  CURRENT_PROTOCOL_VERSION,
  StatestoreServiceClient,
  SubscriberType,
  type RegisterRequest,
  type StatestoreMessage,
  type SubscriberMessage,
  type TopicRegistration,
} from '@statestore-ha/proto';

/**
 * A hand-driven subscriber stream for protocol tests: it answers nothing by itself (except
 * heartbeats, when asked to), records every down message and how the stream ended.
 */
export class RawSubscriber {
  readonly client: StatestoreServiceClient;
  readonly call: ClientDuplexStream<SubscriberMessage, StatestoreMessage>;
  readonly received: StatestoreMessage[] = [];
  ended: Promise<{ code: number; details: string }>;
  private waiters: Array<() => void> = [];

  constructor(address: string, opts: { answerHeartbeats?: boolean } = {}) {
    this.client = new StatestoreServiceClient(address, credentials.createInsecure());
    this.call = this.client.subscribe();
    this.ended = new Promise((resolve) => {
      this.call.on('error', (err: ServiceError) => resolve({ code: err.code, details: err.details }));
      this.call.on('end', () => resolve({ code: 0, details: 'ended' }));
    });
    this.call.on('data', (m: StatestoreMessage) => {
      this.received.push(m);
      if (opts.answerHeartbeats && m.kind?.$case === 'heartbeat') {
        this.send({ kind: { $case: 'heartbeat', value: { seq: m.kind.value.seq, statestoreConnState: 0, highestEpochSeen: 0 } } });
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static registration(subscriberId: string, topics: TopicRegistration[], over: Partial<RegisterRequest> = {}): SubscriberMessage {
    return {
      kind: {
        $case: 'register',
        value: {
          protocolVersion: CURRENT_PROTOCOL_VERSION,
          subscriberId,
          subscriberLocation: { hostname: '127.0.0.1', port: 23000 },
          topicRegistrations: topics,
          subscriberType: SubscriberType.SUBSCRIBER_TYPE_EXECUTOR,
          subscribeCatalogdChange: false,
          highestEpochSeen: 0,
          ...over,
        },
      },
    };
  }

  send(msg: SubscriberMessage): void {
    this.call.write(msg);
  }

  /** The first received message (from `from` on) that `pick` maps to a value. */
  async next<T>(pick: (m: StatestoreMessage) => T | undefined, timeoutMs = 5000, from = 0): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const m of this.received.slice(from)) {
        const v = pick(m);
        if (v !== undefined) return v;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message in ${timeoutMs} ms; got ${this.received.map((m) => m.kind?.$case).join(',')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}
