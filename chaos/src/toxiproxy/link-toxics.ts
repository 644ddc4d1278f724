/**
 * The toxics one proxied connection is subject to, with its toxicity draws. Toxiproxy draws
 * `toxicity` each time a toxic's stub starts running on a connection (toxics/toxic.go Run): when
 * the connection opens or the toxic is added, and again whenever a neighbouring toxic on the same
 * stream is added or removed. We draw once per connection and toxic, when it reaches the
 * connection (a documented difference, chaos/README.md): toxicity 0 and 1, all the suites use,
 * behave the same on both.
 */
import { streamOf } from './toxic';
import type { ToxicSpec, ToxicStream } from './toxic';

export interface LinkToxic {
  readonly spec: ToxicSpec;
  /** The per-connection toxicity draw: false means this connection ignores the toxic. */
  readonly applies: boolean;
}

export class LinkToxics {
  private readonly byName = new Map<string, LinkToxic>();

  constructor(private readonly random: () => number) {}

  /** Replaces the set; says which toxics reached the connection and which left it. */
  replace(specs: readonly ToxicSpec[]): { added: LinkToxic[]; removed: LinkToxic[] } {
    const added: LinkToxic[] = [];
    const removed: LinkToxic[] = [];
    const next = new Map(specs.map((spec) => [spec.name, spec] as const));
    for (const [name, current] of this.byName) {
      if (next.get(name) !== current.spec) {
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
      if (toxic.applies && streamOf(toxic.spec) === stream) result.push(toxic.spec);
    }
    return result;
  }
}
