// Impala's Topic::topic_update_log_ is a std::map<version, key> holding only each key's newest
// version; BuildDelta walks it from upper_bound(last_processed_version). JS has no ordered map,
// but versions are handed out in increasing order, so an append-only array is already sorted:
// binary search finds upper_bound, and a rewritten key leaves a stale record behind that the
// owner's `isCurrent` check skips. Stale records are compacted away once they outnumber the live
// ones, so memory stays within 2x of Impala's map and the cost is amortised O(1) per write.

/** Compaction waits for at least this many stale records, so small topics never pay for it. */
const MIN_STALE_BEFORE_COMPACTION = 64;

/** One write: the key, its version, and the owner's entry for the key (saves a map lookup). */
export interface LogRecord<T> {
  readonly version: number;
  readonly key: string;
  readonly entry: T;
}

export class UpdateLog<T> {
  private records: Array<LogRecord<T>> = [];
  private stale = 0;

  /** `isCurrent(record)` says whether the record is still its key's newest version. */
  constructor(private readonly isCurrent: (record: LogRecord<T>) => boolean) {}

  /** Number of live records (= keys in the topic, tombstones included). */
  get size(): number {
    return this.records.length - this.stale;
  }

  /** Records in memory, stale ones included: at most about 2x size once compaction kicks in. */
  get heldRecords(): number {
    return this.records.length;
  }

  /** Largest version held, or 0 when empty (BuildDelta's to_version). */
  get newestVersion(): number {
    // Only the newest record of a key is live, and the newest record overall belongs to the
    // most recent write, which nothing has superseded yet: the last record is always live.
    return this.records.length === 0 ? 0 : (this.records[this.records.length - 1] as LogRecord<T>).version;
  }

  /** Adds the newest version of `key`. `supersedes` is true when the key already had a record. */
  append(version: number, key: string, entry: T, supersedes: boolean): void {
    const last = this.records[this.records.length - 1];
    if (last !== undefined && version <= last.version) {
      throw new Error(`update log: version ${version} appended after ${last.version}`);
    }
    this.records.push({ version, key, entry });
    if (supersedes) this.stale++;
    if (this.stale >= MIN_STALE_BEFORE_COMPACTION && this.stale * 2 > this.records.length) this.compact();
  }

  /** Live records with version > `after`, oldest first (Impala's upper_bound walk). */
  *since(after: number): IterableIterator<LogRecord<T>> {
    for (let i = this.upperBound(after); i < this.records.length; i++) {
      const r = this.records[i] as LogRecord<T>;
      if (this.isCurrent(r)) yield r;
    }
  }

  clear(): void {
    this.records = [];
    this.stale = 0;
  }

  private compact(): void {
    this.records = this.records.filter((r) => this.isCurrent(r));
    this.stale = 0;
  }

  /** Index of the first record with version > `after`. */
  private upperBound(after: number): number {
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.records[mid] as LogRecord<T>).version <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
