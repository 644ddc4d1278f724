/**
 * The toxics our server implements, with toxiproxy 2.12.0's JSON shape, defaults and input rules
 * (toxic_collection.go AddToxicJson; toxics/*.go): `{name, type, stream, toxicity, attributes}`,
 * stream defaults to downstream (case-insensitive, kept as sent), toxicity to 1 (any number: Go
 * takes a float32 and compares a draw in [0, 1) with it), name to `<type>_<stream>`, attributes
 * to 0 and must be integers (Go int64) of any sign. Only what the chaos suites use is here;
 * upstream's other toxics are refused by name (see NOT_IMPLEMENTED_TOXICS).
 */
import { badRequestBody, invalidStream, invalidToxicType, toxicAlreadyExists, toxicTypeNotImplemented } from './api-error';

/** upstream = client -> server bytes, downstream = server -> client bytes. */
export type ToxicStream = 'upstream' | 'downstream';

export interface ToxicAttributesByType {
  /** Delay each chunk by `latency` ms plus a uniform draw from [-jitter, +jitter) ms. */
  latency: { latency: number; jitter: number };
  /** Drop data; > 0: close the stream once no data came for `timeout` ms; <= 0: hold it open. */
  timeout: { timeout: number };
  /** On the first data, drop it and close the stream `timeout` ms later (RST if armed at connect). */
  reset_peer: { timeout: number };
  /** Pass data untouched (upstream registers it as a type too). */
  noop: Record<string, never>;
}

export type ToxicType = keyof ToxicAttributesByType;

export const TOXIC_TYPES: readonly ToxicType[] = ['latency', 'timeout', 'reset_peer', 'noop'];

/** Upstream's other toxics: a clear "not implemented" instead of toxiproxy's "invalid toxic type". */
export const NOT_IMPLEMENTED_TOXICS: readonly string[] = ['bandwidth', 'slow_close', 'limit_data', 'slicer'];

const ATTRIBUTE_DEFAULTS: { [T in ToxicType]: ToxicAttributesByType[T] } = {
  latency: { latency: 0, jitter: 0 },
  timeout: { timeout: 0 },
  reset_peer: { timeout: 0 },
  noop: {},
};

/** A toxic as the API shows it; the discriminant `type` types its attributes. */
export type ToxicSpec = {
  [T in ToxicType]: {
    readonly name: string;
    readonly type: T;
    /** As the client spelled it ("UPSTREAM" is upstream); see streamOf. */
    readonly stream: string;
    readonly toxicity: number;
    readonly attributes: Readonly<ToxicAttributesByType[T]>;
  };
}[ToxicType];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isToxicType(value: string): value is ToxicType {
  return (TOXIC_TYPES as readonly string[]).includes(value);
}

/** stream.ParseDirection: case-insensitive. */
export function streamOf(spec: Pick<ToxicSpec, 'stream'>): ToxicStream {
  return spec.stream.toLowerCase() === 'upstream' ? 'upstream' : 'downstream';
}

/** A JSON field Go decodes into a typed struct field: null leaves the default, a wrong type is a 400. */
function field<T>(body: Record<string, unknown>, key: string, fallback: T, accepts: (value: unknown) => value is T, what: string): T {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (!accepts(value)) throw badRequestBody(`${key} must be ${what}`);
  return value;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);

function parseAttributes<T extends ToxicType>(type: T, input: unknown): ToxicAttributesByType[T] {
  const defaults = ATTRIBUTE_DEFAULTS[type] as unknown as Record<string, number>;
  if (!isRecord(input)) return { ...defaults } as unknown as ToxicAttributesByType[T];
  const parsed: Record<string, number> = {};
  // Unknown keys are ignored, as Go's decoder does.
  for (const [key, fallback] of Object.entries(defaults)) parsed[key] = field(input, key, fallback, isInteger, 'an integer');
  return parsed as unknown as ToxicAttributesByType[T];
}

/**
 * Body of `POST /proxies/{p}/toxics`, checked in toxiproxy's order: field types, stream, type,
 * then (by the caller) the name's uniqueness, then attributes. Throws ToxiproxyApiError.
 */
export function parseToxicSpec(body: unknown, nameTaken: (name: string) => boolean): ToxicSpec {
  if (!isRecord(body)) throw badRequestBody(body === undefined ? 'EOF' : 'expected a JSON object');
  const type = field(body, 'type', '', isString, 'a string');
  const stream = field(body, 'stream', 'downstream', isString, 'a string');
  const toxicity = field(body, 'toxicity', 1, isNumber, 'a number');
  const name = field(body, 'name', '', isString, 'a string') || `${type}_${stream}`;
  // Go decodes the whole body once before looking at anything: attributes of the wrong JSON kind fail there.
  if (body['attributes'] !== undefined && body['attributes'] !== null && !isRecord(body['attributes'])) throw badRequestBody('attributes must be an object');
  if (!['upstream', 'downstream'].includes(stream.toLowerCase())) throw invalidStream();
  if (NOT_IMPLEMENTED_TOXICS.includes(type)) throw toxicTypeNotImplemented(type, TOXIC_TYPES);
  if (!isToxicType(type)) throw invalidToxicType();
  if (nameTaken(name)) throw toxicAlreadyExists();
  return { name, type, stream, toxicity, attributes: parseAttributes(type, body['attributes']) } as ToxicSpec;
}
