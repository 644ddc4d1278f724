import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonProcess, freePorts } from '@statestore-ha/cluster';
import { DIST, metric } from './bench-cluster';
import { bucketDelta, cpuPercent, histogramQuantile, parseHistogramBuckets, parseProcStatTicks, parseRssBytes, percentile, type CpuSample } from './proc-stats';
import { PROBE_PREFIX, wallNow, type FromGenerator, type GeneratorConfig, type GeneratorStats, type ToGenerator } from './scale-protocol';

/**
 * How close one statestored gets to Impala's statestore_max_subscribers (10,000): for each N, a
 * real statestored with Impala's default cadences (heartbeats 1 s, topics 2 s, priority topics
 * 100 ms, HA off) and N impalad-like subscribers driven from two load-generator child processes.
 * Stops at the first N that does not keep up. See README.md "Measured" for the figures.
 */

export interface ScaleArgs {
  subscribers: number[];
  durationS: number;
  generators: number;
  channelsPerGenerator: number;
  startPerSecond: number;
  rounds: number;
  samplesTarget: number;
  coordinatorEvery: number;
}

const HEARTBEAT_MS = 1000;
const UPDATE_MS = 2000;
const PRIORITY_MS = 100;
const SETTLE_MS = 5000;
const SETTLE_LIMIT_MS = 240_000;
const PROPAGATION_TIMEOUT_MS = 30_000;
const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat counts in these ticks.
/** A heartbeat older than this at a poll means at least one 1 s heartbeat did not arrive. */
const LATE_HEARTBEAT_S = (2 * HEARTBEAT_MS + 500) / 1000;
/** More than this share of heartbeats failing (or of subscribers seeing a gap) is not keeping up. */
const MAX_FAILED_SHARE = 0.01;

interface Generator {
  child: ChildProcess;
  lastStats: GeneratorStats | undefined;
  progress: { registered: number; started: number };
}

interface Row {
  n: number;
  registrationS: number | undefined;
  steadyAfterS: number;
  syncFailures: number;
  syncCpuPct: number;
  syncGenCpuPct: number;
  syncReRegistrations: number;
  cpuPct: number;
  rssMiB: number;
  genCpuPct: number;
  genRssMiB: number;
  genLagMaxMs: number;
  lagP99Ms: number | undefined;
  lagMaxMs: number | undefined;
  hbFailuresPerS: number;
  hbP50Ms: number | undefined;
  hbP99Ms: number | undefined;
  live: number | undefined;
  join: number[];
  leave: number[];
  samplesPerRound: number;
  missingObservations: number;
  lateHeartbeatSubs: number;
  maxHeartbeatAgeS: number;
  reRegistrations: number;
  linksLost: number;
  load: string;
  problems: string[];
}

const live = new Set<{ kill(): Promise<void> | void }>();
let interrupted = false;

async function killAll(): Promise<void> {
  await Promise.all([...live].map(async (p) => p.kill()));
  live.clear();
}

function out(s: string): void {
  process.stdout.write(`${s}\n`);
}

function cpuSample(pid: number): CpuSample {
  return { ticks: parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')), atMs: performance.now() };
}

function rssBytes(pid: number): number {
  return parseRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

function softFdLimit(): { soft: number; hard: number } {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files')) ?? '';
  const [soft, hard] = line.replace('Max open files', '').trim().split(/\s+/).map((v) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v)));
  return { soft: soft ?? 1024, hard: hard ?? 1024 };
}

/**
 * The statestored needs a descriptor per connection plus a few hundred of its own. If the soft limit
 * is too low it is raised for the child (ulimit -n in a wrapper shell); above the hard limit that
 * is impossible without privileges, and we say so rather than watch accept() fail.
 */
function fdWrapper(needed: number): string[] {
  const { soft, hard } = softFdLimit();
  if (needed <= soft) return [];
  if (needed > hard) {
    throw new Error(`the statestored needs ~${needed} file descriptors but the hard limit (ulimit -Hn) is ${hard}; raise it (e.g. in /etc/security/limits.conf or docker --ulimit nofile=${needed}) or use fewer channels`);
  }
  return ['sh', '-c', `ulimit -n ${needed} && exec "$0" "$@"`];
}

function startGenerator(): Generator {
  const child = fork(join(DIST, 'benchmarks', 'main.js'), ['scale-generator'], {
    execArgv: ['--max-old-space-size=6144'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const g: Generator = { child, lastStats: undefined, progress: { registered: 0, started: 0 } };
  const handle = {
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  live.add(handle);
  child.once('exit', () => live.delete(handle));
  child.on('message', (m: FromGenerator) => {
    if (m.type === 'progress') g.progress = { registered: m.registered, started: m.started };
    else if (m.type === 'stats') g.lastStats = m.stats;
    else if (m.type === 'error') process.stderr.write(`generator ${child.pid}: ${m.message}\n`);
  });
  return g;
}

function tell(g: Generator, msg: ToGenerator): void {
  g.child.send(msg);
}

async function askStats(gens: Generator[], reset = false): Promise<GeneratorStats[]> {
  return Promise.all(
    gens.map(
      (g) =>
        new Promise<GeneratorStats>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`generator ${g.child.pid} did not answer stats in 30 s`)), 30_000);
          const onMsg = (m: FromGenerator): void => {
            if (m.type !== 'stats') return;
            clearTimeout(timer);
            g.child.off('message', onMsg);
            resolve(m.stats);
          };
          g.child.on('message', onMsg);
          tell(g, { type: reset ? 'resetHealth' : 'stats' });
        }),
    ),
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function scrape(ss: DaemonProcess): Promise<string> {
  const res = await fetch(`${ss.webUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`statestored /metrics: HTTP ${res.status}`);
  return res.text();
}

/**
 * One probe: a late subscriber joins (or leaves) and every sampled subscriber reports when its view
 * has the entry (or its tombstone). Returns the delays (ms) and how many samples never saw it.
 */
async function probe(gens: Generator[], expected: number, key: string, kind: 'join' | 'leave'): Promise<{ delays: number[]; missing: number }> {
  const seen: number[] = [];
  let t0: number | undefined;
  const onMsg = (m: FromGenerator): void => {
    if (m.type === 'joined' && kind === 'join' && m.key === key) t0 = m.at;
    else if (m.type === 'left' && kind === 'leave' && m.key === key) t0 = m.at;
    else if (m.type === 'seen' && m.key === key && m.deleted === (kind === 'leave')) seen.push(m.at);
  };
  for (const g of gens) g.child.on('message', onMsg);
  try {
    tell(gens[0] as Generator, { type: kind, key });
    const deadline = Date.now() + PROPAGATION_TIMEOUT_MS;
    while (seen.length < expected && Date.now() < deadline) await sleep(20);
    if (t0 === undefined) throw new Error(`generator did not confirm ${kind} of ${key}`);
    const start = t0;
    return { delays: seen.map((t) => t - start), missing: Math.max(0, expected - seen.length) };
  } finally {
    for (const g of gens) g.child.off('message', onMsg);
  }
}

async function runOne(n: number, a: ScaleArgs, logDir: string): Promise<Row> {
  const problems: string[] = [];
  const [ssPort, webPort] = (await freePorts(2)) as [number, number];
  const gensWanted = Math.min(a.generators, n);
  const channels = gensWanted * a.channelsPerGenerator;
  const ss = new DaemonProcess(
    {
      name: `statestored-n${n}`,
      app: 'statestored',
      webPort,
      flags: {
        hostname: '127.0.0.1',
        state_store_port: ssPort,
        webserver_port: webPort,
        enable_statestored_ha: false,
        statestore_max_subscribers: n + 100,
        statestore_heartbeat_frequency_ms: HEARTBEAT_MS,
        statestore_update_frequency_ms: UPDATE_MS,
        statestore_priority_update_frequency_ms: PRIORITY_MS,
      },
    },
    { distDir: DIST, logDir, wrapper: fdWrapper(channels * 2 + 512) },
  );
  const ssHandle = { kill: () => ss.kill() };
  live.add(ssHandle);
  const gens: Generator[] = [];
  try {
    ss.start();
    await ss.waitHealthy(30_000);
    const pid = ss.pid as number;
    for (let i = 0; i < gensWanted; i++) gens.push(startGenerator());
    const per = Math.ceil(n / gensWanted);
    const sampleEvery = Math.max(1, Math.floor(n / a.samplesTarget));
    const tStart = wallNow();
    const cs0 = cpuSample(pid);
    const gs0 = gens.map((g) => cpuSample(g.child.pid as number));
    gens.forEach((g, i) => {
      const first = i * per;
      const config: GeneratorConfig = {
        host: '127.0.0.1',
        port: ssPort,
        first,
        count: Math.max(0, Math.min(per, n - first)),
        channels: a.channelsPerGenerator,
        coordinatorEvery: a.coordinatorEvery,
        sampleEvery,
        startPerSecond: a.startPerSecond / gensWanted,
        lateHeartbeatS: LATE_HEARTBEAT_S,
      };
      tell(g, { type: 'start', config });
    });

    // ---- registration ----
    const regDeadline = Date.now() + 60_000 + (a.startPerSecond > 0 ? (n / a.startPerSecond) * 1000 : 0) + n * 10;
    let lastPrint = 0;
    for (;;) {
      const reg = gens.reduce((s, g) => s + g.progress.registered, 0);
      if (reg >= n) break;
      if (interrupted) throw new Error('interrupted');
      if (!ss.running) throw new Error(`statestored exited during registration; see ${ss.logFile}`);
      if (Date.now() > regDeadline) {
        problems.push(`only ${reg} of ${n} registered within ${((Date.now() - tStart) / 1000).toFixed(0)} s`);
        break;
      }
      if (Date.now() - lastPrint > 5000) {
        lastPrint = Date.now();
        out(`  N=${n}: ${reg} registered, ${gens.reduce((s, g) => s + g.progress.started, 0)} started, statestored ${(rssBytes(pid) / 2 ** 20).toFixed(0)} MiB`);
      }
      await sleep(100);
    }
    const regStats = await askStats(gens);
    const lastReg = Math.max(...regStats.map((s) => s.lastFirstRegistrationAt ?? 0));
    const registrationS = problems.length === 0 ? (lastReg - tStart) / 1000 : undefined;
    if (registrationS !== undefined) out(`  N=${n}: all registered in ${registrationS.toFixed(1)} s; waiting for the initial sync to settle`);
    // Every newcomer gets the whole membership topic and every member gets each newcomer's entry:
    // N^2 entries in all. The window starts once heartbeats stopped failing for SETTLE_MS.
    const settleDeadline = Date.now() + SETTLE_LIMIT_MS;
    let lastFailures = metric(await scrape(ss), 'statestore_heartbeat_failures_total') ?? 0;
    let quietSince = Date.now();
    while (Date.now() - quietSince < SETTLE_MS && Date.now() < settleDeadline) {
      if (interrupted) throw new Error('interrupted');
      await sleep(1000);
      const f = metric(await scrape(ss), 'statestore_heartbeat_failures_total') ?? 0;
      if (f !== lastFailures) quietSince = Date.now();
      lastFailures = f;
    }
    const steadyAfterS = (wallNow() - tStart) / 1000;
    const cs1 = cpuSample(pid);
    const syncCpuPct = cpuPercent(cs0, cs1, CLK_TCK);
    const syncGenCpuPct = gens.reduce((sum, g, i) => sum + cpuPercent(gs0[i] as CpuSample, cpuSample(g.child.pid as number), CLK_TCK), 0);
    const syncReRegistrations = (await askStats(gens)).reduce((sum, h) => sum + h.reRegistrations, 0);
    out(`  N=${n}: initial sync: statestored CPU ${syncCpuPct.toFixed(0)} %, generators ${syncGenCpuPct.toFixed(0)} % together, ${syncReRegistrations} re-registrations, load average ${loadavg()[0]?.toFixed(2)}`);
    if (Date.now() - quietSince < SETTLE_MS) problems.push(`heartbeats still failing ${SETTLE_LIMIT_MS / 1000} s after registration`);
    out(
      Date.now() - quietSince < SETTLE_MS
        ? `  N=${n}: NOT steady: heartbeats still failing ${steadyAfterS.toFixed(1)} s after the start (${lastFailures} failures so far); measuring anyway`
        : `  N=${n}: steady (no heartbeat failure for ${SETTLE_MS / 1000} s) ${steadyAfterS.toFixed(1)} s after the start; ${lastFailures} heartbeat failures before that`,
    );

    // ---- steady-state window ----
    await askStats(gens, true);
    const m0 = await scrape(ss); // also resets prom-client's event-loop lag histogram
    const c0 = cpuSample(pid);
    const g0 = gens.map((g) => cpuSample(g.child.pid as number));
    const load0 = loadavg()[0] as number;
    let peakRss = rssBytes(pid);
    const windowEnd = Date.now() + a.durationS * 1000;
    while (Date.now() < windowEnd) {
      if (interrupted) throw new Error('interrupted');
      if (!ss.running) throw new Error(`statestored exited during the steady window; see ${ss.logFile}`);
      await sleep(1000);
      peakRss = Math.max(peakRss, rssBytes(pid));
    }
    const c1 = cpuSample(pid);
    const g1 = gens.map((g) => cpuSample(g.child.pid as number));
    const m1 = await scrape(ss);
    const load1 = loadavg()[0] as number;
    const windowS = (c1.atMs - c0.atMs) / 1000;
    const health = await askStats(gens);
    const hbName = 'statestore_heartbeat_duration_seconds';
    const hb = bucketDelta(parseHistogramBuckets(m0, hbName), parseHistogramBuckets(m1, hbName));
    const failures = (metric(m1, 'statestore_heartbeat_failures_total') ?? 0) - (metric(m0, 'statestore_heartbeat_failures_total') ?? 0);
    const liveSubs = metric(m1, 'statestore_live_subscribers');
    const lagP99 = metric(m1, 'nodejs_eventloop_lag_p99_seconds');
    const lagMax = metric(m1, 'nodejs_eventloop_lag_max_seconds');
    const row: Row = {
      n,
      registrationS,
      steadyAfterS,
      syncFailures: lastFailures,
      syncCpuPct,
      syncGenCpuPct,
      syncReRegistrations,
      cpuPct: cpuPercent(c0, c1, CLK_TCK),
      rssMiB: peakRss / 2 ** 20,
      genCpuPct: g0.reduce((s, x, i) => s + cpuPercent(x, g1[i] as CpuSample, CLK_TCK), 0),
      genRssMiB: health.reduce((s, h) => s + h.rssBytes, 0) / 2 ** 20,
      genLagMaxMs: Math.max(...health.map((h) => h.loopLagMaxMs)),
      lagP99Ms: lagP99 === undefined ? undefined : lagP99 * 1000,
      lagMaxMs: lagMax === undefined ? undefined : lagMax * 1000,
      hbFailuresPerS: failures / windowS,
      hbP50Ms: scaleMs(histogramQuantile(hb, 0.5)),
      hbP99Ms: scaleMs(histogramQuantile(hb, 0.99)),
      live: liveSubs,
      join: [],
      leave: [],
      samplesPerRound: 0,
      missingObservations: 0,
      lateHeartbeatSubs: health.reduce((s, h) => s + h.lateHeartbeatSubscribers, 0),
      maxHeartbeatAgeS: Math.max(...health.map((h) => h.maxHeartbeatAgeS)),
      reRegistrations: health.reduce((s, h) => s + h.reRegistrations, 0),
      linksLost: health.reduce((s, h) => s + h.linksLost, 0),
      load: `${load0.toFixed(2)} -> ${load1.toFixed(2)}`,
      problems,
    };

    // ---- propagation: a late subscriber joins, then leaves ----
    const sampled = health.reduce((s, h) => s + h.sampled, 0);
    row.samplesPerRound = sampled;
    for (let r = 0; r < a.rounds; r++) {
      if (interrupted) throw new Error('interrupted');
      const key = `${PROBE_PREFIX}${n}-${r}:27000`;
      const j = await probe(gens, sampled, key, 'join');
      row.join.push(...j.delays);
      await sleep(1000);
      const l = await probe(gens, sampled, key, 'leave');
      row.leave.push(...l.delays);
      row.missingObservations += j.missing + l.missing;
      await sleep(1000);
    }

    // ---- verdict ----
    const end = await askStats(gens);
    if (liveSubs !== n) problems.push(`statestore_live_subscribers=${liveSubs} during the window, not ${n}`);
    // Heartbeats: a failure is a heartbeat still unanswered when the next one is due (1 s). On a
    // shared 2-core machine a stray one is scheduling noise; more than 1 % of them is not keeping up.
    const heartbeatsSent = (n * windowS * 1000) / HEARTBEAT_MS;
    if (failures > MAX_FAILED_SHARE * heartbeatsSent) problems.push(`${failures} heartbeat failures in the ${windowS.toFixed(0)} s window (${((100 * failures) / heartbeatsSent).toFixed(1)} % of heartbeats)`);
    if (row.lateHeartbeatSubs > MAX_FAILED_SHARE * n) problems.push(`${row.lateHeartbeatSubs} subscribers saw a heartbeat gap over ${LATE_HEARTBEAT_S} s`);
    if (row.linksLost > 0) problems.push(`${row.linksLost} subscriber links lost`);
    const reReg = end.reduce((s, h) => s + h.reRegistrations, 0) - syncReRegistrations;
    if (reReg > 0) problems.push(`${reReg} re-registrations after the initial sync`);
    if (row.missingObservations > 0) problems.push(`${row.missingObservations} sampled views did not see a probe within ${PROPAGATION_TIMEOUT_MS / 1000} s`);
    row.reRegistrations = reReg;
    return row;
  } finally {
    for (const g of gens) g.child.kill('SIGKILL');
    await ss.close();
    live.delete(ssHandle);
  }
}

function scaleMs(s: number | undefined): number | undefined {
  return s === undefined ? undefined : s * 1000;
}

const f0 = (v: number | undefined, unit = ''): string => (v === undefined ? '-' : `${v.toFixed(0)}${unit}`);
const f1 = (v: number | undefined, unit = ''): string => (v === undefined ? '-' : `${v.toFixed(1)}${unit}`);
const dist = (xs: number[]): string => (xs.length === 0 ? '-' : `${f0(percentile(xs, 0.5))}/${f0(percentile(xs, 0.99))}/${f0(Math.max(...xs))}`);

function printRow(r: Row): void {
  out(`\nN=${r.n}  (load average ${r.load} over the window)`);
  out(`  registration: ${r.registrationS === undefined ? 'INCOMPLETE' : `all ${r.n} in ${r.registrationS.toFixed(1)} s`}; steady after ${r.steadyAfterS.toFixed(1)} s (${r.syncFailures} heartbeat failures, ${r.syncReRegistrations} re-registrations, statestored CPU ${f0(r.syncCpuPct)} %, generators ${f0(r.syncGenCpuPct)} % during the initial sync)`);
  out(`  statestored: CPU ${f0(r.cpuPct)} % (100 % = one core), peak RSS ${f0(r.rssMiB)} MiB, event-loop lag p99 ${f1(r.lagP99Ms)} ms, max ${f1(r.lagMaxMs)} ms`);
  out(`  heartbeats: ${r.hbFailuresPerS.toFixed(2)} failures/s, round trip p50 ${f1(r.hbP50Ms)} ms, p99 ${f1(r.hbP99Ms)} ms (histogram), live subscribers ${f0(r.live)}`);
  out(`  subscribers: ${r.lateHeartbeatSubs} with a heartbeat gap > ${LATE_HEARTBEAT_S} s (max age ${r.maxHeartbeatAgeS.toFixed(2)} s), ${r.reRegistrations} re-registrations after the sync, ${r.linksLost} links lost in the window`);
  out(`  propagation (ms, p50/p99/max, ${r.samplesPerRound} sampled views x rounds): join ${dist(r.join)} (n=${r.join.length}), leave ${dist(r.leave)} (n=${r.leave.length})`);
  out(`  load generators: CPU ${f0(r.genCpuPct)} % together, RSS ${f0(r.genRssMiB)} MiB together, event-loop lag max ${f0(r.genLagMaxMs)} ms`);
  out(`  verdict: ${r.problems.length === 0 ? 'keeps up' : `DOES NOT KEEP UP: ${r.problems.join('; ')}`}`);
}

function printTable(rows: Row[]): void {
  out('\n| N | all registered | steady after (hb failures, re-reg, ss/gen CPU before) | statestored CPU | RSS | loop lag p99/max | hb fail/s | hb RTT p50/p99 | live | join p50/p99/max | leave p50/p99/max | hb gaps / re-reg | load | keeps up |');
  out('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    out(
      `| ${r.n} | ${r.registrationS === undefined ? 'no' : `${r.registrationS.toFixed(1)} s`} | ${r.steadyAfterS.toFixed(0)} s (${r.syncFailures}, ${r.syncReRegistrations}, ${f0(r.syncCpuPct)}/${f0(r.syncGenCpuPct)} %) | ${f0(r.cpuPct)} % | ${f0(r.rssMiB)} MiB | ${f1(r.lagP99Ms)}/${f1(r.lagMaxMs)} ms | ${r.hbFailuresPerS.toFixed(2)} | ${f1(r.hbP50Ms)}/${f1(r.hbP99Ms)} ms | ${f0(r.live)} | ${dist(r.join)} ms | ${dist(r.leave)} ms | ${r.lateHeartbeatSubs} / ${r.reRegistrations} | ${r.load} | ${r.problems.length === 0 ? 'yes' : 'NO'} |`,
    );
  }
}

export async function scaleBench(a: ScaleArgs): Promise<void> {
  const logDir = mkdtempSync(join(tmpdir(), 'ss-scale-'));
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupted = true;
    process.stderr.write(`\n${sig}: stopping every process\n`);
    void killAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  out(`scale benchmark: N=${a.subscribers.join(',')}, ${a.generators} load generators x ${a.channelsPerGenerator} gRPC channels, ` +
    `${a.startPerSecond > 0 ? `subscribers started at ${a.startPerSecond}/s` : 'all subscribers started at once'}, 1 in ${a.coordinatorEvery} a coordinator, ` +
    `steady window ${a.durationS} s, ${a.rounds} join+leave probes, ~${a.samplesTarget} sampled views; logs in ${logDir}; load average now ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const rows: Row[] = [];
  try {
    for (const n of a.subscribers) {
      out(`\n== N=${n} ==`);
      const row = await runOne(n, a, logDir);
      rows.push(row);
      printRow(row);
      if (row.problems.length > 0) {
        out(`\nstopping at N=${n}: one statestored does not keep up with ${n} subscribers here (ceiling between ${rows.length > 1 ? (rows[rows.length - 2] as Row).n : 0} and ${n}).`);
        break;
      }
    }
  } finally {
    await killAll();
    if (rows.length > 0) printTable(rows);
  }
}
