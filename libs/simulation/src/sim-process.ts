/**
 * What the simulated daemons share: timers that die with the process and wait while it is
 * paused (a SIGSTOPped process runs its overdue timers when continued).
 */
import type { FakeClock, SimNetwork } from '@statestore-ha/testing';
import type { SimMessage } from './sim-messages';

export abstract class SimProcess {
  /** Incarnation; timers of an earlier one are dead. */
  protected life = 0;
  private paused = false;
  private deferred: Array<() => void> = [];

  constructor(
    readonly name: string,
    protected readonly clock: FakeClock,
    protected readonly net: SimNetwork<SimMessage>,
  ) {
    net.register(name, (from, msg) => this.receive(from, msg));
  }

  get up(): boolean {
    return this.net.isUp(this.name);
  }

  protected abstract receive(from: string, msg: SimMessage): void;

  /** Starts (or restarts) the process's logic. */
  protected abstract boot(): void;

  protected after(delayMs: number, fn: () => void): number {
    const life = this.life;
    return this.clock.after(delayMs, () => {
      if (this.life !== life) return;
      if (this.paused) this.deferred.push(fn);
      else fn();
    });
  }

  protected every(periodMs: number, fn: () => void): void {
    const loop = () => {
      fn();
      this.after(periodMs, loop);
    };
    this.after(periodMs, loop);
  }

  protected send(to: string, msg: SimMessage): void {
    this.net.send(this.name, to, msg);
  }

  /**
   * Opens a connection with `msg` as its first message: refused at once (a millisecond later) when
   * nobody listens at `to` (SimNetwork.refuses), else sent like any message.
   */
  protected connect(to: string, msg: SimMessage, onRefused: () => void): void {
    if (this.net.refuses(this.name, to)) this.after(1, onRefused);
    else this.send(to, msg);
  }

  start(): void {
    this.boot();
  }

  crash(): void {
    this.life++;
    this.paused = false;
    this.deferred = [];
    this.net.crash(this.name);
  }

  restart(): void {
    this.net.restart(this.name);
    this.boot();
  }

  pause(): void {
    this.paused = true;
    this.net.pause(this.name);
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const overdue = this.deferred;
    this.deferred = [];
    for (const fn of overdue) fn();
    this.net.resume(this.name);
  }

  isPaused(): boolean {
    return this.paused;
  }
}
