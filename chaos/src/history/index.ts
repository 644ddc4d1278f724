/** A chaos run's history (daemon logs + harness operations + page polls) and what it proves. */
export type { RunEvent, RoleChangeEvent, PeerLinkEvent, FollowEvent, CatalogdRoleEvent, FaultEvent, FaultAction, ObserveEvent } from './run-events';
export { parseDaemonLogLine, readDaemonLog } from './daemon-log';
export { RunRecorder } from './run-recorder';
export { PagePoller } from './page-poller';
export { checkSafety } from './safety-checks';
export type { SafetyViolation } from './safety-checks';
export { ClusterTimeline } from './cluster-timeline';
export type { Window } from './cluster-timeline';
export { settledState, settledFrom } from './settled-state';
export type { Settled } from './settled-state';
export { measure } from './measurements';
export type { Measurements, Promotion } from './measurements';
export { boundsFor, SLACK_MS } from './bounds';
export type { Bounds } from './bounds';
export { checkPrometheusAgreement } from './prometheus-agreement';
export type { AgreementResult, AgreementInput } from './prometheus-agreement';
export { readRaisedAlerts, checkTakeoverAlert, TAKEOVER_ALERT } from './raised-alerts';
export type { RaisedAlert } from './raised-alerts';
