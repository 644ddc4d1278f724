/**
 * The toxics one proxied connection is subject to. Toxiproxy rolls `toxicity` once per
 * connection when a toxic reaches it (link.go builds a stub per link and toxic), not per chunk,
 * so a toxicity of 0.5 affects about half of the connections, each for its whole life.
 */
import type { ToxicSpec, ToxicStream } from './toxic';

export interface LinkToxic {
  readonly spec: ToxicSpec;
  /** The per-connection toxicity draw: false means this connection ignores the toxic. */
  readonly applies: boolean;
}

export class LinkToxics {
  private readonly byName = new Map<string, LinkToxic>();

  constructor(private readonly random: () => number) {}

  /**
   * Replaces the set. A toxic whose spec changed counts as removed and added again (toxiproxy's
   * UpdateToxic swaps the stub the same way), so its timers restart and its toxicity is redrawn.
   */
  replace(specs: readonly ToxicSpec[]): { added: LinkToxic[]; removed: LinkToxic[] } {
    const added: LinkToxic[] = [];
    const removed: LinkToxic[] = [];
    const next = new Map(specs.map((spec) => [spec.name, spec] as const));
    for (const [name, current] of this.byName) {
      const spec = next.get(name);
      if (spec === undefined || spec !== current.spec) {
        this.byName.delete(name);
        removed.push(current);
      }
    }
    for (const spec of specs) {
      if (this.byName.has(spec.name)) continue;
      const toxic: LinkToxic = { spec, applies: this.random() < spec.toxicity };
      this.byName.set(spec.name, toxic);
      added.push(toxic);
    }
    return { added, removed };
  }

  /** Toxics of one stream that this connection drew, in the order they were added. */
  active(stream: ToxicStream): ToxicSpec[] {
    const result: ToxicSpec[] = [];
    for (const toxic of this.byName.values()) {
      if (toxic.applies && toxic.spec.stream === stream) result.push(toxic.spec);
    }
    return result;
  }

  all(): LinkToxic[] {
    return [...this.byName.values()];
  }
}
