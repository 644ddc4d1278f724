/**
 * Toxic definitions with toxiproxy 2.x's JSON shape and defaults (README "Toxics"; toxics/*.go):
 * `{name, type, stream, toxicity, attributes}`, stream defaults to downstream, toxicity to 1.0,
 * name to `<type>_<stream>`, every attribute to 0.
 */
import { badRequestBody, invalidStream, invalidToxicType } from './api-error';

/** upstream = client -> server bytes, downstream = server -> client bytes. */
export type ToxicStream = 'upstream' | 'downstream';

export interface ToxicAttributesByType {
  /** Delay each chunk by `latency` ms plus a uniform draw from [-jitter, +jitter] ms. */
  latency: { latency: number; jitter: number };
  /** 0: drop data and hold the connection open until removed; >0: drop data, close after it. */
  timeout: { timeout: number };
  /** On the first data after `timeout` ms, drop it and reset both sockets with an RST. */
  reset_peer: { timeout: number };
  /** Pace bytes to `rate` KB/s (1 KB = 1000 bytes, as toxiproxy's bandwidth.go); 0 = unlimited. */
  bandwidth: { rate: number };
  /** Hold the close of this stream for `delay` ms after the source closed. */
  slow_close: { delay: number };
  /** Close the connection once `bytes` bytes have passed in this stream. */
  limit_data: { bytes: number };
}

export type ToxicType = keyof ToxicAttributesByType;

export const TOXIC_TYPES: readonly ToxicType[] = ['latency', 'timeout', 'reset_peer', 'bandwidth', 'slow_close', 'limit_data'];

const ATTRIBUTE_DEFAULTS: { [T in ToxicType]: ToxicAttributesByType[T] } = {
  latency: { latency: 0, jitter: 0 },
  timeout: { timeout: 0 },
  reset_peer: { timeout: 0 },
  bandwidth: { rate: 0 },
  slow_close: { delay: 0 },
  limit_data: { bytes: 0 },
};

/** A toxic as the API shows it; the discriminant `type` types its attributes. */
export type ToxicSpec = {
  [T in ToxicType]: {
    readonly name: string;
    readonly type: T;
    readonly stream: ToxicStream;
    readonly toxicity: number;
    readonly attributes: Readonly<ToxicAttributesByType[T]>;
  };
}[ToxicType];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isToxicType(value: unknown): value is ToxicType {
  return typeof value === 'string' && (TOXIC_TYPES as readonly string[]).includes(value);
}

function parseToxicity(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw badRequestBody('toxicity must be a number in [0, 1]');
  }
  return value;
}

/** Overlays `input` on `base`, keeping only the keys the type knows; every value a number >= 0. */
function mergeAttributes<T extends ToxicType>(type: T, base: ToxicAttributesByType[T], input: unknown): ToxicAttributesByType[T] {
  if (input === undefined) return { ...base };
  if (!isRecord(input)) throw badRequestBody('attributes must be an object');
  const merged: Record<string, number> = { ...(base as unknown as Record<string, number>) };
  for (const key of Object.keys(ATTRIBUTE_DEFAULTS[type])) {
    const value = input[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw badRequestBody(`attribute ${key} must be a number >= 0`);
    }
    merged[key] = value;
  }
  return merged as unknown as ToxicAttributesByType[T];
}

/** Body of `POST /proxies/{p}/toxics`. Throws ToxiproxyApiError (400) on bad input. */
export function parseToxicSpec(body: unknown): ToxicSpec {
  if (!isRecord(body)) throw badRequestBody('expected a JSON object');
  const { type, stream = 'downstream', name } = body;
  if (!isToxicType(type)) throw invalidToxicType();
  if (stream !== 'upstream' && stream !== 'downstream') throw invalidStream();
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) throw badRequestBody('name must be a non-empty string');
  return {
    name: name ?? `${type}_${stream}`,
    type,
    stream,
    toxicity: parseToxicity(body['toxicity'], 1),
    attributes: mergeAttributes(type, ATTRIBUTE_DEFAULTS[type], body['attributes']),
  } as ToxicSpec;
}

/**
 * Body of `POST /proxies/{p}/toxics/{t}`: toxiproxy decodes the update over the existing toxic,
 * so only `toxicity` and `attributes` change; name, type and stream stay.
 */
export function applyToxicUpdate(existing: ToxicSpec, body: unknown): ToxicSpec {
  if (!isRecord(body)) throw badRequestBody('expected a JSON object');
  return {
    ...existing,
    toxicity: parseToxicity(body['toxicity'], existing.toxicity),
    attributes: mergeAttributes(existing.type, existing.attributes as never, body['attributes']),
  } as ToxicSpec;
}
