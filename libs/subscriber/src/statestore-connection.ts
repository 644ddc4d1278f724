import { backOff } from 'exponential-backoff';
import type { RegisterRequest, RegisterResponse, StatestoreMessage, SubscriberMessage } from '@statestore-ha/proto';
import { TopicView } from '@statestore-ha/topics';
import type { LinkClosed, LinkFactory, StatestoreLink } from './link';

export type ConnectionPhase = 'connecting' | 'registered' | 'rejected' | 'stopped';

export interface ConnectionHandlers {
  registered(reply: RegisterResponse): void;
  message(msg: StatestoreMessage): void;
  lost(why: LinkClosed): void;
  /** A registration attempt failed; the loop retries after a backoff unless `why.retryable` is false. */
  attemptFailed(why: LinkClosed, attempt: number): void;
}

export interface ConnectionOptions {
  /** 1 for --state_store_host/port, 2 for --state_store_2_host/port. */
  index: 1 | 2;
  address: string;
  linkFactory: LinkFactory;
  buildRegister: () => RegisterRequest;
  /** statestore_subscriber_timeout_seconds: no heartbeat this long and the link is torn down. */
  heartbeatTimeoutMs: number;
  registerTimeoutMs: number;
  backoff: { startingDelayMs: number; maxDelayMs: number };
  /** Attempts before giving up at startup; Infinity with tolerate_statestore_startup_delay. */
  startupAttempts: number;
  handlers: ConnectionHandlers;
  now: () => number;
}

class AttemptFailed extends Error {
  override readonly name = 'AttemptFailed';
  constructor(readonly why: LinkClosed) {
    super(why.message);
  }
}

/**
 * One subscriber's relation to one statestored: connect, register, keep the link, notice a silent
 * statestored (Impala's TimeoutFailureDetector), and register again with backoff (Impala's
 * RecoveryModeChecker loop) whenever the link is lost. Its TopicView is the subscriber's view of the
 * topics as THIS statestored sent them: versions are per statestored.
 */
export class StatestoreConnection {
  phase: ConnectionPhase = 'connecting';
  registration: RegisterResponse | undefined;
  lastHeartbeatMs: number | undefined;
  registrations = 0;
  readonly view = new TopicView();
  private link: StatestoreLink | undefined;
  private everRegistered = false;
  private pendingAttempt: { link: StatestoreLink; timer: NodeJS.Timeout } | undefined;

  constructor(private readonly opts: ConnectionOptions) {}

  get index(): 1 | 2 {
    return this.opts.index;
  }

  get address(): string {
    return this.opts.address;
  }

  start(): void {
    void this.connectLoop();
  }

  /** Unregisters cleanly (the statestored drops our entries now) and closes the link. */
  async stop(): Promise<void> {
    const link = this.link;
    if (this.phase === 'registered') link?.send({ kind: { $case: 'unregister', value: {} } });
    this.phase = 'stopped';
    this.link = undefined;
    // A registration still waiting for its reply has a stream and a timer of its own.
    const pending = this.pendingAttempt;
    this.pendingAttempt = undefined;
    if (pending) clearTimeout(pending.timer);
    await Promise.all([link?.close(), pending?.link.close()]);
  }

  send(msg: SubscriberMessage): boolean {
    if (this.phase !== 'registered' || this.link === undefined) return false;
    this.link.send(msg);
    return true;
  }

  heartbeatReceived(): void {
    this.lastHeartbeatMs = this.opts.now();
  }

  /** Called by the subscriber's shared timer. */
  checkTimeout(): void {
    if (this.phase !== 'registered' || this.lastHeartbeatMs === undefined) return;
    const silentMs = this.opts.now() - this.lastHeartbeatMs;
    if (silentMs > this.opts.heartbeatTimeoutMs) {
      this.drop({ kind: 'unavailable', code: 4, message: `no heartbeat for ${silentMs} ms (statestore_subscriber_timeout_seconds)`, retryable: true });
    }
  }

  private drop(why: LinkClosed): void {
    const link = this.link;
    if (link === undefined) return;
    this.link = undefined;
    void link.close();
    this.linkLost(why);
  }

  private linkLost(why: LinkClosed): void {
    if (this.phase === 'stopped') return;
    this.phase = 'connecting';
    this.registration = undefined;
    this.opts.handlers.lost(why);
    void this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    try {
      await backOff(() => this.attempt(), {
        numOfAttempts: this.everRegistered ? Number.POSITIVE_INFINITY : this.opts.startupAttempts,
        startingDelay: this.opts.backoff.startingDelayMs,
        maxDelay: this.opts.backoff.maxDelayMs,
        jitter: 'full',
        delayFirstAttempt: this.everRegistered,
        retry: (err: unknown, attempt: number) => {
          if (this.phase === 'stopped') return false;
          const why = err instanceof AttemptFailed ? err.why : { kind: 'unavailable' as const, code: 2, message: String(err), retryable: true };
          this.opts.handlers.attemptFailed(why, attempt);
          if (!why.retryable) this.phase = 'rejected';
          return why.retryable;
        },
      });
    } catch {
      if (this.phase !== 'stopped') this.phase = 'rejected';
    }
  }

  /** One registration attempt: resolves once the statestored answered the registration. */
  private attempt(): Promise<void> {
    if (this.phase === 'stopped') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const link = this.opts.linkFactory();
      let registered = false;
      const timer = setTimeout(() => {
        this.pendingAttempt = undefined;
        void link.close();
        reject(new AttemptFailed({ kind: 'unavailable', code: 4, message: `no registration reply in ${this.opts.registerTimeoutMs} ms`, retryable: true }));
      }, this.opts.registerTimeoutMs);
      this.pendingAttempt = { link, timer };
      link.onClosed((why) => {
        clearTimeout(timer);
        if (this.pendingAttempt?.link === link) this.pendingAttempt = undefined;
        if (!registered) return reject(new AttemptFailed(why));
        if (this.link === link) {
          this.link = undefined;
          this.linkLost(why);
        }
      });
      link.onMessage((msg) => {
        if (this.link !== link && registered) return;
        if (msg.kind?.$case === 'register') {
          if (registered) return;
          registered = true;
          clearTimeout(timer);
          this.pendingAttempt = undefined;
          if (this.phase === 'stopped') {
            void link.close();
            return resolve();
          }
          this.link = link;
          this.phase = 'registered';
          this.everRegistered = true;
          this.registrations++;
          this.registration = msg.kind.value;
          // A new registration starts from version 0 on the statestore side: the view starts over too.
          this.view.reset();
          this.lastHeartbeatMs = this.opts.now();
          this.opts.handlers.registered(msg.kind.value);
          return resolve();
        }
        if (registered) this.opts.handlers.message(msg);
      });
      link.send({ kind: { $case: 'register', value: this.opts.buildRegister() } });
    });
  }
}
