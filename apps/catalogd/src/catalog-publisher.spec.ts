import type { PublishOutcome } from '@statestore-ha/subscriber';
import type { TopicDeltaData } from '@statestore-ha/topics';
import { Catalog } from './catalog';
import { CatalogPublisher, type CatalogTopicWriter } from './catalog-publisher';

class RecordingWriter implements CatalogTopicWriter {
  readonly calls: Array<{ op: 'own'; keys: string[] } | { op: 'publish'; deltas: readonly TopicDeltaData[] }> = [];
  connected = true;
  changeEntries(_topic: string, puts: ReadonlyArray<{ key: string; value: Uint8Array }>): Promise<PublishOutcome> {
    this.calls.push({ op: 'own', keys: puts.map((p) => p.key) });
    return Promise.resolve(this.connected ? { accepted: true } : { accepted: false, code: 14, message: 'no active statestored yet' });
  }
  publish(deltas: readonly TopicDeltaData[]): Promise<PublishOutcome> {
    this.calls.push({ op: 'publish', deltas });
    return Promise.resolve({ accepted: true });
  }
}

describe('CatalogPublisher', () => {
  it('on activation records the whole catalog as own entries, then sends it with clear_topic_entries', async () => {
    const catalog = new Catalog('svc-1');
    catalog.create('db.a', []);
    catalog.advanceVersionTo(5000);
    const w = new RecordingWriter();
    const published: number[] = [];
    const p = new CatalogPublisher('catalog-update', catalog, w, (v) => published.push(v));
    expect(await p.full()).toEqual({ accepted: true });
    expect(w.calls[0]).toEqual({ op: 'own', keys: ['1:CATALOG', '1:TABLE:db.a'] });
    const second = w.calls[1];
    expect(second?.op).toBe('publish');
    const delta = second?.op === 'publish' ? second.deltas[0] : undefined;
    expect(delta).toMatchObject({ topicName: 'catalog-update', isDelta: true, clearTopicEntries: true });
    expect(delta?.entries.map((e) => e.key)).toEqual(['1:CATALOG', '1:TABLE:db.a']);
    expect(published).toEqual([5000]);
  });

  it('without an active statestored it only records the entries (the next full update republishes them with the clear)', async () => {
    const w = new RecordingWriter();
    w.connected = false;
    const p = new CatalogPublisher('catalog-update', new Catalog('svc-1'), w, () => undefined);
    expect(await p.full()).toEqual({ accepted: false, message: 'no active statestored yet' });
    expect(w.calls.map((c) => c.op)).toEqual(['own']);
  });
});
