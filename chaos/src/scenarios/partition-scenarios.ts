/**
 * The `partition` suite: link faults only, each one function with its expected outcome.
 * The takeover rule under test (statestore.cc, IMPALA-12156): the standby promotes itself only
 * when it lost the active's HA heartbeats AND more than half of all subscribers registered
 * with it report their link to the active FAILED.
 */
import type { Scenario, ScenarioContext } from './scenario';

/** Holds a no-takeover fault long enough for a wrong takeover to show: 3 x the longest timeout. */
function noTakeoverHoldMs(ctx: ScenarioContext): number {
  return 3 * Math.max(ctx.timing.peerTimeoutS, ctx.timing.subscriberTimeoutS) * 1000;
}

/** Holds a takeover fault until every subscriber follows the standby (or the failover bound). */
async function holdUntilFollowed(ctx: ScenarioContext): Promise<void> {
  const index = ctx.standby === 'statestored-1' ? 1 : 2;
  await ctx.waitUntil((v) => ctx.subscribers.every((s) => v.follows(s) === index), ctx.bounds.failoverMs);
  // Keep the fault a little longer: the old active must also notice it is alone.
  await ctx.sleep(1000);
}

/** The largest number of subscribers that is not a majority (half of 4 is 2: no takeover). */
const nonMajority = (ctx: ScenarioContext): number => Math.floor(ctx.subscribers.length / 2);
const majority = (ctx: ScenarioContext): number => Math.floor(ctx.subscribers.length / 2) + 1;

export const PARTITION_SCENARIOS: readonly Scenario[] = [
  {
    id: 'isolate-active',
    suite: 'partition',
    title: 'active cut from the standby and every subscriber, then healed: takeover; the old active stays standby, no flip-flop',
    fault: 'cut active <-> all',
    expect: () => ({ takeover: 'takeover', finalActive: 'old-standby', maxPromotions: 1 }),
    async run(ctx) {
      await ctx.cut(ctx.active, ctx.standby);
      for (const s of ctx.subscribers) await ctx.cut(ctx.active, s);
      await holdUntilFollowed(ctx);
      await ctx.healAll();
    },
  },
  {
    id: 'peer-link-only',
    suite: 'partition',
    title: 'only the statestored <-> statestored link cut: no takeover (subscribers still see the active)',
    fault: 'cut active <-> standby',
    expect: () => ({ takeover: 'no-takeover', finalActive: 'old-active', maxPromotions: 0 }),
    async run(ctx) {
      await ctx.cut(ctx.active, ctx.standby);
      await ctx.sleep(noTakeoverHoldMs(ctx));
      await ctx.healAll();
    },
  },
  {
    id: 'active-cut-from-half',
    suite: 'partition',
    title: 'active cut from the standby and half of the subscribers (not a majority): no takeover',
    fault: 'cut active <-> standby + n/2 subs',
    expect: () => ({ takeover: 'no-takeover', finalActive: 'old-active', maxPromotions: 0 }),
    async run(ctx) {
      await ctx.cut(ctx.active, ctx.standby);
      for (const s of ctx.subscribers.slice(0, nonMajority(ctx))) await ctx.cut(ctx.active, s);
      await ctx.sleep(noTakeoverHoldMs(ctx));
      await ctx.healAll();
    },
  },
  {
    id: 'active-cut-from-majority',
    suite: 'partition',
    title: 'active cut from the standby and a majority of the subscribers: takeover',
    fault: 'cut active <-> standby + n/2+1 subs',
    expect: () => ({ takeover: 'takeover', finalActive: 'old-standby', maxPromotions: 1 }),
    async run(ctx) {
      await ctx.cut(ctx.active, ctx.standby);
      for (const s of ctx.subscribers.slice(0, majority(ctx))) await ctx.cut(ctx.active, s);
      const index = ctx.standby === 'statestored-1' ? 1 : 2;
      await ctx.waitUntil((v) => ctx.subscribers.slice(0, majority(ctx)).every((s) => v.follows(s) === index), ctx.bounds.failoverMs);
      await ctx.sleep(1000);
      await ctx.healAll();
    },
  },
  {
    id: 'latency-jitter',
    suite: 'partition',
    title: 'latency 150 ms +- 100 ms on every link, far under the 2 s timeouts: zero role changes',
    fault: 'latency 150+-100 ms all links',
    needsLatency: true,
    expect: () => ({ takeover: 'no-takeover', finalActive: 'old-active', zeroRoleChanges: true, maxPromotions: 0 }),
    async run(ctx) {
      const spec = { latencyMs: 150, jitterMs: 100 };
      await ctx.latency(ctx.active, ctx.standby, spec);
      for (const s of ctx.subscribers) {
        await ctx.latency(ctx.active, s, spec);
        await ctx.latency(ctx.standby, s, spec);
      }
      await ctx.sleep(noTakeoverHoldMs(ctx));
      await ctx.healAll();
    },
  },
  {
    id: 'reset-active-links',
    suite: 'partition',
    title: 'every connection to the active reset (RST) on its first data, new ones too: takeover, detected no later than a silent cut',
    fault: 'reset_peer active <-> all',
    needsReset: true,
    // An RST fails the subscribers' links at once, but the standby still waits for its peer
    // detector (peer_timeout): the takeover rule needs both, so detection stays ~peer_timeout.
    expect: () => ({ takeover: 'takeover', finalActive: 'old-standby', maxPromotions: 1 }),
    async run(ctx) {
      await ctx.resetPeer(ctx.active, ctx.standby);
      for (const s of ctx.subscribers) await ctx.resetPeer(ctx.active, s);
      await holdUntilFollowed(ctx);
      await ctx.healAll();
    },
  },
  {
    id: 'delayed-peer-link',
    suite: 'partition',
    title: 'active cut from every subscriber while the peer link delays 4 s (slow, not dead): takeover; late HA messages must not flip the role back',
    fault: 'cut active <-> subs, peer link +4 s',
    needsLatency: true,
    // Delayed, not dropped: whatever the pair sent during the fault arrives after the standby
    // took over (a kernel DROP does the same through TCP retransmission; toxiproxy's timeout
    // toxic discards the bytes instead). The old active must stay standby anyway.
    expect: () => ({ takeover: 'takeover', finalActive: 'old-standby', maxPromotions: 1 }),
    async run(ctx) {
      await ctx.latency(ctx.active, ctx.standby, { latencyMs: 4000, jitterMs: 0 });
      for (const s of ctx.subscribers) await ctx.cut(ctx.active, s);
      await holdUntilFollowed(ctx);
      // Long enough for everything sent before the takeover to come out of the delay.
      await ctx.sleep(4000);
      await ctx.healAll();
    },
  },
  {
    id: 'one-way-from-active',
    suite: 'partition',
    title: 'one-way: everything the active sends is dropped (it still hears everyone): takeover',
    fault: 'drop active -> all',
    expect: () => ({ takeover: 'takeover', finalActive: 'old-standby', maxPromotions: 1 }),
    async run(ctx) {
      await ctx.cutOneWay(ctx.active, ctx.standby);
      for (const s of ctx.subscribers) await ctx.cutOneWay(ctx.active, s);
      await holdUntilFollowed(ctx);
      await ctx.healAll();
    },
  },
  {
    id: 'one-way-to-active',
    suite: 'partition',
    title: 'one-way: everything sent to the active is dropped (its heartbeats still go out)',
    fault: 'drop all -> active',
    // Through toxiproxy each hop is its own TCP connection, so the active's heartbeats keep
    // flowing and the standby still hears it: no takeover. A kernel DROP also loses the TCP
    // acks, so the active's sends stall on retransmission backoff (netns-lab.ts: RTO 1.6 s
    // after three backoffs) and a takeover may follow. Safety must hold either way.
    expect: (kind) => (kind === 'toxiproxy' ? { takeover: 'no-takeover', finalActive: 'old-active', maxPromotions: 0 } : { takeover: 'either', maxPromotions: 1 }),
    async run(ctx) {
      await ctx.cutOneWay(ctx.standby, ctx.active);
      for (const s of ctx.subscribers) await ctx.cutOneWay(s, ctx.active);
      await ctx.sleep(noTakeoverHoldMs(ctx));
      await ctx.healAll();
    },
  },
];
