import type { CatalogRegistration, NetworkAddress, StatestoreMessage, SubscriberType } from '@statestore-ha/proto';

/** The down side of one subscriber's stream, as the statestore core sees it. */
export interface SessionLink {
  /** false when the stream's buffer is full: the caller stops sending updates until `onDrain`. */
  send(msg: StatestoreMessage): boolean;
  onDrain(fn: () => void): void;
  /** Ends the stream with a gRPC status. */
  close(code: number, message: string): void;
}

export interface InFlightUpdate {
  seq: number;
  sentAtMs: number;
  acks: Array<{ topicName: string; toVersion: number }>;
}

/** One registration of one subscriber (Impala's Statestore::Subscriber). */
export class SubscriberSession {
  link: SessionLink | undefined;
  congested = false;

  nextHeartbeatAtMs: number;
  heartbeatSeq = 0;
  /** Sent and not answered yet; an interval that passes with one outstanding is a miss. */
  outstandingHeartbeat: { seq: number; sentAtMs: number } | undefined;
  missedHeartbeats = 0;
  lastHeartbeatAckMs: number;

  updateSeq = 0;
  /** One update in flight per class, as Impala's separate priority and normal pools allow. */
  readonly inFlight: { priority: InFlightUpdate | undefined; normal: InFlightUpdate | undefined } = { priority: undefined, normal: undefined };
  /** The first update of a class goes out even if empty: it carries from_version=0 / to_version. */
  readonly firstUpdateAcked = { priority: false, normal: false };
  /** After a skipped update Impala waits twice the interval (statestore.cc DoSubscriberUpdate). */
  readonly notBeforeMs = { priority: 0, normal: 0 };
  /** When every topic of the class goes out again, changed or not (gap detection). */
  readonly nextFullRoundMs = { priority: 0, normal: 0 };

  constructor(
    readonly subscriberId: string,
    readonly registrationId: string,
    readonly type: SubscriberType,
    readonly location: NetworkAddress | undefined,
    readonly hasPriorityTopics: boolean,
    readonly hasNormalTopics: boolean,
    readonly subscribeCatalogdChange: boolean,
    readonly catalogdRegistration: CatalogRegistration | undefined,
    readonly registeredAtMs: number,
    firstHeartbeatAtMs: number,
    link: SessionLink,
  ) {
    this.link = link;
    this.nextHeartbeatAtMs = firstHeartbeatAtMs;
    this.lastHeartbeatAckMs = registeredAtMs;
  }

  nextUpdateSeq(): number {
    return ++this.updateSeq;
  }
}
