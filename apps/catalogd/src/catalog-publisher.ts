import type { PublishOutcome } from '@statestore-ha/subscriber';
import type { TopicDeltaData } from '@statestore-ha/topics';
import type { Catalog, CatalogChange } from './catalog';

/** The subscriber calls the publisher makes (StatestoreSubscriber has them). */
export interface CatalogTopicWriter {
  changeEntries(topicName: string, puts: ReadonlyArray<{ key: string; value: Uint8Array }>, deletes: readonly string[]): Promise<PublishOutcome>;
  publish(deltas: readonly TopicDeltaData[]): Promise<PublishOutcome>;
}

export interface PublishResult {
  accepted: boolean;
  message?: string;
}

/**
 * Puts the catalog into the catalog-update topic: one delta per DDL, and the whole catalog with
 * clear_topic_entries when this catalogd becomes the active one (Impala catalog-server.cc sets
 * last_sent_catalog_version_ = 0, so its next topic update clears the topic and sends everything).
 */
export class CatalogPublisher {
  constructor(
    private readonly topicName: string,
    private readonly catalog: Catalog,
    private readonly writer: CatalogTopicWriter,
    private readonly versionPublished: (catalogVersion: number) => void,
  ) {}

  async change(change: Pick<CatalogChange, 'puts' | 'deletes'>): Promise<PublishResult> {
    this.versionPublished(this.catalog.catalogVersion);
    return outcome(await this.writer.changeEntries(this.topicName, change.puts, change.deletes));
  }

  /**
   * The own entries are recorded first (the subscriber sends them again, with
   * clear_topic_entries, whenever a statestored starts it over), then the clear and the whole
   * catalog go out as one delta, so the topic holds exactly this catalog and nothing of the
   * previous active's.
   */
  async full(): Promise<PublishResult> {
    const entries = this.catalog.entries();
    this.versionPublished(this.catalog.catalogVersion);
    const own = await this.writer.changeEntries(this.topicName, entries, []);
    if (!own.accepted) return outcome(own);
    const items = entries.map((e) => ({ key: e.key, value: e.value, deleted: false }));
    try {
      return outcome(await this.writer.publish([{ topicName: this.topicName, entries: items, isDelta: true, clearTopicEntries: true }]));
    } catch (err) {
      // No active statestored right now: the next full update from one republishes with the clear.
      return { accepted: false, message: err instanceof Error ? err.message : String(err) };
    }
  }
}

function outcome(o: PublishOutcome): PublishResult {
  return o.accepted ? { accepted: true } : { accepted: false, message: o.message };
}
