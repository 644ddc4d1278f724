import type { ConnState } from '@statestore-ha/proto';

/**
 * What the subscriber side of a statestored needs to know about, and tell, the HA side. Without HA
 * a statestored is always the active one (epoch 0); with HA the runner answers from libs/ha's
 * role machine. Keeping this one narrow interface is what lets the HA pair slot in without
 * touching the subscriber handling.
 */
export interface RoleView {
  /** Only the active statestored sends topic updates (Impala: the standby returns OK and reschedules). */
  isActive(): boolean;
  /** Carried in every update and role notification; subscribers fence on it. */
  activeEpoch(): number;
  /** Only the standby asks subscribers for their link state to the active. */
  requestConnState(): boolean;
  /** With the highest epoch the subscriber has seen (from its RegisterRequest). */
  subscriberRegistered(subscriberId: string, highestEpochSeen: number): void;
  subscriberUnregistered(subscriberId: string): void;
  /** A subscriber's view of its link to the OTHER statestored. */
  connStateReported(subscriberId: string, state: ConnState): void;
  /** A subscriber answered that it has seen a higher epoch: this instance is a stale active. */
  staleEpochReported(subscriberId: string, highestEpochSeen: number): void;
  /** Impala's DISABLE_STATESTORE_NETWORK debug action was switched. */
  networkDisabledChanged(disabled: boolean): void;
}

/** HA off: one statestored, always active, epoch 0. */
export const ALWAYS_ACTIVE: RoleView = {
  isActive: () => true,
  activeEpoch: () => 0,
  requestConnState: () => false,
  subscriberRegistered: () => undefined,
  subscriberUnregistered: () => undefined,
  connStateReported: () => undefined,
  staleEpochReported: () => undefined,
  networkDisabledChanged: () => undefined,
};
