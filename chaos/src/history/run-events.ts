/**
 * What a chaos run records, Jepsen-style: the daemons' own log lines (role changes, follows),
 * the harness' fault operations, and the harness' polls of each daemon's page. Every event has a
 * wall-clock time in ms (the daemons' pino `time`, the harness' Date.now(): one machine, one clock).
 */

/** statestored `msg:"role changed"`. Roles: starting | active | standby | recovery. */
export interface RoleChangeEvent {
  readonly kind: 'roleChange';
  readonly t: number;
  readonly daemon: string;
  readonly pid: number;
  readonly from: string;
  readonly to: string;
  readonly epoch: bigint;
  readonly reason: string;
  readonly failoverMs: number | null;
}

/** statestored `msg:"peer statestored link"`. */
export interface PeerLinkEvent {
  readonly kind: 'peerLink';
  readonly t: number;
  readonly daemon: string;
  readonly pid: number;
  readonly connected: boolean;
}

/**
 * subscriber `msg:"following statestored"`: it now applies updates from statestore `to` (1|2);
 * `to` is null when it follows none (its active was lost and nobody took over yet).
 */
export interface FollowEvent {
  readonly kind: 'follow';
  readonly t: number;
  readonly daemon: string;
  readonly pid: number;
  readonly from: number | null;
  readonly to: number | null;
  readonly epoch: bigint;
  readonly failover: boolean;
}

/** catalogd `msg:"catalogd role changed"`. */
export interface CatalogdRoleEvent {
  readonly kind: 'catalogdRole';
  readonly t: number;
  readonly daemon: string;
  readonly pid: number;
  readonly role: string;
}

export type FaultAction = 'cut' | 'cutOneWay' | 'latency' | 'resetPeer' | 'healAll' | 'kill' | 'pause' | 'resume' | 'restart';

/**
 * A harness operation. Faults are recorded once in force (after the proxy or rule answered, the
 * signal was sent); a restart is recorded when issued, before the new process logs anything.
 */
export interface FaultEvent {
  readonly kind: 'fault';
  readonly t: number;
  readonly action: FaultAction;
  /** cut/latency: the two daemons; cutOneWay: [from, to]; process faults: [daemon]. */
  readonly daemons: readonly string[];
  readonly label: string;
}

/** One poll of a daemon's page (/ha or /status); `reachable: false` when it did not answer. */
export interface ObserveEvent {
  readonly kind: 'observe';
  readonly t: number;
  readonly daemon: string;
  /** False once the harness killed it (and until a restart): absent, not failing. */
  readonly running: boolean;
  readonly reachable: boolean;
  /** statestoreds: role from /ha. */
  readonly role?: string;
  readonly peerConnected?: boolean;
  /** subscribers: statestore.active (1|2) from /status. */
  readonly follows?: number | null;
  readonly epoch?: bigint;
  /** catalogds: is_active. */
  readonly catalogdActive?: boolean;
}

export type RunEvent = RoleChangeEvent | PeerLinkEvent | FollowEvent | CatalogdRoleEvent | FaultEvent | ObserveEvent;
