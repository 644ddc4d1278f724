/** Chaos scenarios (one function each, with its expected outcome) and the runner that judges them. */
export { PARTITION_SCENARIOS } from './partition-scenarios';
export { CRASH_SCENARIOS } from './crash-scenarios';
export { nemesisScenario } from './nemesis-scenario';
export { runScenario } from './run-scenario';
export type { RunScenarioInput, ScenarioResult } from './run-scenario';
export { judge } from './verdict';
export type { ScenarioCheck, VerdictInput } from './verdict';
export type { Scenario, ScenarioContext, ClusterView, Expectation, TakeoverExpectation, SuiteName } from './scenario';
