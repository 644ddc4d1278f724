import { connect } from 'node:net';
import { Client, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { DaemonProcess, freePorts } from '@statestore-ha/cluster';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawSubscriber } from './raw-subscriber';
import { DIST, FAST_STATESTORED, eventually } from './test-cluster';

const MEMBERSHIP = { topicName: 'impala-membership', isTransient: true, populateMinSubscriberTopicVersion: false };
const put = (key: string, value: string | Buffer) => ({ key, value: Buffer.isBuffer(value) ? value : Buffer.from(value), deleted: false });

describe('bad input never crashes statestored nor loses other subscribers\' entries', () => {
  let ss: DaemonProcess;
  let address: string;
  let good: RawSubscriber;
  const opened: RawSubscriber[] = [];
  const raw = (o?: { answerHeartbeats?: boolean }): RawSubscriber => {
    const r = new RawSubscriber(address, o);
    opened.push(r);
    return r;
  };
  const membershipEntries = async () =>
    (await ss.getJson<{ topics: Array<{ topic_id: string; num_live_entries: number }> }>('/topics')).topics.find((t) => t.topic_id === 'impala-membership')?.num_live_entries;

  beforeAll(async () => {
    const [grpcPort, webPort] = (await freePorts(2)) as [number, number];
    address = `127.0.0.1:${grpcPort}`;
    ss = new DaemonProcess(
      {
        name: 'statestored-bad-input',
        app: 'statestored',
        webPort,
        flags: { ...FAST_STATESTORED, state_store_port: grpcPort, webserver_port: webPort, statestore_max_topic_value_bytes: 1024, statestore_max_subscribers: 4 },
      },
      { distDir: DIST, logDir: mkdtempSync(join(tmpdir(), 'ss-bad-')) },
    );
    ss.start();
    await ss.waitHealthy();
    good = raw({ answerHeartbeats: true });
    good.send(RawSubscriber.registration('good-subscriber', [MEMBERSHIP]));
    await good.next((m) => (m.kind?.$case === 'register' ? true : undefined));
    good.send({ kind: { $case: 'publish', value: { seq: 1, topicUpdates: [{ topicName: 'impala-membership', topicEntries: [put('good-subscriber', 'alive')], isDelta: true }] } } });
    await good.next((m) => (m.kind?.$case === 'publishResult' && m.kind.value.accepted ? true : undefined));
    await eventually('the good entry', async () => ((await membershipEntries()) === 1 ? true : undefined));
  });

  afterAll(async () => {
    for (const r of opened) r.close();
    await ss?.close();
  });

  afterEach(async () => {
    // After every case: still serving, and the good subscriber's entry is still there.
    const res = await fetch(`${ss.webUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await membershipEntries()).toBe(1);
    expect(ss.running).toBe(true);
  });

  it('an empty subscriber id gets INVALID_ARGUMENT', async () => {
    const r = raw();
    r.send(RawSubscriber.registration('', [MEMBERSHIP]));
    const end = await r.ended;
    expect(end.code).toBe(status.INVALID_ARGUMENT);
    expect(end.details).toContain('subscriber_id must not be empty');
  });

  it('an old protocol version gets FAILED_PRECONDITION', async () => {
    const r = raw();
    r.send(RawSubscriber.registration('old-client', [MEMBERSHIP], { protocolVersion: 0 }));
    const end = await r.ended;
    expect(end.code).toBe(status.FAILED_PRECONDITION);
    expect(end.details).toContain('protocol version');
  });

  it('a message before registering gets FAILED_PRECONDITION', async () => {
    const r = raw();
    r.send({ kind: { $case: 'heartbeat', value: { seq: 1, statestoreConnState: 0, highestEpochSeen: 0 } } });
    const end = await r.ended;
    expect(end.code).toBe(status.FAILED_PRECONDITION);
    expect(end.details).toContain('first message of a Subscribe stream must be register');
  });

  it('a publish to an unknown topic is rejected as a whole, and the link stays up', async () => {
    const r = raw({ answerHeartbeats: true });
    r.send(RawSubscriber.registration('writer-1', [MEMBERSHIP]));
    await r.next((m) => (m.kind?.$case === 'register' ? true : undefined));
    r.send({
      kind: {
        $case: 'publish',
        value: {
          seq: 7,
          topicUpdates: [
            { topicName: 'impala-membership', topicEntries: [put('writer-1', 'x')], isDelta: true },
            { topicName: 'no-such-topic', topicEntries: [put('k', 'v')], isDelta: true },
          ],
        },
      },
    });
    const result = await r.next((m) => (m.kind?.$case === 'publishResult' ? m.kind.value : undefined));
    expect(result).toMatchObject({ seq: 7, accepted: false, code: status.INVALID_ARGUMENT });
    expect(result.message).toContain('no-such-topic');
    // Nothing of the batch was applied: the valid half did not land either.
    expect(await membershipEntries()).toBe(1);
    const before = r.received.length;
    await r.next((m) => (m.kind?.$case === 'heartbeat' ? true : undefined), 3000, before);
    r.send({ kind: { $case: 'unregister', value: {} } });
    await r.ended;
  });

  it('a value over --statestore_max_topic_value_bytes is rejected with the limit in the message', async () => {
    const r = raw({ answerHeartbeats: true });
    r.send(RawSubscriber.registration('writer-2', [MEMBERSHIP]));
    await r.next((m) => (m.kind?.$case === 'register' ? true : undefined));
    r.send({ kind: { $case: 'publish', value: { seq: 1, topicUpdates: [{ topicName: 'impala-membership', topicEntries: [put('big', Buffer.alloc(4096))], isDelta: true }] } } });
    const result = await r.next((m) => (m.kind?.$case === 'publishResult' ? m.kind.value : undefined));
    expect(result.accepted).toBe(false);
    expect(result.code).toBe(status.INVALID_ARGUMENT);
    expect(result.message).toMatch(/4096.*1024|1024.*4096/);
    r.send({ kind: { $case: 'unregister', value: {} } });
    await r.ended;
  });

  it('a malformed protobuf message ends only that stream', async () => {
    const client = new Client(address, credentials.createInsecure());
    const call = client.makeBidiStreamRequest<Buffer, Buffer>('/statestore.v1.StatestoreService/Subscribe', (b) => b, (b) => b);
    const ended = new Promise<ServiceError>((resolve) => call.on('error', resolve));
    call.on('data', () => undefined);
    call.write(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    const err = await ended;
    expect(err.code).not.toBe(status.OK);
    client.close();
  });

  it('a second registration with the same id supersedes the first with ABORTED', async () => {
    const first = raw({ answerHeartbeats: true });
    first.send(RawSubscriber.registration('twin', [MEMBERSHIP]));
    await first.next((m) => (m.kind?.$case === 'register' ? true : undefined));
    const second = raw({ answerHeartbeats: true });
    second.send(RawSubscriber.registration('twin', [MEMBERSHIP]));
    await second.next((m) => (m.kind?.$case === 'register' ? true : undefined));
    const end = await first.ended;
    expect(end.code).toBe(status.ABORTED);
    expect(end.details).toContain('superseded');
    const subs = await ss.getJson<{ subscribers: Array<{ id: string }> }>('/subscribers');
    expect(subs.subscribers.filter((s) => s.id === 'twin')).toHaveLength(1);
    second.send({ kind: { $case: 'unregister', value: {} } });
    await second.ended;
  });

  it('more than --statestore_max_subscribers gets RESOURCE_EXHAUSTED', async () => {
    const extra: RawSubscriber[] = [];
    for (let i = 0; i < 3; i++) {
      const r = raw({ answerHeartbeats: true });
      r.send(RawSubscriber.registration(`filler-${i}`, [MEMBERSHIP]));
      await r.next((m) => (m.kind?.$case === 'register' ? true : undefined));
      extra.push(r);
    }
    const over = raw();
    over.send(RawSubscriber.registration('one-too-many', [MEMBERSHIP]));
    const end = await over.ended;
    expect(end.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(end.details).toBe('Maximum subscriber limit reached: 4');
    for (const r of extra) {
      r.send({ kind: { $case: 'unregister', value: {} } });
      await r.ended;
    }
  });

  it('garbage bytes on the gRPC port are dropped by the HTTP/2 layer', async () => {
    await new Promise<void>((resolve) => {
      const sock = connect(Number(address.split(':')[1]), '127.0.0.1', () => sock.write(Buffer.from('GET / HTTP/1.1\r\n\r\n\x00\x01\x02garbage'.repeat(50))));
      sock.on('data', () => undefined);
      sock.on('error', () => resolve());
      sock.on('close', () => resolve());
      setTimeout(() => {
        sock.destroy();
        resolve();
      }, 2000);
    });
    const before = good.received.length;
    await good.next((m) => (m.kind?.$case === 'heartbeat' ? true : undefined), 3000, before);
  });
});
