/**
 * A simulated message network between named nodes, on a FakeClock and a SeededPrng
 * (hashicorp/raft's inmem_transport.go and fuzzy/ transport hooks; etcd-io/raft's rafttest
 * network). It only moves opaque messages; what they mean is the caller's business.
 *
 * Faults:
 * - crash(node): the node is down; it neither sends nor receives, and what was in flight to it
 *   is lost. restart(node) brings it back (the caller installs a fresh handler).
 * - pause(node): a SIGSTOPped process: messages to it wait and are delivered on resume(node),
 *   in order; the caller must not run the node's timers meanwhile (see isPaused).
 * - partition(a, b): both directions cut; cutOneWay(from, to): only that direction.
 *   heal(a, b) / healAll() undo them. A message is checked when sent and when it arrives.
 * - setLink(from, to, {minDelayMs, maxDelayMs, dropRate}): per-direction delay (uniform from
 *   the PRNG) and loss. Each direction stays FIFO, like the one gRPC stream per link it stands
 *   for.
 */
import type { FakeClock } from './fake-clock';
import type { SeededPrng } from './seeded-prng';

export type Handler<M> = (from: string, msg: M) => void;

export interface LinkConditions {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Probability in [0, 1] that a message is silently lost. */
  readonly dropRate: number;
}

export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
}

/** One direction between two nodes. */
interface Link {
  cut: boolean;
  conditions: LinkConditions | null;
  /** Arrival time of the last message sent on it: later ones never overtake it (FIFO). */
  lastArrival: number;
}

interface NodeEntry<M> {
  handler: Handler<M>;
  up: boolean;
  paused: boolean;
  /** Incarnation: messages addressed to an earlier life are lost. */
  life: number;
  held: Array<{ from: string; msg: M }>;
}

export class SimNetwork<M> {
  private readonly nodes = new Map<string, NodeEntry<M>>();
  // from -> to -> link; nested maps, not "from|to" strings: send() is the simulator's hot path.
  private readonly links = new Map<string, Map<string, Link>>();
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0 };

  constructor(
    private readonly clock: FakeClock,
    private readonly prng: SeededPrng,
    private readonly defaults: LinkConditions = { minDelayMs: 1, maxDelayMs: 1, dropRate: 0 },
  ) {}

  /** Adds a node (up), or replaces the handler of an existing one. */
  register(name: string, handler: Handler<M>): void {
    const e = this.nodes.get(name);
    if (e) e.handler = handler;
    else this.nodes.set(name, { handler, up: true, paused: false, life: 0, held: [] });
  }

  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  send(from: string, to: string, msg: M): void {
    this.stats.sent++;
    const src = this.nodes.get(from);
    const dst = this.nodes.get(to);
    const link = this.link(from, to);
    if (!src?.up || src.paused || !dst?.up || link.cut) {
      this.stats.dropped++;
      return;
    }
    const c = link.conditions ?? this.defaults;
    if (c.dropRate > 0 && this.prng.chance(c.dropRate)) {
      this.stats.dropped++;
      return;
    }
    const delay = c.minDelayMs + (c.maxDelayMs > c.minDelayMs ? this.prng.next() * (c.maxDelayMs - c.minDelayMs) : 0);
    const at = Math.max(this.clock.now() + delay, link.lastArrival);
    link.lastArrival = at;
    const life = dst.life;
    this.clock.at(at, () => this.arrive(from, to, msg, life));
  }

  private arrive(from: string, to: string, msg: M, life: number): void {
    const dst = this.nodes.get(to);
    if (!dst || !dst.up || dst.life !== life || !this.open(from, to)) {
      this.stats.dropped++;
      return;
    }
    if (dst.paused) {
      dst.held.push({ from, msg });
      return;
    }
    this.stats.delivered++;
    dst.handler(from, msg);
  }

  private open(from: string, to: string): boolean {
    return !this.link(from, to).cut;
  }

  private link(from: string, to: string): Link {
    let m = this.links.get(from);
    if (m === undefined) {
      m = new Map();
      this.links.set(from, m);
    }
    let l = m.get(to);
    if (l === undefined) {
      l = { cut: false, conditions: null, lastArrival: 0 };
      m.set(to, l);
    }
    return l;
  }

  // ---- faults ------------------------------------------------------------------------------

  crash(name: string): void {
    const e = this.entry(name);
    e.up = false;
    e.paused = false;
    this.stats.dropped += e.held.length;
    e.held = [];
    e.life++;
  }

  restart(name: string, handler?: Handler<M>): void {
    const e = this.entry(name);
    e.up = true;
    if (handler) e.handler = handler;
  }

  isUp(name: string): boolean {
    return this.entry(name).up;
  }

  pause(name: string): void {
    this.entry(name).paused = true;
  }

  resume(name: string): void {
    const e = this.entry(name);
    if (!e.paused) return;
    e.paused = false;
    const held = e.held;
    e.held = [];
    for (const h of held) {
      if (!e.up || e.paused) break;
      this.stats.delivered++;
      e.handler(h.from, h.msg);
    }
  }

  isPaused(name: string): boolean {
    return this.entry(name).paused;
  }

  /**
   * A connect from `from` to `to` is refused: `to` is down (nobody listens on its port) while the
   * path both ways is open, so the kernel's RST comes back. A cut path answers nothing (a
   * timeout), and a paused process still has its ports open.
   */
  refuses(from: string, to: string): boolean {
    const a = this.entry(from);
    const b = this.entry(to);
    return a.up && !a.paused && !b.up && this.open(from, to) && this.open(to, from);
  }

  /** Whether `from` can currently send to `to` (no cut, both up and not paused). */
  canReach(from: string, to: string): boolean {
    const a = this.entry(from);
    const b = this.entry(to);
    return a.up && !a.paused && b.up && !b.paused && this.open(from, to);
  }

  partition(a: string, b: string): void {
    this.link(a, b).cut = true;
    this.link(b, a).cut = true;
  }

  cutOneWay(from: string, to: string): void {
    this.link(from, to).cut = true;
  }

  heal(a: string, b: string): void {
    this.link(a, b).cut = false;
    this.link(b, a).cut = false;
  }

  /** Cuts every link between the two groups (both directions). */
  partitionGroups(left: readonly string[], right: readonly string[]): void {
    for (const a of left) for (const b of right) this.partition(a, b);
  }

  /** Heals every cut and restores the default conditions on every link. */
  healAll(): void {
    for (const m of this.links.values()) {
      for (const l of m.values()) {
        l.cut = false;
        l.conditions = null;
      }
    }
  }

  setLink(from: string, to: string, c: LinkConditions): void {
    if (c.minDelayMs < 0 || c.maxDelayMs < c.minDelayMs || c.dropRate < 0 || c.dropRate > 1) {
      throw new Error(`SimNetwork.setLink: bad conditions ${JSON.stringify(c)}`);
    }
    this.link(from, to).conditions = c;
  }

  private entry(name: string): NodeEntry<M> {
    const e = this.nodes.get(name);
    if (!e) throw new Error(`SimNetwork: unknown node ${name}`);
    return e;
  }
}
