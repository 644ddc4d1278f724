/**
 * The node's randomness, as a parameter: a seeded mulberry32 state the edge seeds once (the
 * daemon from crypto, the simulator from its run seed), so a simulated run replays exactly.
 */
import type { NodeState } from './node-state';

/** Uniform in [0, 1); advances the node's generator. */
export function drawRandom(s: NodeState): number {
  s.rng = (s.rng + 0x6d2b79f5) >>> 0;
  let t = s.rng;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
