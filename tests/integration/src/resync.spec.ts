import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonProcess, freePorts } from '@statestore-ha/cluster';
import type { TopicDelta } from '@statestore-ha/proto';
import { RawSubscriber } from './raw-subscriber';
import { DIST, FAST_STATESTORED } from './test-cluster';

const CATALOG = { topicName: 'catalog-update', isTransient: false, populateMinSubscriberTopicVersion: false };

describe('a subscriber that falls behind gets a resend from its from_version', () => {
  let ss: DaemonProcess;
  const subs: RawSubscriber[] = [];
  afterAll(async () => {
    for (const s of subs) s.close();
    await ss?.close();
  });

  it('answers a version gap with from_version and receives the entries from there', async () => {
    const [grpcPort, webPort] = (await freePorts(2)) as [number, number];
    ss = new DaemonProcess(
      { name: 'statestored-resync', app: 'statestored', webPort, flags: { ...FAST_STATESTORED, state_store_port: grpcPort, webserver_port: webPort } },
      { distDir: DIST, logDir: mkdtempSync(join(tmpdir(), 'ss-resync-')) },
    );
    ss.start();
    await ss.waitHealthy();
    const address = `127.0.0.1:${grpcPort}`;
    const writer = new RawSubscriber(address, { answerHeartbeats: true });
    const reader = new RawSubscriber(address, { answerHeartbeats: true });
    subs.push(writer, reader);
    writer.send(RawSubscriber.registration('writer', [CATALOG]));
    await writer.next((m) => (m.kind?.$case === 'register' ? true : undefined));

    const publish = async (seq: number, key: string): Promise<void> => {
      writer.send({ kind: { $case: 'publish', value: { seq, topicUpdates: [{ topicName: 'catalog-update', topicEntries: [{ key, value: Buffer.from(key), deleted: false }], isDelta: true }] } } });
      await writer.next((m) => (m.kind?.$case === 'publishResult' && m.kind.value.seq === seq ? true : undefined));
    };
    const ack = (seq: number, topicUpdates: TopicDelta[] = []): void =>
      reader.send({ kind: { $case: 'updateState', value: { seq, topicUpdates, skipped: false, staleEpoch: false, highestEpochSeen: 0 } } });
    // The next update (from message index `from` on) whose catalog delta satisfies `pred`; any
    // other update is acknowledged as applied, as a subscriber would, so the next one can come.
    const acked = new Set<number>();
    const update = async (from: number, pred: (d: TopicDelta) => boolean) =>
      reader.next((m) => {
        if (m.kind?.$case !== 'updateState') return undefined;
        const seq = m.kind.value.seq;
        const d = m.kind.value.topicDeltas.find((x) => x.topicName === 'catalog-update');
        if (d && pred(d)) return { seq, delta: d };
        if (!acked.has(seq)) {
          acked.add(seq);
          ack(seq);
        }
        return undefined;
      }, 5000, from);

    await publish(1, 'a'); // version 1
    await publish(2, 'b'); // version 2
    // The reader registers only now, so its first catalog update is the full topic at version 2
    // (registered earlier, it could get version 1 in full and then a delta to 2).
    reader.send(RawSubscriber.registration('reader', [CATALOG]));
    await reader.next((m) => (m.kind?.$case === 'register' ? true : undefined));
    const first = await update(0, (d) => (d.toVersion ?? 0) >= 2);
    expect(first.delta.isDelta).toBe(false);
    expect(first.delta.topicEntries.map((e) => e.key).sort()).toEqual(['a', 'b']);
    ack(first.seq);

    await publish(3, 'c'); // version 3
    const mark = reader.received.length;
    const delta = await update(mark - 1, (d) => d.isDelta && (d.toVersion ?? 0) >= 3);
    expect(delta.delta.fromVersion).toBe(2);
    // Pretend our view only reached version 1 (e.g. an update was lost): Impala's reply is a
    // TTopicDelta with only from_version set to the version we hold.
    const resyncAt = reader.received.length;
    ack(delta.seq, [{ topicName: 'catalog-update', topicEntries: [], isDelta: false, fromVersion: 1 }]);
    const resend = await update(resyncAt, () => true);
    expect(resend.delta.isDelta).toBe(true);
    expect(resend.delta.fromVersion).toBe(1);
    expect(resend.delta.topicEntries.map((e) => e.key).sort()).toEqual(['b', 'c']);
    ack(resend.seq);
  });
});
