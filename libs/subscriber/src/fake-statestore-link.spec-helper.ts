import type { RegisterResponse, StatestoreMessage, SubscriberMessage } from '@statestore-ha/proto';
import type { LinkClosed, StatestoreLink } from './link';

type UpKind = NonNullable<SubscriberMessage['kind']>;
type UpCase = UpKind['$case'];
type UpValue<K extends UpCase> = Extract<UpKind, { $case: K }>['value'];

/**
 * An in-memory StatestoreLink for specs (STYLE.md §2: the interface's twin): what the subscriber
 * sends is recorded, and the spec plays the statestored by delivering messages and closing it.
 * Not exported from index.ts; only specs import it.
 */
export class FakeStatestoreLink implements StatestoreLink {
  readonly sent: SubscriberMessage[] = [];
  /** Sends after close(): a real stream drops them, so a spec can assert there are none. */
  readonly sentAfterClose: SubscriberMessage[] = [];
  /** The stream has ended, from either side. */
  closed = false;
  /** The subscriber called close(). */
  closeCalls = 0;
  private readonly messageFns: Array<(msg: StatestoreMessage) => void> = [];
  private closedFns: Array<(why: LinkClosed) => void> = [];

  send(msg: SubscriberMessage): void {
    (this.closed || this.closeCalls > 0 ? this.sentAfterClose : this.sent).push(msg);
  }

  onMessage(fn: (msg: StatestoreMessage) => void): void {
    this.messageFns.push(fn);
  }

  onClosed(fn: (why: LinkClosed) => void): void {
    this.closedFns.push(fn);
  }

  /**
   * Like the grpc link: closing from our side ends the stream, and its listeners hear of it a
   * moment later (grpc-js emits 'error'/'end' asynchronously).
   */
  close(): Promise<void> {
    this.closeCalls++;
    return new Promise((resolve) =>
      queueMicrotask(() => {
        this.fail({ kind: 'cancelled', code: 1, message: 'closed by the subscriber', retryable: true });
        resolve();
      }),
    );
  }

  // ---- the statestored's side -----------------------------------------------------------------

  deliver(msg: StatestoreMessage): void {
    if (this.closed) throw new Error('deliver on a closed link');
    for (const fn of this.messageFns) fn(msg);
  }

  registerReply(fields: Partial<RegisterResponse> = {}): void {
    this.deliver({
      kind: {
        $case: 'register',
        value: { registrationId: 'reg-1', protocolVersion: 1, statestoreId: 'ss-1', statestoreIsActive: true, activeEpoch: 0, ...fields },
      },
    });
  }

  /** The stream ended (statestored died, rejected us, ...). */
  fail(why: LinkClosed): void {
    if (this.closed) return;
    this.closed = true;
    const fns = this.closedFns;
    this.closedFns = [];
    for (const fn of fns) fn(why);
  }

  /** The sent messages of one kind, values only. */
  sentOf<K extends UpCase>(kind: K): Array<UpValue<K>> {
    return this.sent.flatMap((m) => (m.kind?.$case === kind ? [m.kind.value as UpValue<K>] : []));
  }
}

/** A statestored as a sequence of links: every connection attempt of the subscriber makes a new one. */
export class FakeStatestored {
  readonly links: FakeStatestoreLink[] = [];
  readonly linkFactory = (): FakeStatestoreLink => {
    const l = new FakeStatestoreLink();
    this.links.push(l);
    return l;
  };

  get last(): FakeStatestoreLink {
    const l = this.links[this.links.length - 1];
    if (l === undefined) throw new Error('no link was opened');
    return l;
  }
}

/** Polls until `cond` holds (the subscriber's connect loop runs on promises and timers). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
