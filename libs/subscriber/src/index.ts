/** The client side every daemon uses to talk to the statestore (one link per statestored). */
export { StatestoreSubscriber, NotConnectedError } from './statestore-subscriber';
export type {
  CatalogdHandler,
  CatalogdSource,
  PublishOutcome,
  SubscribedTopic,
  SubscriberLogger,
  SubscriberObserver,
  SubscriberOptions,
  SubscriberStatus,
  TopicUpdate,
} from './statestore-subscriber';
export { ActiveTracker } from './active-tracker';
export type { ActiveChange, StatestoreIndex, Tracked, Verdict } from './active-tracker';
export { GrpcStatestoreLink, grpcChannel } from './grpc-link';
export { subscriberOptionsFromFlags } from './subscriber-from-flags';
export { subscriberObserver } from './subscriber-metrics-observer';
export type { LinkClosed, LinkFactory, StatestoreLink } from './link';
export { isConnectionRefused } from './link-closed';

// Symbols below are for the statestored and tests: mapping between wire and topic types.
export { deltaFromWire, deltaToWire, subscriptionFromWire, subscriptionToWire } from './wire-mapping';
