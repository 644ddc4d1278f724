/**
 * What the active toxics of one stream do to the next chunk, as data, so the rules are testable
 * without sockets. Toxiproxy runs a chunk through its chain in the order the toxics were added:
 * the first timeout swallows it (and restarts its idle timer), the first reset_peer swallows it
 * and arms the close, latencies add up (2.0 changelog "Fix multiple latency toxics not
 * accumulating"), noop does nothing.
 */
import { assertNever } from './assert-never';
import type { ToxicSpec } from './toxic';

export type ChunkPlan =
  | { readonly kind: 'reset'; readonly by: ToxicSpec; readonly afterMs: number }
  | { readonly kind: 'drop'; readonly by: ToxicSpec }
  | { readonly kind: 'pass'; readonly delayMs: number };

/** `draw` returns a uniform number in [0, 1): jitter is latency + [-jitter, +jitter), as latency.go. */
export function planChunk(active: readonly ToxicSpec[], draw: () => number): ChunkPlan {
  let delayMs = 0;
  for (const toxic of active) {
    switch (toxic.type) {
      case 'reset_peer':
        return { kind: 'reset', by: toxic, afterMs: Math.max(0, toxic.attributes.timeout) };
      case 'timeout':
        return { kind: 'drop', by: toxic };
      case 'latency': {
        const { latency, jitter } = toxic.attributes;
        // rand.Int63n(jitter*2) - jitter: an integer in [-jitter, jitter).
        delayMs += latency + (jitter > 0 ? Math.floor(draw() * 2 * jitter) - jitter : 0);
        break;
      }
      case 'noop':
        break;
      default:
        return assertNever(toxic);
    }
  }
  // A negative total (negative latency or jitter) sends at once, as Go's time.After does.
  return { kind: 'pass', delayMs: Math.max(0, delayMs) };
}
