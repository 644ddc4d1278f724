import { status } from '@grpc/grpc-js';
import { LINK_ENDED, linkClosedFromError } from './link-closed';

describe('linkClosedFromError', () => {
  it.each([
    // Rejections that will not change on retry: a bad id, an old protocol, a catalogd HA mismatch.
    [status.INVALID_ARGUMENT, 'rejected', false],
    [status.FAILED_PRECONDITION, 'rejected', false],
    [status.PERMISSION_DENIED, 'rejected', false],
    // The statestore is full now; it may not be later.
    [status.RESOURCE_EXHAUSTED, 'rejected', true],
    // A newer registration of the same subscriber id replaced this one.
    [status.ABORTED, 'superseded', true],
    [status.CANCELLED, 'cancelled', true],
    [status.UNAVAILABLE, 'unavailable', true],
    [status.DEADLINE_EXCEEDED, 'unavailable', true],
    [status.INTERNAL, 'unavailable', true],
    [status.UNKNOWN, 'unavailable', true],
  ] as const)('gRPC code %i -> %s, retryable %s', (code, kind, retryable) => {
    expect(linkClosedFromError({ code, details: 'why' })).toEqual({ kind, code, message: 'why', retryable });
  });

  it("prefers the status details, then the error's message", () => {
    expect(linkClosedFromError({ code: status.UNAVAILABLE, details: 'details', message: '14 UNAVAILABLE: details' }).message).toBe('details');
    expect(linkClosedFromError({ code: status.UNAVAILABLE, message: 'connect ECONNREFUSED' }).message).toBe('connect ECONNREFUSED');
    expect(linkClosedFromError({ code: status.UNAVAILABLE }).message).toBe('link failed');
  });

  it('reads an error without a code (a plain Error from the stream) as UNKNOWN, retryable', () => {
    expect(linkClosedFromError(new Error('boom'))).toEqual({ kind: 'unavailable', code: status.UNKNOWN, message: 'boom', retryable: true });
  });
});

describe('LINK_ENDED', () => {
  it('is a retryable end with status OK (the statestored finished the stream)', () => {
    expect(LINK_ENDED).toMatchObject({ kind: 'ended', code: status.OK, retryable: true });
  });
});
