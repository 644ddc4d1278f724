import type { TopicDeltaData } from './topic-item';
import { TopicStore } from './topic-store';
import type { TopicSubscription } from './subscriber-record';
import { TopicView, resyncRequest } from './topic-view';

// Property: a subscriber that applies what buildUpdate sends, answers resyncs, and acknowledges
// what it applied ends with exactly the topic's live entries (those matching its prefix),
// whatever writes, lost updates, lost acknowledgements and re-registrations came before.
// Random schedules come from a seed, so a failure names the seed that replays it.
// clear_topic_entries is left out on purpose: Impala sends no tombstones for a clear, so a
// subscriber that was past version 0 keeps the cleared keys (see topic.spec.ts, "as Impala").

/** mulberry32: a tiny seeded PRNG, so every schedule replays from its seed. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n;
  };
}

const MEMBERSHIP = 'impala-membership';
const CATALOG = 'catalog-update';
const enc = new TextEncoder();
const dec = new TextDecoder();

interface Node {
  id: string;
  subs: TopicSubscription[];
  view: TopicView;
  /** Per schedule (priority, normal): still owes the "send everything" first update. */
  fresh: { priority: boolean; normal: boolean };
}

function makeNodes(): Node[] {
  const node = (id: string, subs: TopicSubscription[]): Node => ({ id, subs, view: new TopicView(), fresh: { priority: true, normal: true } });
  return [
    node('catalogd', [{ topicName: CATALOG, isTransient: false, populateMinSubscriberTopicVersion: false }]),
    ...['c1', 'c2', 'c3'].map((id, i) =>
      node(id, [
        { topicName: MEMBERSHIP, isTransient: true, populateMinSubscriberTopicVersion: false },
        {
          topicName: CATALOG,
          isTransient: true,
          populateMinSubscriberTopicVersion: true,
          ...(i === 0 ? {} : { filterPrefix: `${i}:` }), // c1 sees everything, c2 '1:', c3 '2:'
        },
      ]),
    ),
  ];
}

/**
 * What goes wrong in a round: the update is lost before the subscriber sees it ('update'); the
 * subscriber applies it but its reply is lost ('reply': the statestored resends an overlapping
 * range); or the statestored counts it delivered while the subscriber never applied it
 * ('unapplied': a gap, the case the resync rule exists for). 'unapplied' spares topics the view
 * has never seen: Impala accepts any delta at version -1, so a lost first update is beyond repair.
 */
type Loss = 'none' | 'update' | 'reply' | 'unapplied';

/** One UpdateState round for `node` on one schedule. */
function round(store: TopicStore, node: Node, priority: boolean, loss: Loss, includeUnchanged = false): void {
  const cls = priority ? 'priority' : 'normal';
  const update = store.buildUpdate(node.id, priority, includeUnchanged || node.fresh[cls]);
  if (loss === 'update') return;
  const replies: TopicDeltaData[] = [];
  const acked: Array<{ topicName: string; toVersion: number }> = [];
  for (const d of update) {
    if (loss === 'unapplied' && node.view.currentVersion(d.topicName) !== -1) {
      acked.push({ topicName: d.topicName, toVersion: d.toVersion ?? 0 });
      continue;
    }
    const out = node.view.apply(d);
    if (out.kind === 'resync') replies.push(resyncRequest(out.topicName, out.fromVersion));
    acked.push({ topicName: d.topicName, toVersion: d.toVersion ?? 0 });
  }
  if (loss === 'reply') return;
  // Impala acknowledges every topic of the update, resynced ones included, then applies the
  // replies: the from_version of a resync overrides the acknowledged version.
  store.acknowledge(node.id, acked);
  store.applySubscriberWrites(node.id, replies);
  node.fresh[cls] = false;
}

function expectedEntries(store: TopicStore, topicName: string, prefix: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of store.topic(topicName)?.liveEntries() ?? []) if (prefix === undefined || k.startsWith(prefix)) out[k] = dec.decode(v);
  return out;
}

function viewEntries(view: TopicView, topicName: string): Record<string, string> {
  return Object.fromEntries([...view.entries(topicName)].map(([k, v]) => [k, dec.decode(v)]));
}

function runSchedule(seed: number, steps: number): void {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand(xs.length))] as T;
  const store = new TopicStore();
  const nodes = makeNodes();
  for (const n of nodes) store.addSubscriber(n.id, n.subs);
  const impalads = nodes.filter((n) => n.id !== 'catalogd');
  const catalogd = nodes[0] as Node;

  for (let step = 0; step < steps; step++) {
    const r = rand(100);
    if (r < 30) {
      // A coordinator publishes or withdraws membership keys (its own and shared ones).
      const n = pick(impalads);
      const key = pick([n.id, `${n.id}-exec`, 'shared']);
      const deleted = rand(4) < 1;
      store.applySubscriberWrites(n.id, [{ topicName: MEMBERSHIP, isDelta: true, entries: [{ key, value: enc.encode(deleted ? '' : `${n.id}@${step}`), deleted }] }]);
    } else if (r < 50) {
      // The catalogd publishes a batch of catalog objects, some deletions.
      const entries = Array.from({ length: 1 + Math.floor(rand(4)) }, () => {
        const deleted = rand(5) < 1;
        return { key: `${pick(['1', '2', '3'])}:t${Math.floor(rand(8))}`, value: enc.encode(deleted ? '' : `v${step}`), deleted };
      });
      store.applySubscriberWrites(catalogd.id, [{ topicName: CATALOG, isDelta: true, entries }]);
    } else if (r < 95) {
      const loss = rand(10) < 3 ? pick(['update', 'reply', 'unapplied'] as const) : 'none';
      round(store, pick(nodes), rand(2) < 1, loss);
    } else {
      // A coordinator restarts: its transient entries go, it registers afresh.
      const n = pick(impalads);
      store.removeSubscriber(n.id);
      store.addSubscriber(n.id, n.subs);
      n.view.reset();
      n.fresh = { priority: true, normal: true };
    }
  }

  // Heal: deliver without losses until nobody has anything pending. The first pass sends
  // unchanged topics too: a gap on a topic nobody writes any more shows only in an update of that
  // topic, which skipping unchanged topics would never send (see TopicStore.buildUpdate).
  for (let pass = 0; pass < 10; pass++) {
    for (const n of nodes) {
      round(store, n, true, 'none', pass === 0);
      round(store, n, false, 'none', pass === 0);
    }
  }
  for (const n of nodes) {
    expect([store.hasPendingChanges(n.id, true), store.hasPendingChanges(n.id, false)]).toEqual([false, false]);
    for (const s of n.subs) {
      expect({ seed, node: n.id, topic: s.topicName, entries: viewEntries(n.view, s.topicName) }).toEqual({
        seed,
        node: n.id,
        topic: s.topicName,
        entries: expectedEntries(store, s.topicName, s.filterPrefix),
      });
    }
  }
}

describe('TopicStore + TopicView convergence', () => {
  const seeds = Array.from({ length: 300 }, (_, i) => i + 1);
  it.each(seeds)('seed %i: every subscriber ends with the topic', (seed) => {
    runSchedule(seed, 400);
  });

  it('the PRNG is deterministic per seed and spreads over [0, n)', () => {
    const a = prng(7);
    const b = prng(7);
    const xs = Array.from({ length: 1000 }, () => a(10));
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b(10)));
    expect(new Set(xs.map(Math.floor)).size).toBe(10);
  });
});
