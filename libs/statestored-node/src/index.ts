/**
 * @statestore-ha/statestored-node: one statestored, as pure code. `startNode` and
 * `step(state, event, nowMs)` return the state and the effects to carry out; the daemon
 * (apps/statestored) and the simulator (libs/simulation) both run it. It composes libs/ha (role
 * machine, failure detectors, takeover rule, epochs, catalogd election) and libs/topics, and
 * knows nothing of gRPC: refusals are reasons, mapped to statuses at the edge.
 */

// Symbols for runners ---------------------------------------------------------------------------
export { startNode, step, nextWakeupMs } from './step';
export type { NodeStepped } from './step';
export type { NodeState, SubscriberEntry } from './node-state';
export type { NodeEvent } from './node-events';
export type { NodeEffect, NoticeKind, NoticeResult } from './node-effects';
export type {
  CatalogdRegistration,
  CloseReason,
  DownMessage,
  HaHeartbeatReply,
  HaHeartbeatRequest,
  HandshakeReply,
  HandshakeRequest,
  HaRefusal,
  LinkId,
  NetworkAddress,
  RegistrationRequest,
  SubscriberType,
  UpMessage,
  WriteRejection,
} from './messages';
export { PROTOCOL_VERSION } from './registration-check';

/** Flags -> NodeConfig (Impala's flag names, as libs/config's table parses them). */
export { nodeConfigFromFlags, MAX_TOPIC_KEY_BYTES } from './node-config';
export type { NodeConfig, NodeIdentity, NodeMutation, StatestoredNodeFlags, NoticeTiming } from './node-config';

/** --debug_actions: Impala's grammar and DebugActionImpl semantics. */
export {
  parseDebugActions,
  debugActionFor,
  decideDebugAction,
  DISABLE_STATESTORE_NETWORK,
  UNSAFE_SKIP_MAJORITY_CHECK,
  NO_DEBUG_ACTION,
  NO_DEBUG_ACTIONS,
  STATESTORED_DEBUG_ACTION_LABELS,
} from './debug-actions';
export type { DebugAction, DebugActions, DebugActionLabel, DebugActionOutcome, DebugCommand, ParsedDebugActions } from './debug-actions';

/** Read-only views for pages, metrics and the simulator's checks. */
export {
  roleOf,
  isActiveNode,
  activeEpochOf,
  roleSettled,
  liveSubscribers,
  subscriberEntries,
  isRegistered,
  topicsOf,
  designatedCatalogd,
  networkDisabled,
  pairFormed,
  takeoverView,
  highestEpochSeen,
  subscribersPage,
  topicsPage,
  haPage,
  catalogHaInfoPage,
} from './node-queries';
export type { TakeoverView } from './node-queries';
