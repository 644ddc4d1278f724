/** What the node's parts ask about its role; without HA the lone statestored is active under epoch 0. */
import { activeEpoch, isActive, NO_EPOCH, requestsConnState, type Epoch } from '@statestore-ha/ha';
import type { NodeState } from './node-state';

export function nodeIsActive(s: NodeState): boolean {
  return s.ha === null || isActive(s.ha);
}

/** The epoch carried in registration replies, updates and notifications. */
export function nodeActiveEpoch(s: NodeState): Epoch {
  return s.ha === null ? NO_EPOCH : activeEpoch(s.ha);
}

/** Only the standby (or a recovering node) asks subscribers for their link to the other statestored. */
export function nodeRequestsConnState(s: NodeState): boolean {
  return s.ha !== null && requestsConnState(s.ha);
}

/** Impala opens the subscriber port once the startup handshake settled the role. */
export function nodeRoleSettled(s: NodeState): boolean {
  return s.ha === null || s.ha.role !== 'starting';
}
