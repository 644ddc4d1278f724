// Cost of the statestored's hot path at the scale the brief names: 10,000 subscribers polled
// every 100 ms. Not a test (timings vary by machine); run it by hand:
//   npx esbuild libs/topics/bench/update-path.bench.ts --bundle --platform=node --outfile=/tmp/topics-bench.js && node /tmp/topics-bench.js
import { performance } from 'node:perf_hooks';
import { TopicStore } from '../src/index';

const SUBSCRIBERS = 10_000;
const MEMBERSHIP = 'impala-membership';
const CATALOG = 'catalog-update';
const CATALOG_OBJECTS = 100_000;

function time(label: string, reps: number, fn: () => void): void {
  fn(); // warm up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  const ms = (performance.now() - t0) / reps;
  console.log(`${label.padEnd(72)} ${ms.toFixed(3)} ms`);
}

const store = new TopicStore();
const ids = Array.from({ length: SUBSCRIBERS }, (_, i) => `impalad@host${i}:27000`);
const value = new Uint8Array(200);
for (const id of ids) {
  store.addSubscriber(id, [
    { topicName: MEMBERSHIP, isTransient: true, populateMinSubscriberTopicVersion: false },
    { topicName: CATALOG, isTransient: true, populateMinSubscriberTopicVersion: true, filterPrefix: '1:' },
  ]);
  store.applySubscriberWrites(id, [{ topicName: MEMBERSHIP, isDelta: true, entries: [{ key: id, value, deleted: false }] }]);
}
store.addSubscriber('catalogd', [{ topicName: CATALOG, isTransient: false, populateMinSubscriberTopicVersion: false }]);
const catalogEntries = Array.from({ length: CATALOG_OBJECTS }, (_, i) => ({ key: `${(i % 2) + 1}:TABLE:db.t${i}`, value, deleted: false }));
store.applySubscriberWrites('catalogd', [{ topicName: CATALOG, isDelta: true, entries: catalogEntries }]);

function deliverAll(priority: boolean): number {
  let entries = 0;
  for (const id of ids) {
    const update = store.buildUpdate(id, priority, false);
    for (const d of update) entries += d.entries.length;
    store.acknowledge(id, update.map((d) => ({ topicName: d.topicName, toVersion: d.toVersion ?? 0 })));
  }
  return entries;
}

// A subscriber's first update is the whole topic: with everyone registering at once that is
// O(subscribers x entries), as in Impala. Measured per subscriber on a sample, then everyone is
// acknowledged to the current versions so the rounds below start from steady state.
function firstUpdates(priority: boolean, sample: string[]): void {
  let entries = 0;
  const t = performance.now();
  for (const id of sample) for (const d of store.buildUpdate(id, priority, true)) entries += d.entries.length;
  const ms = (performance.now() - t) / sample.length;
  console.log(`${`first ${priority ? 'membership' : 'catalog'} update, per subscriber (${entries / sample.length} entries)`.padEnd(72)} ${ms.toFixed(3)} ms`);
}
firstUpdates(true, ids.slice(0, 200));
firstUpdates(false, ids.slice(0, 20));
for (const id of ids) {
  store.acknowledge(id, [MEMBERSHIP, CATALOG].map((topicName) => ({ topicName, toVersion: store.topic(topicName)?.toVersion ?? 0 })));
}

time('quiet round: hasPendingChanges(priority) for 10k subscribers', 50, () => {
  for (const id of ids) store.hasPendingChanges(id, true);
});
time('quiet round: buildUpdate(priority, includeUnchanged=false) for 10k', 50, () => {
  for (const id of ids) store.buildUpdate(id, true, false);
});
let n = 0;
time('busy round: 1 membership write, then buildUpdate+acknowledge for 10k', 20, () => {
  store.applySubscriberWrites(ids[0] as string, [{ topicName: MEMBERSHIP, isDelta: true, entries: [{ key: `extra${n++}`, value, deleted: false }] }]);
  deliverAll(true);
});
time('busy round: 1 catalog write, buildUpdate (with min version)+ack for 10k', 20, () => {
  store.applySubscriberWrites('catalogd', [{ topicName: CATALOG, isDelta: true, entries: [{ key: `1:TABLE:x${n++}`, value, deleted: false }] }]);
  deliverAll(false);
});
time('anti-entropy round: buildUpdate(priority, includeUnchanged=true) for 10k', 20, () => {
  for (const id of ids) store.buildUpdate(id, true, true);
});
time('removeSubscriber + addSubscriber (re-registration, 1 transient entry)', 200, () => {
  const id = ids[1] as string;
  store.removeSubscriber(id);
  store.addSubscriber(id, [{ topicName: MEMBERSHIP, isTransient: true, populateMinSubscriberTopicVersion: false }]);
  store.applySubscriberWrites(id, [{ topicName: MEMBERSHIP, isDelta: true, entries: [{ key: id, value, deleted: false }] }]);
});
const mem = process.memoryUsage();
console.log(`heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB, external+arrayBuffers ${((mem.external + mem.arrayBuffers) / 2 ** 20).toFixed(0)} MiB`);
