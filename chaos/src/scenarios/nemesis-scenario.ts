/**
 * The `nemesis` suite: a seeded random schedule of bounded faults (Jepsen's nemesis, as
 * partition-random-node / partition-majorities / kill / pause), one at a time, each healed
 * before the next. Nothing is expected of the roles; the history must stay safe and the
 * cluster must converge within the bound after every heal that is followed by a quiet stretch
 * at least as long as the bound (verdict.ts), and after the last one. Some stretches are made
 * that long on purpose, others not at all (faults back to back). The seed is printed, so a
 * failing schedule replays with --seed.
 */
import { STATESTORED_NAMES } from '../cluster';
import type { Scenario, ScenarioContext } from './scenario';

type Step = (ctx: ScenarioContext, holdMs: number) => Promise<void>;

function subset<T>(ctx: ScenarioContext, xs: readonly T[]): T[] {
  return xs.filter(() => ctx.prng.chance(0.5));
}

const STEPS: readonly { name: string; step: Step }[] = [
  {
    name: 'isolate a statestored',
    step: async (ctx, hold) => {
      const ss = ctx.prng.pick(STATESTORED_NAMES);
      const other = ss === 'statestored-1' ? 'statestored-2' : 'statestored-1';
      await ctx.cut(ss, other);
      for (const s of ctx.subscribers) await ctx.cut(ss, s);
      await ctx.sleep(hold);
      await ctx.healAll();
    },
  },
  {
    name: 'cut the peer link',
    step: async (ctx, hold) => {
      await ctx.cut('statestored-1', 'statestored-2');
      await ctx.sleep(hold);
      await ctx.healAll();
    },
  },
  {
    name: 'cut a statestored from random subscribers',
    step: async (ctx, hold) => {
      const ss = ctx.prng.pick(STATESTORED_NAMES);
      if (ctx.prng.chance(0.5)) await ctx.cut('statestored-1', 'statestored-2');
      for (const s of subset(ctx, ctx.subscribers)) await ctx.cut(ss, s);
      await ctx.sleep(hold);
      await ctx.healAll();
    },
  },
  {
    name: 'one-way drop from or to a statestored',
    step: async (ctx, hold) => {
      const ss = ctx.prng.pick(STATESTORED_NAMES);
      const outbound = ctx.prng.chance(0.5);
      for (const peer of [ss === 'statestored-1' ? 'statestored-2' : 'statestored-1', ...ctx.subscribers]) {
        if (outbound) await ctx.cutOneWay(ss, peer);
        else await ctx.cutOneWay(peer, ss);
      }
      await ctx.sleep(hold);
      await ctx.healAll();
    },
  },
  {
    name: 'kill and restart a statestored',
    step: async (ctx, hold) => {
      const ss = ctx.prng.pick(STATESTORED_NAMES);
      await ctx.kill(ss);
      await ctx.sleep(hold);
      await ctx.restart(ss);
    },
  },
  {
    name: 'pause and resume a statestored',
    step: async (ctx, hold) => {
      const ss = ctx.prng.pick(STATESTORED_NAMES);
      await ctx.pause(ss);
      await ctx.sleep(hold);
      await ctx.resume(ss);
    },
  },
];

export function nemesisScenario(durationS: number): Scenario {
  return {
    id: 'nemesis',
    suite: 'nemesis',
    title: `seeded random bounded faults for ${durationS} s, one at a time, each healed before the next`,
    fault: 'random (seeded)',
    expect: () => ({ takeover: 'either' }),
    async run(ctx) {
      const end = Date.now() + durationS * 1000;
      const longest = Math.max(ctx.timing.peerTimeoutS, ctx.timing.subscriberTimeoutS) * 1000;
      while (Date.now() < end) {
        const { step } = ctx.prng.pick(STEPS);
        // From well under a timeout to well over it: both sides of every detector.
        const hold = ctx.prng.int(Math.round(longest / 4), 2 * longest + 1000);
        // Each step's faults land in the history with their labels (report, timeline).
        await step(ctx, hold);
        // A third of the time a quiet stretch that owes convergence; else a random while,
        // sometimes none at all (faults back to back).
        await ctx.sleep(ctx.prng.chance(1 / 3) ? ctx.bounds.convergenceMs + 500 : ctx.prng.int(0, longest));
      }
    },
  };
}
