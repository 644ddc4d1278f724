/**
 * A chaos scenario: one function that injects faults into a settled cluster and heals them,
 * plus the outcome it expects. The runner (run-scenario.ts) starts the cluster, waits until it
 * is settled, calls `run`, waits for convergence and judges the history; scenarios only say
 * what to break and what must follow.
 */
import type { FlagValue } from '@statestore-ha/cluster';
import type { SeededPrng } from '@statestore-ha/testing';
import type { ClusterShape, FaultKind, LatencySpec, StatestoredName, TimingFlags } from '../cluster';
import type { Bounds } from '../history';

export type SuiteName = 'partition' | 'crash' | 'nemesis';

/** Whether the standby must promote itself during the fault. */
export type TakeoverExpectation = 'takeover' | 'no-takeover' | 'either';

export interface Expectation {
  readonly takeover: TakeoverExpectation;
  /** Who is the settled active at the end. */
  readonly finalActive?: 'old-active' | 'old-standby';
  /** No statestored logs any role change after the cluster settled (benign faults). */
  readonly zeroRoleChanges?: boolean;
  /** At most this many hand-overs of the active role after the first fault: no flip-flop. */
  readonly maxPromotions?: number;
}

export interface ScenarioContext {
  /** The active and standby statestoreds once the cluster settled, before any fault. */
  readonly active: StatestoredName;
  readonly standby: StatestoredName;
  readonly subscribers: readonly string[];
  readonly timing: TimingFlags;
  readonly bounds: Bounds;
  readonly faultKind: FaultKind;
  /** Seeded per scenario (--seed), for the nemesis. */
  readonly prng: SeededPrng;
  cut(a: string, b: string): Promise<void>;
  cutOneWay(from: string, to: string): Promise<void>;
  latency(a: string, b: string, spec: LatencySpec): Promise<void>;
  resetPeer(a: string, b: string): Promise<void>;
  healAll(): Promise<void>;
  kill(daemon: string): Promise<void>;
  pause(daemon: string): Promise<void>;
  resume(daemon: string): Promise<void>;
  restart(daemon: string): Promise<void>;
  sleep(ms: number): Promise<void>;
  /** Polls the daemons' pages until `pred` holds; false after `timeoutMs`. */
  waitUntil(pred: (view: ClusterView) => boolean, timeoutMs: number): Promise<boolean>;
  /** Records a scenario-specific check into the verdict. */
  check(name: string, ok: boolean, detail: string): void;
  /** GET a JSON page of a daemon (e.g. a coordinator's /catalog). */
  page<T>(daemon: string, path: string): Promise<T>;
}

/** The latest poll of every daemon, as scenarios need it. */
export interface ClusterView {
  role(statestored: string): string | undefined;
  follows(subscriber: string): number | null | undefined;
  catalogdActive(catalogd: string): boolean | undefined;
}

export interface Scenario {
  readonly id: string;
  readonly suite: SuiteName;
  readonly title: string;
  /** Short name of the fault for the table, e.g. "cut active <-> all". */
  readonly fault: string;
  /** Link faults are not used: the scenario runs once, on the first fault kind of the run. */
  readonly processFaultsOnly?: boolean;
  readonly needsLatency?: boolean;
  readonly needsReset?: boolean;
  readonly shape?: Partial<ClusterShape>;
  readonly statestoredFlags?: Readonly<Record<string, FlagValue>>;
  readonly expect: (kind: FaultKind) => Expectation;
  run(ctx: ScenarioContext): Promise<void>;
}
