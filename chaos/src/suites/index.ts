/** The chaos suites (partition, crash, nemesis) over the scenarios, injectors and Prometheus. */
export { runSuite, scenariosOf, RuntimeUnavailableError } from './run-suite';
export type { SuiteRun, SkippedKind } from './run-suite';
export type { SuiteOptions } from './suite-options';
