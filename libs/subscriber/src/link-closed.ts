import { status, type ServiceError } from '@grpc/grpc-js';
import type { LinkClosed } from './link';

/** The only place where a grpc-js ServiceError is looked at (STYLE.md §8). */
export function linkClosedFromError(err: Partial<ServiceError>): LinkClosed {
  const code = err.code ?? status.UNKNOWN;
  const message = err.details ?? err.message ?? 'link failed';
  switch (code) {
    case status.INVALID_ARGUMENT:
    case status.FAILED_PRECONDITION:
    case status.PERMISSION_DENIED:
      return { kind: 'rejected', code, message, retryable: false };
    case status.ABORTED:
      return { kind: 'superseded', code, message, retryable: true };
    case status.CANCELLED:
      return { kind: 'cancelled', code, message, retryable: true };
    case status.RESOURCE_EXHAUSTED:
      // The statestore is full now; it may not be later.
      return { kind: 'rejected', code, message, retryable: true };
    default:
      return { kind: isConnectionRefused(message) ? 'refused' : 'unavailable', code, message, retryable: true };
  }
}

/**
 * grpc-js reports a refused connect only in the text of an UNAVAILABLE status ("No connection
 * established. Last error: connect ECONNREFUSED ..."); this is the one place that reads it.
 */
export function isConnectionRefused(details: string): boolean {
  return details.includes('ECONNREFUSED');
}

export const LINK_ENDED: LinkClosed = { kind: 'ended', code: status.OK, message: 'statestore ended the stream', retryable: true };
