import type { TopicDeltaData } from './topic-item';
import { utf8ByteLength } from './utf8-byte-length';

// Impala applies a subscriber's writes as it reads them (Statestore::SendTopicUpdate), so a bad
// item halfway leaves the first half applied. We check a whole batch first and reject it whole:
// the statestored answers with WriteRejected / PublishResult (statestore_service.proto) and
// nothing is half-done. The checks list every problem, not just the first, so one answer tells
// the publisher everything it has to fix.

export interface WriteLimits {
  /** Largest key, in UTF-8 bytes. */
  maxKeyBytes: number;
  /** Largest value, in bytes. */
  maxValueBytes: number;
  /**
   * Whether a tombstone may carry a value. Our proto says it carries none, but Impala's catalogd
   * puts the deleted object in it (CatalogServer::AddPendingTopicItem), so a catalogd that
   * speaks Impala's format needs this set. Default false.
   */
  allowTombstoneValues?: boolean;
}

/** One thing wrong with a batch of writes. `delta`/`entry` are indexes into the batch. */
export type WriteProblem =
  | { kind: 'unknownTopic'; delta: number; topicName: string }
  | { kind: 'emptyTopicName'; delta: number }
  | { kind: 'emptyKey'; delta: number; entry: number; topicName: string }
  | { kind: 'keyTooLarge'; delta: number; entry: number; topicName: string; key: string; bytes: number; limit: number }
  | { kind: 'valueTooLarge'; delta: number; entry: number; topicName: string; key: string; bytes: number; limit: number }
  | { kind: 'tombstoneWithValue'; delta: number; entry: number; topicName: string; key: string; bytes: number }
  | { kind: 'badFromVersion'; delta: number; topicName: string; fromVersion: number }
  | { kind: 'clearWithFromVersion'; delta: number; topicName: string };

/** Where a batch may write: a set of topic names or a predicate. Omitted: any topic. */
export type WritableTopics = ReadonlySet<string> | ((topicName: string) => boolean);

/**
 * Every problem in `deltas`, or [] when the whole batch may be applied. Also checks what Impala
 * only DCHECKs: clear_topic_entries together with from_version (Statestore::SendTopicUpdate
 * DCHECKs they never come together), and from_version being a version at all.
 */
export function validateWrites(
  deltas: ReadonlyArray<TopicDeltaData>,
  limits: WriteLimits,
  writable?: WritableTopics,
): WriteProblem[] {
  const problems: WriteProblem[] = [];
  const canWrite = toPredicate(writable);
  deltas.forEach((d, di) => {
    const topicName = d.topicName;
    if (topicName === '') problems.push({ kind: 'emptyTopicName', delta: di });
    else if (!canWrite(topicName)) problems.push({ kind: 'unknownTopic', delta: di, topicName });
    if (d.fromVersion !== undefined && !(Number.isSafeInteger(d.fromVersion) && d.fromVersion >= 0)) {
      problems.push({ kind: 'badFromVersion', delta: di, topicName, fromVersion: d.fromVersion });
    }
    if (d.clearTopicEntries === true && d.fromVersion !== undefined) {
      problems.push({ kind: 'clearWithFromVersion', delta: di, topicName });
    }
    (d.entries ?? []).forEach((e, ei) => {
      const key = e.key;
      if (key === '') {
        problems.push({ kind: 'emptyKey', delta: di, entry: ei, topicName });
      } else {
        const keyBytes = utf8ByteLength(key);
        if (keyBytes > limits.maxKeyBytes) {
          problems.push({ kind: 'keyTooLarge', delta: di, entry: ei, topicName, key: clip(key), bytes: keyBytes, limit: limits.maxKeyBytes });
        }
      }
      const bytes = e.value?.byteLength ?? 0;
      if (e.deleted && bytes > 0 && limits.allowTombstoneValues !== true) {
        problems.push({ kind: 'tombstoneWithValue', delta: di, entry: ei, topicName, key: clip(key), bytes });
      } else if (bytes > limits.maxValueBytes) {
        problems.push({ kind: 'valueTooLarge', delta: di, entry: ei, topicName, key: clip(key), bytes, limit: limits.maxValueBytes });
      }
    });
  });
  return problems;
}

/** One line per problem, for a status message or a log line. */
export function formatWriteProblem(p: WriteProblem): string {
  switch (p.kind) {
    case 'unknownTopic':
      return `topic '${p.topicName}': not a topic this subscriber registered`;
    case 'emptyTopicName':
      return `update #${p.delta}: empty topic name`;
    case 'emptyKey':
      return `topic '${p.topicName}' entry #${p.entry}: empty key`;
    case 'keyTooLarge':
      return `topic '${p.topicName}' key '${p.key}': key is ${p.bytes} bytes, limit ${p.limit}`;
    case 'valueTooLarge':
      return `topic '${p.topicName}' key '${p.key}': value is ${p.bytes} bytes, limit ${p.limit}`;
    case 'tombstoneWithValue':
      return `topic '${p.topicName}' key '${p.key}': deleted item carries a ${p.bytes}-byte value`;
    case 'badFromVersion':
      return `topic '${p.topicName}': from_version ${p.fromVersion} is not a version`;
    case 'clearWithFromVersion':
      return `topic '${p.topicName}': clear_topic_entries together with from_version`;
    default:
      return assertNever(p);
  }
}

/** Long keys are echoed clipped: a 1 MB key must not become a 1 MB status message. */
const MAX_ECHOED_KEY_CHARS = 80;

function clip(key: string): string {
  return key.length <= MAX_ECHOED_KEY_CHARS ? key : `${key.slice(0, MAX_ECHOED_KEY_CHARS)}...`;
}

function toPredicate(writable: WritableTopics | undefined): (topicName: string) => boolean {
  if (writable === undefined) return () => true;
  if (typeof writable === 'function') return writable;
  return (name) => writable.has(name);
}

function assertNever(x: never): never {
  throw new Error(`unexpected write problem ${JSON.stringify(x)}`);
}
