/**
 * An API failure with the HTTP status toxiproxy answers for it. The body shape
 * `{"error": message, "status": code}` and the messages are toxiproxy 2.x's (api.go `ApiError`,
 * `ErrProxyNotFound` ...), so clients that match on them keep working against this server.
 */
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
