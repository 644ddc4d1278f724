/** Flags with Apache Impala's names and defaults: one table, gflags-style parsing, validation. */
export { statestoredFlags } from './statestored-flags';
export { catalogdFlags } from './catalogd-flags';
export { impaladFlags } from './impalad-flags';
export { FlagSet } from './flag-set';
export { flagArgs } from './flag-args';
export type { FlagValue } from './flag-args';
export { ConfigError, ConfigErrors } from './config-error';
export { LOG_LEVELS } from './daemon-flags';
export type { StatestoredFlags } from './statestored-flags';
export type { CatalogdFlags } from './catalogd-flags';
export type { ImpaladFlags } from './impalad-flags';
export type { SubscriberFlags } from './subscriber-flags';
export type { LogLevel } from './daemon-flags';

// Below: the table's types, for code that reads specs (docs, tests); not needed to run a daemon.
export { MAX_TIMER_MS } from './flag-spec';
export type { FlagSpec, FlagSpecs, FlagValues, FlagGroup, IntFlagSpec, DoubleFlagSpec, BoolFlagSpec, StringFlagSpec } from './flag-spec';
export type { FlagSetOptions } from './flag-set';
export type { CrossFieldCheck } from './cross-field-check';
