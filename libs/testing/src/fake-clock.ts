/**
 * A clock that moves only when told, with a timer queue. Timers due at the same instant fire in
 * the order they were set, so a run is a pure function of its inputs (etcd-io/raft's rafttest
 * drives Tick() by hand for the same reason).
 */
export type TimerId = number;

interface Timer {
  readonly id: TimerId;
  readonly at: number;
  readonly order: number;
  readonly fn: () => void;
}

export class FakeClock {
  private t: number;
  private nextId = 1;
  private order = 0;
  // A binary heap on (at, order): thousands of timers per simulated second.
  private readonly heap: Timer[] = [];
  private readonly cancelled = new Set<TimerId>();
  private readonly live = new Set<TimerId>();

  constructor(startMs = 0) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  /** Runs `fn` at absolute time `atMs` (at once on the next run if already past). */
  at(atMs: number, fn: () => void): TimerId {
    const id = this.nextId++;
    this.live.add(id);
    this.push({ id, at: Math.max(atMs, this.t), order: this.order++, fn });
    return id;
  }

  /** Runs `fn` after `delayMs`. */
  after(delayMs: number, fn: () => void): TimerId {
    return this.at(this.t + Math.max(0, delayMs), fn);
  }

  cancel(id: TimerId): void {
    if (this.live.delete(id)) this.cancelled.add(id);
  }

  /** Time of the next live timer, or null. */
  nextAt(): number | null {
    this.dropCancelled();
    return this.heap[0]?.at ?? null;
  }

  /** Number of timers set and neither fired nor cancelled. */
  pending(): number {
    return this.live.size;
  }

  /** Fires the next timer (moving time to it); false if none. */
  runNext(): boolean {
    this.dropCancelled();
    const top = this.pop();
    if (top === undefined) return false;
    this.live.delete(top.id);
    this.t = Math.max(this.t, top.at);
    top.fn();
    return true;
  }

  /** Fires every timer due up to `untilMs` (including ones they set), then sets time to it. */
  runUntil(untilMs: number): void {
    for (;;) {
      const next = this.nextAt();
      if (next === null || next > untilMs) break;
      this.runNext();
    }
    this.t = Math.max(this.t, untilMs);
  }

  advance(ms: number): void {
    this.runUntil(this.t + ms);
  }

  private dropCancelled(): void {
    while (this.heap.length > 0) {
      const top = this.heap[0];
      if (top === undefined || !this.cancelled.has(top.id)) return;
      this.cancelled.delete(top.id);
      this.pop();
    }
  }

  private push(x: Timer): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const hp = h[p];
      if (hp === undefined || !before(x, hp)) break;
      h[i] = hp;
      i = p;
    }
    h[i] = x;
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let mv = last;
      const hl = h[l];
      const hr = h[r];
      if (hl !== undefined && before(hl, mv)) {
        m = l;
        mv = hl;
      }
      if (hr !== undefined && before(hr, mv)) {
        m = r;
        mv = hr;
      }
      if (m === i) break;
      h[i] = mv;
      i = m;
    }
    h[i] = last;
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
