/**
 * @statestore-ha/simulation: the deterministic simulator of a statestored pair and its
 * subscribers, running the real libs/ha machines on libs/testing's fake clock and network.
 * Specs in this folder run it over 10,000 seeds; chaos or other specs may run it too.
 */
export { runSimulation, replayCommand, defaultShape, harshShape } from './cluster-sim';
export type { SimOptions, SimResult } from './cluster-sim';

export { sweepSeeds, formatSweep } from './seed-sweep';
export type { SweepSummary } from './seed-sweep';

export { defaultSimFlags, convergenceBoundMs, CONVERGENCE_BOUND_FORMULA } from './sim-flags';
export type { SimFlags } from './sim-flags';

export { randomSchedule, describeFault } from './fault-schedule';
export type { Fault, TimedFault, FaultSchedule, ScheduleShape } from './fault-schedule';
