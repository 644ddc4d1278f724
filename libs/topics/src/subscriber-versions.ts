// Statestore::GetMinSubscriberTopicVersion walks every subscriber for every delta that asked for
// min_subscriber_topic_version; with 10,000 subscribers polled every 100 ms that walk would be
// 10^9 steps a second. Here each topic keeps a count of its subscribers per last_version, so a
// change is O(1) and the minimum is recomputed only after the subscriber(s) holding it moved,
// over the distinct versions (subscribers cluster on a few recent ones), not over subscribers.

interface Tracked {
  version: number;
  excluded: boolean;
}

export class SubscriberVersions {
  private readonly bySubscriber = new Map<string, Tracked>();
  /** last_version -> number of counted (not excluded) subscribers at it. */
  private readonly counts = new Map<number, number>();
  /** Cached minimum of `counts`' keys; undefined when it must be recomputed or none is counted. */
  private cachedMin: number | undefined = undefined;
  private minDirty = false;

  /** Starts tracking a subscriber (Impala: last_version starts at TOPIC_INITIAL_VERSION = 0). */
  add(subscriberId: string, version: number, excluded: boolean): void {
    this.remove(subscriberId);
    this.bySubscriber.set(subscriberId, { version, excluded });
    if (!excluded) this.count(version, +1);
  }

  remove(subscriberId: string): void {
    const t = this.bySubscriber.get(subscriberId);
    if (t === undefined) return;
    this.bySubscriber.delete(subscriberId);
    if (!t.excluded) this.count(t.version, -1);
  }

  setVersion(subscriberId: string, version: number): void {
    const t = this.bySubscriber.get(subscriberId);
    if (t === undefined || t.version === version) return;
    if (!t.excluded) {
      this.count(t.version, -1);
      this.count(version, +1);
    }
    t.version = version;
  }

  setExcluded(subscriberId: string, excluded: boolean): void {
    const t = this.bySubscriber.get(subscriberId);
    if (t === undefined || t.excluded === excluded) return;
    this.count(t.version, excluded ? -1 : +1);
    t.excluded = excluded;
  }

  /** Smallest last_version of the counted subscribers; undefined when none is counted. */
  min(): number | undefined {
    if (this.minDirty) {
      let m: number | undefined = undefined;
      for (const v of this.counts.keys()) if (m === undefined || v < m) m = v;
      this.cachedMin = m;
      this.minDirty = false;
    }
    return this.cachedMin;
  }

  /**
   * The minimum and the subscriber holding it, for the /topics page's oldest_version and
   * oldest_id. O(subscribers of the topic): for the web page, not the update path. Ties go to
   * the smallest id so the page is stable between refreshes.
   */
  oldest(): { version: number; subscriberId: string } | undefined {
    let best: { version: number; subscriberId: string } | undefined = undefined;
    for (const [id, t] of this.bySubscriber) {
      if (t.excluded) continue;
      if (best === undefined || t.version < best.version || (t.version === best.version && id < best.subscriberId)) {
        best = { version: t.version, subscriberId: id };
      }
    }
    return best;
  }

  private count(version: number, by: 1 | -1): void {
    const n = (this.counts.get(version) ?? 0) + by;
    if (n < 0) throw new Error(`subscriber versions: count of version ${version} went negative`);
    if (n === 0) {
      this.counts.delete(version);
      if (version === this.cachedMin) this.minDirty = true;
    } else {
      this.counts.set(version, n);
      if (by > 0 && !this.minDirty && (this.cachedMin === undefined || version < this.cachedMin)) {
        this.cachedMin = version;
      }
    }
  }
}
