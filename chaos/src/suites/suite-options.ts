/** Everything one suite run is parameterised by; the CLI fills it from flags. */
import type { FlagValue } from '@statestore-ha/cluster';
import type { ClusterShape, FaultKind, RuntimeKind, TimingFlags } from '../cluster';
import type { SuiteName } from '../scenarios';

export interface SuiteOptions {
  readonly suite: SuiteName;
  readonly runtime: RuntimeKind;
  readonly faultKinds: readonly FaultKind[];
  readonly shape: ClusterShape;
  readonly timing: TimingFlags;
  /** nemesis: how long the random schedule runs. */
  readonly durationS: number;
  readonly seed: number;
  /** Only these scenario ids (all when empty). */
  readonly only: readonly string[];
  /** Extra flags for both statestoreds (the test-only bug switch goes here). */
  readonly statestoredFlags: Readonly<Record<string, FlagValue>>;
  readonly scrapeIntervalMs: number;
  /** Folder holding apps/<app>/main.js. */
  readonly distDir: string;
  /** Prebuilt toxiproxy server (dist/chaos/toxiproxy/main.js); built on the fly when absent. */
  readonly toxiproxyMainJs: string | undefined;
  /** The checkout: --runtime=containers builds its images from <repoRoot>/dist (chaos/scripts, docker/). */
  readonly repoRoot: string;
  /** Folder for daemon logs of this run. */
  readonly workDir: string;
  readonly log: (line: string) => void;
}
