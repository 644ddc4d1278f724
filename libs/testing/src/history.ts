/**
 * A generic history of what nodes observed, and checks over it (hashicorp/raft fuzzy/verifier.go
 * checks "two leaders in one term" the same way: record, then verify). Events are
 * `(t, observer, kind, data)`; the checks take accessor functions, so this file knows nothing of
 * what is being simulated.
 */
export interface HistoryEvent<D = unknown> {
  readonly seq: number;
  readonly t: number;
  readonly observer: string;
  readonly kind: string;
  readonly data: D;
}

export interface Violation<D = unknown> {
  readonly rule: string;
  readonly detail: string;
  readonly event: HistoryEvent<D>;
  /** The earlier event it conflicts with, if any. */
  readonly earlier: HistoryEvent<D> | null;
}

export class History<D = unknown> {
  private readonly evs: HistoryEvent<D>[] = [];

  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}

  record(t: number, observer: string, kind: string, data: D): HistoryEvent<D> {
    const ev = { seq: this.evs.length, t, observer, kind, data };
    if (this.evs.length < this.limit) this.evs.push(ev);
    return ev;
  }

  events(): readonly HistoryEvent<D>[] {
    return this.evs;
  }

  ofKind(kind: string): HistoryEvent<D>[] {
    return this.evs.filter((e) => e.kind === kind);
  }

  byObserver(observer: string): HistoryEvent<D>[] {
    return this.evs.filter((e) => e.observer === observer);
  }

  /** The last `n` events as lines, for a failure message. */
  tail(n: number, show: (d: D) => string = (d) => JSON.stringify(d)): string {
    return this.evs
      .slice(-n)
      .map((e) => `t=${e.t} ${e.observer} ${e.kind} ${show(e.data)}`)
      .join('\n');
  }
}

/**
 * Incremental check: per observer, the value of each event of `kind` never goes down (e.g. an
 * epoch a subscriber accepts). Feed events as they happen; returns the first violation.
 */
export class MonotonicPerObserver<D> {
  private readonly last = new Map<string, HistoryEvent<D>>();

  /** `compare` orders values (negative: first is older); pass the domain's own comparison. */
  constructor(
    readonly rule: string,
    private readonly valueOf: (d: D) => number,
    private readonly compare: (a: number, b: number) => number = (a, b) => a - b,
  ) {}

  check(ev: HistoryEvent<D>): Violation<D> | null {
    const prev = this.last.get(ev.observer);
    if (prev && this.compare(this.valueOf(ev.data), this.valueOf(prev.data)) < 0) {
      return { rule: this.rule, detail: `${ev.observer}: ${this.valueOf(ev.data)} after ${this.valueOf(prev.data)}`, event: ev, earlier: prev };
    }
    this.last.set(ev.observer, ev);
    return null;
  }
}

/**
 * Incremental check: every key has a single owner across all observers (e.g. an epoch is used by
 * one statestored only). Returns the first violation.
 */
export class UniqueOwner<D> {
  private readonly owners = new Map<string, HistoryEvent<D>>();

  constructor(
    readonly rule: string,
    private readonly keyOf: (d: D) => string,
    private readonly ownerOf: (d: D) => string,
  ) {}

  check(ev: HistoryEvent<D>): Violation<D> | null {
    const k = this.keyOf(ev.data);
    const first = this.owners.get(k);
    if (!first) {
      this.owners.set(k, ev);
      return null;
    }
    if (this.ownerOf(first.data) !== this.ownerOf(ev.data)) {
      return { rule: this.rule, detail: `${k}: ${this.ownerOf(ev.data)} and ${this.ownerOf(first.data)}`, event: ev, earlier: first };
    }
    return null;
  }
}

/** Runs the checks of a whole recorded history at once; first violation or null. */
export function firstViolation<D>(events: readonly HistoryEvent<D>[], kind: string, check: { check(ev: HistoryEvent<D>): Violation<D> | null }): Violation<D> | null {
  for (const ev of events) {
    if (ev.kind !== kind) continue;
    const v = check.check(ev);
    if (v) return v;
  }
  return null;
}

export function formatViolation<D>(v: Violation<D>, show: (d: D) => string = (d) => JSON.stringify(d)): string {
  const at = (e: HistoryEvent<D>) => `t=${e.t} ${e.observer} ${e.kind} ${show(e.data)}`;
  return `${v.rule}: ${v.detail}\n  at ${at(v.event)}${v.earlier ? `\n  earlier ${at(v.earlier)}` : ''}`;
}
