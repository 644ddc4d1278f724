/**
 * @statestore-ha/simulation: the deterministic simulator of a statestored pair and its
 * subscribers, running the shipped statestored node (libs/statestored-node) and the real libs/ha
 * follower on libs/testing's fake clock and network.
 * Specs in this folder run it over 10,000 seeds; chaos or other specs may run it too.
 */
export { runSimulation, replayCommand, defaultShape, harshShape } from './cluster-sim';
export type { SimOptions, SimResult } from './cluster-sim';

export { sweepSeeds, formatSweep } from './seed-sweep';
export type { SweepSummary } from './seed-sweep';

export { simConfig, SIM_STATESTORED_FLAGS, SIM_SUBSCRIBER_FLAGS } from './sim-config';
export type { SimConfig, SimConfigOverrides } from './sim-config';
export { convergenceBoundMs, viewBoundMs, CONVERGENCE_BOUND_FORMULA, VIEW_BOUND_FORMULA } from './convergence-bound';
export type { BoundFlags } from './convergence-bound';

export { randomSchedule, describeFault } from './fault-schedule';
export type { Fault, TimedFault, FaultSchedule, ScheduleShape } from './fault-schedule';
