/**
 * Runs a suite's scenarios on every requested fault kind, with one real Prometheus (250 ms
 * scrapes; Debian's binary as a host process, or a container on the run's network in the
 * containers runtime) and one toxiproxy server for the whole run. A fault kind this machine
 * cannot provide (netns without root) is skipped with its reason printed and reported; a
 * scenario needing what a kind lacks (latency on netns) is skipped the same way. Everything
 * started is stopped in `finally`, and on process exit by the hooks below it.
 */
import * as path from 'node:path';
import { ContainerLab, ContainerLabUnavailableError, NetnsLinkFaults, ProcessRuntime, ToxiproxyLinkFaults } from '../cluster';
import type { ClusterRuntime, FaultKind, LinkFaults } from '../cluster';
import { PrometheusServer } from '../prometheus';
import type { ScrapingPrometheus } from '../prometheus';
import { CRASH_SCENARIOS, nemesisScenario, PARTITION_SCENARIOS, runScenario } from '../scenarios';
import type { Scenario, ScenarioResult } from '../scenarios';
import { formatResultRow } from '../report';
import type { SuiteOptions } from './suite-options';

export interface SkippedKind {
  readonly faultKind: FaultKind;
  readonly reason: string;
}

export interface SuiteRun {
  readonly options: Omit<SuiteOptions, 'log'>;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly results: readonly ScenarioResult[];
  readonly skippedKinds: readonly SkippedKind[];
  /** Which injectors and Prometheus ran, named for the report. */
  readonly injectors: Readonly<Record<string, string>>;
  readonly prometheus: string;
}

export class RuntimeUnavailableError extends Error {
  override readonly name = 'RuntimeUnavailableError';
  constructor(readonly runtime: string, reason: string) {
    super(`runtime ${runtime} unavailable: ${reason}`);
  }
}

export function scenariosOf(options: Pick<SuiteOptions, 'suite' | 'durationS' | 'only'>): Scenario[] {
  const all = options.suite === 'partition' ? PARTITION_SCENARIOS : options.suite === 'crash' ? CRASH_SCENARIOS : [nemesisScenario(options.durationS)];
  return options.only.length === 0 ? [...all] : all.filter((s) => options.only.includes(s.id));
}

async function openFaults(kind: FaultKind, options: SuiteOptions, lab: ContainerLab | undefined): Promise<LinkFaults | SkippedKind> {
  if (lab) {
    if (kind === 'netns') {
      // Each container is its own namespace already: cuts go into it (netfault's ContainerFirewall).
      const reason = NetnsLinkFaults.unavailableReason();
      return reason ? { faultKind: kind, reason } : lab.firewallFaults();
    }
    return lab.toxiproxyFaults();
  }
  if (kind === 'netns') {
    const reason = NetnsLinkFaults.unavailableReason();
    return reason ? { faultKind: kind, reason } : NetnsLinkFaults.create();
  }
  return ToxiproxyLinkFaults.start(options.toxiproxyMainJs ? { mainJs: options.toxiproxyMainJs } : {});
}

async function openContainerLab(options: SuiteOptions): Promise<ContainerLab> {
  try {
    return await ContainerLab.open({ repoRoot: options.repoRoot, toxiproxyMainJs: options.toxiproxyMainJs, log: options.log });
  } catch (e) {
    if (e instanceof ContainerLabUnavailableError) throw new RuntimeUnavailableError('containers', e.message);
    throw e;
  }
}

export async function runSuite(options: SuiteOptions): Promise<SuiteRun> {
  const startedAtMs = Date.now();
  const lab = options.runtime === 'containers' ? await openContainerLab(options) : undefined;
  const makeRuntime = (logDir: string): ClusterRuntime => (lab ? lab.runtime(logDir) : new ProcessRuntime({ distDir: options.distDir, logDir }));
  const scenarios = scenariosOf(options);
  const results: ScenarioResult[] = [];
  const skippedKinds: SkippedKind[] = [];
  const injectors: Record<string, string> = {};
  // The alerts shipped for operators are loaded too: each scenario checks the takeover alert.
  const ruleFiles = [path.join(options.repoRoot, 'docker', 'statestore-alerts.yml')];
  const starting: Promise<ScrapingPrometheus> = lab ? lab.prometheus(options.scrapeIntervalMs, ruleFiles) : PrometheusServer.start({ scrapeIntervalMs: options.scrapeIntervalMs, ruleFiles });
  const prometheus = await starting.catch(async (e: unknown) => {
    await lab?.close();
    throw e;
  });
  const promName = await prometheus.describe();
  options.log(`prometheus: ${promName}`);
  try {
    let first = true;
    for (const kind of options.faultKinds) {
      // Process faults do not depend on the link injector: they run once, on the first kind.
      const toRun = scenarios.filter((s) => first || !s.processFaultsOnly);
      if (toRun.length === 0) continue;
      const faults = await openFaults(kind, options, lab);
      if (!('kind' in faults)) {
        skippedKinds.push(faults);
        options.log(`${kind}: SKIPPED: ${faults.reason}`);
        continue;
      }
      injectors[kind] = faults.description;
      options.log(`${kind}: ${faults.description}`);
      try {
        for (const scenario of toRun) {
          options.log(`> ${kind} ${scenario.id}: ${scenario.title}`);
          const result = await runScenario({
            scenario,
            faults,
            makeRuntime,
            prometheus,
            timing: options.timing,
            shape: options.shape,
            statestoredFlags: options.statestoredFlags,
            seed: options.seed,
            logDir: options.workDir,
            log: options.log,
          });
          results.push(result);
          options.log(formatResultRow(result));
          for (const c of result.checks) if (c.ok && c.detail) options.log(`    check ok: ${c.name} (${c.detail})`);
          for (const r of result.reasons) options.log(`    ${result.verdict === 'skip' ? 'skipped' : 'FAILED'}: ${r}`);
        }
      } finally {
        await faults.close();
      }
      first = false;
    }
  } finally {
    await prometheus.stop();
    await lab?.close();
  }
  const { log: _log, ...rest } = options;
  return { options: rest, startedAtMs, durationMs: Date.now() - startedAtMs, results, skippedKinds, injectors, prometheus: promName };
}
