/**
 * The HA peer link in memory (hashicorp/raft inmem_transport.go): two statestoreds' clients call
 * each other's handlers, each call and its answer one scheduler turn later, so the runners see
 * the same asynchrony as over gRPC. cut()/heal() are here, not on the transport interface.
 */
import type { HaAnswer, HaPeerClient, HaPeerHandler, HaRpcResult, PeerLink } from './ha-transport';

/** Runs `fn` after the current turn (a fake clock's timer in specs). */
export type Defer = (fn: () => void) => void;

export class InmemHaNetwork {
  private readonly handlers = new Map<string, HaPeerHandler>();
  private readonly down = new Set<string>();
  private readonly watchers = new Map<string, Array<(state: PeerLink) => void>>();
  private cutNow = false;

  constructor(private readonly defer: Defer) {}

  /** The client `from` uses to reach `to`. */
  client(from: string, to: string): HaPeerClient {
    const call = <T>(ask: (h: HaPeerHandler) => HaAnswer<T>, done: (r: HaRpcResult<T>) => void): void => {
      this.defer(() => {
        const h = this.handlers.get(to);
        if (this.cutNow || h === undefined || this.down.has(to) || this.down.has(from)) return done({ ok: false, error: `${to} unreachable` });
        const a = ask(h);
        this.defer(() => {
          if (this.cutNow || this.down.has(from)) return;
          done('reply' in a ? { ok: true, value: a.reply } : { ok: false, error: `${a.refusal}: ${a.message}` });
        });
      });
    };
    return {
      handshake: (req, done) => call((h) => h.handshake(1, req), done),
      heartbeat: (req, done) => call((h) => h.heartbeat(req), done),
      watch: (onLink) => {
        // A watch reports changes, as the gRPC stream does: the first look and a serve() in the
        // same turn must not say 'up' twice.
        let last: PeerLink | undefined;
        const report = (state: PeerLink): void => {
          if (state === last) return;
          last = state;
          onLink(state);
        };
        this.watchers.set(to, [...(this.watchers.get(to) ?? []), report]);
        this.defer(() => report(this.down.has(to) || !this.handlers.has(to) ? (this.cutNow ? 'down' : 'refused') : 'up'));
      },
      close: () => undefined,
    };
  }

  serve(name: string, handler: HaPeerHandler): void {
    this.handlers.set(name, handler);
    this.down.delete(name);
    for (const w of this.watchers.get(name) ?? []) this.defer(() => w('up'));
  }

  /** The process died: watches on it end (FIN), and reconnecting is refused unless the link is cut. */
  stop(name: string): void {
    this.down.add(name);
    for (const w of this.watchers.get(name) ?? []) {
      this.defer(() => w('down'));
      if (!this.cutNow) this.defer(() => w('refused'));
    }
  }

  cut(): void {
    this.cutNow = true;
  }

  heal(): void {
    this.cutNow = false;
  }
}
