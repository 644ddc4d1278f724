import type { StatestoreMessage, SubscriberMessage } from '@statestore-ha/proto';

/** Why a link to a statestored ended, in the subscriber's terms (no gRPC types beyond link-closed.ts). */
export interface LinkClosed {
  /**
   * `refused`: a connect was refused (ECONNREFUSED): nobody listens on the statestored's port,
   * the evidence of a dead process that `unavailable` (a reset, a timeout, a lost link) is not.
   */
  kind: 'ended' | 'unavailable' | 'refused' | 'rejected' | 'superseded' | 'cancelled';
  /** gRPC status code, kept for logs and tests. */
  code: number;
  message: string;
  /** false for rejections that will not change on retry (bad id, protocol, catalogd HA mismatch). */
  retryable: boolean;
}

/**
 * One subscriber's stream to one statestored (STYLE.md §2). grpc-js implements it; so can an
 * in-memory network in tests.
 */
export interface StatestoreLink {
  send(msg: SubscriberMessage): void;
  onMessage(fn: (msg: StatestoreMessage) => void): void;
  onClosed(fn: (why: LinkClosed) => void): void;
  /** Ends the link; resolves once it is closed. */
  close(): Promise<void>;
}

export type LinkFactory = () => StatestoreLink;
