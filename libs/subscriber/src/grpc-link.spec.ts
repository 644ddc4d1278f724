import { Server, ServerCredentials, status, type ServerDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { StatestoreServiceService, type StatestoreMessage, type StatestoreServiceServer, type SubscriberMessage } from '@statestore-ha/proto';
import { GrpcStatestoreLink, grpcChannel } from './grpc-link';
import type { LinkClosed } from './link';

// GrpcStatestoreLink against a real grpc-js server on loopback whose Subscribe handler the spec
// drives: what each way of ending a stream looks like to the subscriber.

jest.setTimeout(10_000);

type Call = ServerDuplexStream<SubscriberMessage, StatestoreMessage>;

let server: Server;
let port: number;
let onCall: (call: Call) => void = () => undefined;

beforeAll(async () => {
  server = new Server();
  const impl: StatestoreServiceServer = {
    subscribe: (call) => onCall(call),
    getProtocolVersion: (_call, cb) => cb(null, { protocolVersion: 1, statestoreId: 'x' }),
    setStatestoreDebugAction: (_call, cb) => cb(null, {}),
  };
  server.addService(StatestoreServiceService, impl);
  port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
});
const channels: Array<ReturnType<typeof grpcChannel>> = [];
function channel(p: number): ReturnType<typeof grpcChannel> {
  const c = grpcChannel('127.0.0.1', p);
  channels.push(c);
  return c;
}
afterAll(() => {
  for (const c of channels) c.close();
  server.forceShutdown();
});

const REGISTER: SubscriberMessage = {
  kind: { $case: 'register', value: { protocolVersion: 1, subscriberId: 's', topicRegistrations: [], subscriberType: 0, subscribeCatalogdChange: false, highestEpochSeen: 0 } },
};

/** A link on a fresh channel, its messages and close reasons recorded, and the server side of its stream. */
async function open(): Promise<{ link: GrpcStatestoreLink; call: Call; got: StatestoreMessage[]; closed: LinkClosed[] }> {
  const callP = new Promise<Call>((resolve) => {
    onCall = resolve;
  });
  const link = new GrpcStatestoreLink(channel(port));
  const got: StatestoreMessage[] = [];
  const closed: LinkClosed[] = [];
  link.onMessage((m) => got.push(m));
  link.onClosed((w) => closed.push(w));
  // grpc-js starts the call on the server once the client sends something.
  link.send(REGISTER);
  return { link, call: await callP, got, closed };
}

async function until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('GrpcStatestoreLink', () => {
  it('carries messages both ways', async () => {
    const { link, call, got } = await open();
    const received: SubscriberMessage[] = [];
    call.on('data', (m: SubscriberMessage) => received.push(m));
    await until(() => received.length === 1, 'the register message');
    expect(received[0]).toEqual(REGISTER);
    call.write({ kind: { $case: 'heartbeat', value: { seq: 5, requestStatestoreConnState: true } } });
    await until(() => got.length === 1, 'the heartbeat');
    expect(got[0]).toEqual({ kind: { $case: 'heartbeat', value: { seq: 5, requestStatestoreConnState: true } } });
    call.end();
    await link.close();
  });

  it('reports a stream the statestored ended cleanly as "ended", retryable', async () => {
    const { call, closed } = await open();
    call.end();
    await until(() => closed.length > 0, 'the close');
    expect(closed).toEqual([{ kind: 'ended', code: status.OK, message: 'statestore ended the stream', retryable: true }]);
  });

  it('reports a status the statestored ended the stream with, mapped to a LinkClosed', async () => {
    const { call, closed } = await open();
    call.emit('error', { code: status.FAILED_PRECONDITION, details: 'protocol too old' } as Partial<ServiceError>);
    await until(() => closed.length > 0, 'the close');
    expect(closed).toEqual([{ kind: 'rejected', code: status.FAILED_PRECONDITION, message: 'protocol too old', retryable: false }]);
  });

  it('reports no statestored at the address as refused (the crash evidence a subscriber reports), retryable', async () => {
    const link = new GrpcStatestoreLink(channel(1));
    const closed: LinkClosed[] = [];
    link.onClosed((w) => closed.push(w));
    link.send(REGISTER);
    await until(() => closed.length > 0, 'the close');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ kind: 'refused', code: status.UNAVAILABLE, retryable: true });
  });

  it('close() half-closes: what was sent before (an Unregister) reaches the statestored, which then ends the stream', async () => {
    const { link, call, closed } = await open();
    const received: SubscriberMessage[] = [];
    call.on('data', (m: SubscriberMessage) => received.push(m));
    call.on('end', () => call.end());
    link.send({ kind: { $case: 'unregister', value: {} } });
    const started = Date.now();
    await link.close();
    expect(Date.now() - started).toBeLessThan(900);
    expect(received.map((m) => m.kind?.$case)).toEqual(['register', 'unregister']);
    expect(closed).toHaveLength(1);
  });

  it('close() cancels after a grace period when the statestored does not end its side', async () => {
    const { link, closed } = await open();
    const started = Date.now();
    await link.close();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(3000);
    await until(() => closed.length > 0, 'the cancellation');
    expect(closed[0]).toMatchObject({ kind: 'cancelled', code: status.CANCELLED });
  });

  it('tells its listeners once, and drops sends after the end', async () => {
    const { link, call, closed } = await open();
    call.end();
    await until(() => closed.length > 0, 'the close');
    expect(() => link.send(REGISTER)).not.toThrow();
    await link.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toHaveLength(1);
  });
});
