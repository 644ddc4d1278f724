/**
 * What the active toxics of one stream do to the next chunk, as data, so the rules are
 * testable without sockets. Order follows toxiproxy's chain: a dropping toxic swallows the
 * chunk before anything else sees it; latencies add up (2.0 changelog "Fix multiple latency
 * toxics not accumulating"); the slowest bandwidth wins; limit_data caps what passes.
 */
import type { ToxicSpec } from './toxic';

export type ChunkPlan =
  | { readonly kind: 'reset'; readonly afterMs: number }
  | { readonly kind: 'drop' }
  | {
      readonly kind: 'pass';
      readonly delayMs: number;
      /** Bytes per millisecond (= KB/s), or undefined for unlimited. */
      readonly bytesPerMs: number | undefined;
      /** Bytes this stream may still carry before the connection closes, or undefined. */
      readonly bytesLeft: number | undefined;
    };

/** `draw` returns a uniform number in [0, 1): jitter is latency +- jitter, as latency.go. */
export function planChunk(active: readonly ToxicSpec[], bytesPassed: number, draw: () => number): ChunkPlan {
  let delayMs = 0;
  let bytesPerMs: number | undefined;
  let bytesLeft: number | undefined;
  for (const toxic of active) {
    switch (toxic.type) {
      case 'reset_peer':
        return { kind: 'reset', afterMs: toxic.attributes.timeout };
      case 'timeout':
        return { kind: 'drop' };
      case 'latency': {
        const { latency, jitter } = toxic.attributes;
        delayMs += Math.max(0, latency + (jitter > 0 ? (draw() * 2 - 1) * jitter : 0));
        break;
      }
      case 'bandwidth':
        if (toxic.attributes.rate > 0) bytesPerMs = Math.min(bytesPerMs ?? Infinity, toxic.attributes.rate);
        break;
      case 'limit_data': {
        const left = Math.max(0, toxic.attributes.bytes - bytesPassed);
        bytesLeft = Math.min(bytesLeft ?? Infinity, left);
        break;
      }
      case 'slow_close':
        break; // acts on close, see closeDelayMs
    }
  }
  return { kind: 'pass', delayMs, bytesPerMs, bytesLeft };
}

/** slow_close: how long the close of this stream is held back. */
export function closeDelayMs(active: readonly ToxicSpec[]): number {
  let delay = 0;
  for (const toxic of active) if (toxic.type === 'slow_close') delay += toxic.attributes.delay;
  return delay;
}
