import { readFileSync } from 'node:fs';
import { startCluster, until } from './bench-cluster';
import { fmt, summarize } from './stats';

/**
 * Issue #2's report: how long one catalog change takes to reach 3 coordinators (create a table
 * on catalogd's API, poll every coordinator's /catalog until all have it), and the statestored's
 * RSS with 5 subscribers. Impala's default cadences: catalog-update is a normal topic (2 s).
 */
export async function propagationBench(args: { rounds: number; updateFrequencyMs: number; gapMs: number }): Promise<void> {
  const cluster = await startCluster({
    ha: false,
    coordinators: 3,
    executors: 1,
    statestored: { statestore_update_frequency_ms: args.updateFrequencyMs },
  });
  try {
    const catalogd = cluster.get('catalogd-1');
    const coords = cluster.byApp('impalad').filter((d) => d.name.startsWith('coordinator'));
    const samples: number[] = [];
    for (let i = 0; i < args.rounds; i++) {
      // A pause between changes: with gap >= the update period each change is a lone one (it
      // goes out at the next 100 ms tick); with gap 0 changes come in a burst and are batched
      // one update per period per subscriber, which is what Impala does for every change.
      await new Promise((r) => setTimeout(r, args.gapMs));
      const name = `bench.t${i}_${Date.now()}`;
      const t0 = performance.now();
      const res = await fetch(`${catalogd.webUrl}/api/tables`, { method: 'POST', body: JSON.stringify({ name }) });
      if (!res.ok) throw new Error(`create ${name}: HTTP ${res.status}`);
      await Promise.all(coords.map((c) => until(`${c.name} to see ${name}`, async () => ((await c.getJson<{ tables: string[] }>('/catalog')).tables.includes(name) ? true : undefined))));
      samples.push(performance.now() - t0);
    }
    const s = summarize(samples);
    const ss = cluster.get('statestored-1');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${ss.pid}/status`, 'utf8'))?.[1]);
    process.stdout.write(
      `\ncatalog change -> all 3 coordinators, ${s.n} rounds ${args.gapMs} ms apart, statestore_update_frequency_ms=${args.updateFrequencyMs}:\n` +
        `  median ${fmt(s.median)}  p90 ${fmt(s.p90)}  min ${fmt(s.min)}  max ${fmt(s.max)}\n` +
        `statestored RSS with ${cluster.daemons.length - 1} subscribers: ${(rssKb / 1024).toFixed(1)} MiB\n`,
    );
  } finally {
    await cluster.stop();
  }
}
