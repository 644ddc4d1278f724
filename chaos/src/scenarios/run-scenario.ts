/**
 * Runs one scenario on one fault kind: plan and route the cluster, point Prometheus at it,
 * start it, wait until it is settled, inject (the scenario), wait until it converges and stays
 * so (a flip-flop would show), cross-check Prometheus, stop everything (also on failure), read
 * the daemons' logs into the history, and judge.
 */
import * as path from 'node:path';
import type { FlagValue } from '@statestore-ha/cluster';
import { SeededPrng } from '@statestore-ha/testing';
import { DEFAULT_SHAPE, planCluster, scrapeTargetsFor, STATESTORED_NAMES, subscriberNames } from '../cluster';
import type { ClusterRuntime, ClusterShape, FaultKind, LinkFaults, StatestoredName, TimingFlags } from '../cluster';
import { boundsFor, checkPrometheusAgreement, checkSafety, checkTakeoverAlert, measure, PagePoller, readDaemonLog, readRaisedAlerts, RunRecorder, settledState } from '../history';
import type { AgreementResult, Bounds, Measurements, RaisedAlert, RunEvent } from '../history';
import type { ScrapingPrometheus } from '../prometheus';
import type { ClusterView, Scenario, ScenarioContext } from './scenario';
import { judge } from './verdict';
import type { ScenarioCheck } from './verdict';

/** A settled cluster must stay settled this long, before the fault and after the heal. */
const STABLE_MS = 2000;
const SETTLE_TIMEOUT_MS = 45_000;

export interface RunScenarioInput {
  readonly scenario: Scenario;
  readonly faults: LinkFaults;
  readonly makeRuntime: (logDir: string) => ClusterRuntime;
  readonly prometheus: ScrapingPrometheus | undefined;
  readonly timing: TimingFlags;
  readonly shape: ClusterShape;
  /** Added to every statestored (e.g. the test-only --debug_actions=STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK). */
  readonly statestoredFlags: Readonly<Record<string, FlagValue>>;
  readonly seed: number;
  /** Daemon logs go to <logDir>/<kind>-<scenario>/. */
  readonly logDir: string;
  readonly log: (line: string) => void;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly suite: string;
  readonly fault: string;
  readonly faultKind: FaultKind;
  readonly verdict: 'pass' | 'fail' | 'skip';
  readonly reasons: readonly string[];
  readonly checks: readonly ScenarioCheck[];
  readonly active?: StatestoredName;
  readonly standby?: StatestoredName;
  readonly subscribers: readonly string[];
  readonly startMs: number;
  readonly settledAtMs?: number;
  readonly endMs: number;
  readonly measurements?: Measurements;
  readonly bounds: Bounds;
  readonly agreement?: AgreementResult;
  /** What docker/statestore-alerts.yml raised during the run (ALERTS with this run's label). */
  readonly alerts?: readonly RaisedAlert[];
  readonly events: readonly RunEvent[];
  readonly logDir: string;
  readonly seed: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What the scenario left broken, so the runner can restore it whatever happened. */
interface Outstanding {
  links: boolean;
  readonly paused: Set<string>;
}

export async function runScenario(input: RunScenarioInput): Promise<ScenarioResult> {
  const { scenario, faults, timing } = input;
  const shape = { ...DEFAULT_SHAPE, ...input.shape, ...scenario.shape };
  const bounds = boundsFor(timing);
  const startMs = Date.now();
  const logDir = path.join(input.logDir, `${faults.kind}-${scenario.id}`);
  const base = { id: scenario.id, title: scenario.title, suite: scenario.suite, fault: scenario.fault, faultKind: faults.kind, bounds, logDir, seed: input.seed };
  if (scenario.needsLatency && faults.latencyUnsupportedReason) {
    return { ...base, verdict: 'skip', reasons: [`${faults.kind} cannot inject latency: ${faults.latencyUnsupportedReason}`], checks: [], subscribers: [], startMs, endMs: startMs, events: [] };
  }
  if (scenario.needsReset && faults.resetUnsupportedReason) {
    return { ...base, verdict: 'skip', reasons: [`${faults.kind} cannot reset connections: ${faults.resetUnsupportedReason}`], checks: [], subscribers: [], startMs, endMs: startMs, events: [] };
  }
  const recorder = new RunRecorder();
  const checks: ScenarioCheck[] = [];
  const specs = await planCluster(shape, timing, { ...scenario.statestoredFlags, ...input.statestoredFlags });
  const subscribers = subscriberNames(specs);
  const runLabel = `${process.pid}-${faults.kind}-${scenario.id}-${startMs}`;
  const runtime = input.makeRuntime(logDir);
  const poller = new PagePoller(runtime, recorder);
  let active: StatestoredName | undefined;
  let standby: StatestoredName | undefined;
  let settledAtMs: number | undefined;
  let agreement: AgreementResult | undefined;
  let alerts: RaisedAlert[] | undefined;
  let error: unknown;
  const outstanding: Outstanding = { links: false, paused: new Set() };
  try {
    const routed = await faults.route(specs);
    input.prometheus?.reloadTargets(scrapeTargetsFor(routed.specs, routed.placements, { run: runLabel }));
    await runtime.start(routed.specs, routed.placements);
    poller.start();
    const settled = await waitSettled(poller, runtime.names(), SETTLE_TIMEOUT_MS);
    if (!settled) throw new Error(`the cluster did not settle within ${SETTLE_TIMEOUT_MS} ms: ${describe(poller, runtime.names())}`);
    settledAtMs = Date.now();
    active = settled;
    standby = STATESTORED_NAMES.find((s) => s !== settled) as StatestoredName;
    await input.prometheus?.waitForTargetsUp(scrapeTargetsFor(routed.specs, routed.placements).map((t) => t.address), 15_000);
    input.log(`  settled in ${settledAtMs - startMs} ms: ${active} active`);
    const ctx = context(input, runtime, recorder, poller, checks, outstanding, { active, standby, subscribers, bounds, prng: new SeededPrng(input.seed) });
    await scenario.run(ctx);
    // Whatever the scenario left, heal it: convergence is measured from here at the latest.
    await restoreEverything(runtime, faults, recorder, outstanding);
    await waitSettled(poller, runtime.names(), bounds.convergenceMs + STABLE_MS);
    if (input.prometheus) {
      // The last change must have been scraped before comparing.
      await sleep(2 * input.prometheus.scrapeIntervalMs + 100);
      agreement = await checkPrometheusAgreement({
        client: input.prometheus.client,
        runLabel,
        events: [...recorder.events(), ...logEvents(runtime)],
        subscribers,
        scrapeIntervalMs: input.prometheus.scrapeIntervalMs,
        startMs,
        fromMs: settledAtMs,
        endMs: Date.now(),
      });
      alerts = await readRaisedAlerts(input.prometheus.client, runLabel, startMs, Date.now(), input.prometheus.scrapeIntervalMs);
    }
  } catch (e) {
    error = e;
  } finally {
    await poller.stop();
    await runtime.stop().catch((e: unknown) => input.log(`  stop failed: ${String(e)}`));
    await faults.release().catch((e: unknown) => input.log(`  releasing faults failed: ${String(e)}`));
  }
  const events = [...recorder.events(), ...logEvents(runtime)].sort((a, b) => a.t - b.t);
  const endMs = Date.now();
  if (error !== undefined || !active || !standby || settledAtMs === undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ...base, verdict: 'fail', reasons: [`run aborted: ${reason}`], checks, subscribers, startMs, endMs, events };
  }
  const measurements = measure(events, subscribers, settledAtMs);
  if (alerts && input.prometheus) {
    const takeoverAlert = checkTakeoverAlert(alerts, events, input.prometheus.scrapeIntervalMs);
    checks.push({ name: 'the takeover alert agrees with the history', ...takeoverAlert });
  }
  const reasons = judge({
    expectation: scenario.expect(faults.kind),
    active,
    standby,
    settledAtMs,
    events,
    measurements,
    bounds,
    safety: checkSafety(events),
    agreement,
    checks,
  });
  return { ...base, verdict: reasons.length === 0 ? 'pass' : 'fail', reasons, checks, active, standby, subscribers, startMs, settledAtMs, endMs, measurements, ...(agreement ? { agreement } : {}), ...(alerts ? { alerts } : {}), events };
}

function logEvents(runtime: ClusterRuntime): RunEvent[] {
  return runtime.names().flatMap((name) => readDaemonLog(name, runtime.logFile(name)));
}

/** Waits until the cluster is settled and stays so for STABLE_MS; returns the active. */
async function waitSettled(poller: PagePoller, daemons: readonly string[], timeoutMs: number): Promise<StatestoredName | undefined> {
  const deadline = Date.now() + timeoutMs;
  let since: { t: number; active: StatestoredName } | undefined;
  while (Date.now() < deadline) {
    const s = settledState(poller.snapshot(), daemons);
    if (!s.ok) since = undefined;
    else if (!since || since.active !== s.active) since = { t: Date.now(), active: s.active };
    if (since && Date.now() - since.t >= STABLE_MS) return since.active;
    await sleep(100);
  }
  return undefined;
}

function describe(poller: PagePoller, daemons: readonly string[]): string {
  const s = settledState(poller.snapshot(), daemons);
  return s.ok ? `settled on ${s.active} but not for ${STABLE_MS} ms` : s.why;
}

/** Heals links and brings every daemon back (resume paused ones, restart killed ones). */
async function restoreEverything(runtime: ClusterRuntime, faults: LinkFaults, recorder: RunRecorder, outstanding: Outstanding): Promise<void> {
  if (outstanding.links) {
    await faults.healAll();
    outstanding.links = false;
    recorder.fault('healAll', [], 'final heal');
  }
  for (const name of outstanding.paused) {
    await runtime.resume(name);
    recorder.fault('resume', [name], 'final resume');
  }
  outstanding.paused.clear();
  for (const name of runtime.names()) {
    if (!runtime.running(name)) {
      recorder.fault('restart', [name], 'final restart');
      await runtime.restart(name);
    }
  }
}

function context(
  input: RunScenarioInput,
  runtime: ClusterRuntime,
  recorder: RunRecorder,
  poller: PagePoller,
  checks: ScenarioCheck[],
  outstanding: Outstanding,
  c: { active: StatestoredName; standby: StatestoredName; subscribers: readonly string[]; bounds: Bounds; prng: SeededPrng },
): ScenarioContext {
  const { faults } = input;
  const paused = outstanding.paused;
  const view: ClusterView = {
    role: (s) => poller.snapshot().get(s)?.role,
    follows: (s) => poller.snapshot().get(s)?.follows,
    catalogdActive: (s) => poller.snapshot().get(s)?.catalogdActive,
  };
  return {
    ...c,
    timing: input.timing,
    faultKind: faults.kind,
    async cut(a, b) {
      await faults.cut(a, b);
      outstanding.links = true;
      recorder.fault('cut', [a, b], `cut ${a} <-> ${b}`);
    },
    async cutOneWay(from, to) {
      await faults.cutOneWay(from, to);
      outstanding.links = true;
      recorder.fault('cutOneWay', [from, to], `drop ${from} -> ${to}`);
    },
    async latency(a, b, spec) {
      await faults.latency(a, b, spec);
      outstanding.links = true;
      recorder.fault('latency', [a, b], `latency ${spec.latencyMs}+-${spec.jitterMs} ms ${a} <-> ${b}`);
    },
    async resetPeer(a, b) {
      await faults.resetPeer(a, b);
      outstanding.links = true;
      recorder.fault('resetPeer', [a, b], `reset_peer ${a} <-> ${b}`);
    },
    async healAll() {
      await faults.healAll();
      outstanding.links = false;
      recorder.fault('healAll', [], 'heal all links');
    },
    async kill(d) {
      await runtime.kill(d);
      recorder.fault('kill', [d], `SIGKILL ${d}`);
    },
    async pause(d) {
      await runtime.pause(d);
      paused.add(d);
      recorder.fault('pause', [d], `SIGSTOP ${d}`);
    },
    async resume(d) {
      await runtime.resume(d);
      paused.delete(d);
      recorder.fault('resume', [d], `SIGCONT ${d}`);
    },
    async restart(d) {
      recorder.fault('restart', [d], `restart ${d}`);
      await runtime.restart(d);
    },
    sleep,
    async waitUntil(pred, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (pred(view)) return true;
        await sleep(50);
      }
      return pred(view);
    },
    check(name, ok, detail) {
      checks.push({ name, ok, detail });
    },
    async page(d, p) {
      const res = await fetch(`${runtime.webUrl(d)}${p}`, { signal: AbortSignal.timeout(3000) });
      return (await res.json()) as never;
    },
  };
}
