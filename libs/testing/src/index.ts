/**
 * @statestore-ha/testing: a generic deterministic test kit. Knows nothing of statestores: a fake
 * clock with a timer queue, a seeded PRNG, a simulated message network with crashes, pauses,
 * partitions, delays and drops, and a history recorder with checkers. libs/simulation builds
 * the statestore simulator on it; any spec may use it.
 */
export { FakeClock } from './fake-clock';
export type { TimerId } from './fake-clock';

export { SeededPrng } from './seeded-prng';

export { SimNetwork } from './sim-network';
export type { Handler, LinkConditions, NetworkStats } from './sim-network';

export { History, MonotonicPerObserver, UniqueOwner, firstViolation, formatViolation } from './history';
export type { HistoryEvent, Violation } from './history';

export { textScenarioFiles, runTextScenarioFile, runTextScenarioFileAsync, rewriteRequested } from './text-scenarios';
export type { ScenarioInterpreter, AsyncScenarioInterpreter } from './text-scenarios';

export { parseScenarioArgs, scenarioDurationMs, scenarioNumber, required } from './scenario-args';
export type { ScenarioArgs } from './scenario-args';
