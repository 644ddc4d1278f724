/**
 * An API failure with the HTTP status toxiproxy answers for it. The body shape
 * `{"error": message, "status": code}` and the messages are toxiproxy 2.12.0's (api.go `ApiError`,
 * `ErrProxyNotFound` ...), so clients that match on them keep working against this server.
 * What our server leaves out answers 501 with a message that says so (NotImplemented below).
 */
import { TOXIPROXY_SERVER_NAME } from './version';

export class ToxiproxyApiError extends Error {
  override readonly name = 'ToxiproxyApiError';
  constructor(message: string, readonly status: number, options?: { cause?: unknown }) {
    super(message, options);
  }

  toJSON(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }
}

export function badRequestBody(detail: string): ToxiproxyApiError {
  return new ToxiproxyApiError(`bad request body: ${detail}`, 400);
}
export function missingField(field: string): ToxiproxyApiError {
  return new ToxiproxyApiError(`missing required field: ${field}`, 400);
}
export function proxyNotFound(): ToxiproxyApiError {
  return new ToxiproxyApiError('proxy not found', 404);
}
export function proxyAlreadyExists(): ToxiproxyApiError {
  return new ToxiproxyApiError('proxy already exists', 409);
}
export function invalidStream(): ToxiproxyApiError {
  return new ToxiproxyApiError('stream was invalid, can be either upstream or downstream', 400);
}
export function invalidToxicType(): ToxiproxyApiError {
  return new ToxiproxyApiError('invalid toxic type', 400);
}
export function toxicAlreadyExists(): ToxiproxyApiError {
  return new ToxiproxyApiError('toxic already exists', 409);
}
export function toxicNotFound(): ToxiproxyApiError {
  return new ToxiproxyApiError('toxic not found', 404);
}

/** A toxiproxy feature this stand-in leaves out because no chaos suite uses it (chaos/README.md). */
export function notImplemented(what: string): ToxiproxyApiError {
  return new ToxiproxyApiError(`${what} is not implemented by ${TOXIPROXY_SERVER_NAME} (no chaos suite uses it): use Shopify's toxiproxy-server`, 501);
}
export function toxicTypeNotImplemented(type: string, supported: readonly string[]): ToxiproxyApiError {
  return notImplemented(`toxic type ${type} (supported: ${supported.join(', ')})`);
}
