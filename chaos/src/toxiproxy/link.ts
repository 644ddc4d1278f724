/**
 * One proxied TCP connection: the accepted client socket, the socket to the upstream, and a
 * pipe per direction that runs every chunk through the connection's toxics. Toxics added or
 * removed while the connection is open apply to it at once, as in toxiproxy (toxic_collection.go
 * re-chains every live link), which the chaos suites rely on to cut long-lived gRPC streams.
 *
 * Closing follows toxiproxy 2.12.0 (link.go, proxy.go), checked against the binary by
 * toxiproxy-differential.spec.ts:
 * - no half-close: when one side ends (FIN, RST or error), the pipe from it delivers what it
 *   holds and then closes the other socket entirely; the reverse pipe then does the same;
 * - a close is a FIN, unless a reset_peer toxic was present when the connection was accepted:
 *   link.go then sets SO_LINGER 0 on both sockets, and every later close is an RST (a reset_peer
 *   added to a live connection closes it with a FIN);
 * - removing a timeout toxic closes the streams it was on (timeout.go Cleanup), even on
 *   connections whose toxicity draw skipped it;
 * - any change to a stream's toxics releases a chunk held by latency at once (a toxic's stub is
 *   interrupted and "exits fast without applying latency").
 */
import * as net from 'node:net';
import { assertNever } from './assert-never';
import { LinkToxics } from './link-toxics';
import { streamOf } from './toxic';
import { planChunk } from './toxic-effects';
import type { HostPort } from './host-port';
import type { ToxicSpec, ToxicStream } from './toxic';

/** Pause the source above this many queued chunks, so a slow toxic holds memory bounded. */
const HIGH_WATER_CHUNKS = 64;

export class Link {
  private readonly toxics: LinkToxics;
  private readonly upstream: net.Socket;
  private readonly pipes: Record<ToxicStream, StreamPipe>;
  private readonly lingerZero: boolean;
  /** timeout > 0 toxics this connection drew, by name: close their stream after that long without data. */
  private readonly idleTimers = new Map<string, { timer: NodeJS.Timeout; spec: ToxicSpec }>();
  private readonly resetTimers = new Map<ToxicStream, NodeJS.Timeout>();

  constructor(
    private readonly client: net.Socket,
    upstreamAddress: HostPort | undefined,
    toxics: readonly ToxicSpec[],
    private readonly onClosed: (link: Link) => void,
    private readonly random: () => number = Math.random,
  ) {
    this.toxics = new LinkToxics(random);
    this.lingerZero = toxics.some((t) => t.type === 'reset_peer');
    client.setNoDelay(true);
    this.upstream = new net.Socket({ allowHalfOpen: true });
    this.pipes = {
      upstream: new StreamPipe(client, this.upstream, this, random),
      downstream: new StreamPipe(this.upstream, client, this, random),
    };
    for (const socket of [client, this.upstream]) {
      socket.on('error', () => undefined); // a 'close' follows; the pipes act on it
      socket.on('close', () => this.onSocketClosed());
    }
    this.setToxics(toxics);
    if (!upstreamAddress) {
      // proxy.go: an upstream that cannot be dialled closes the client (a FIN).
      this.upstream.destroy();
      this.closeSocket(client);
      return;
    }
    let connected = false;
    this.upstream.once('connect', () => {
      connected = true;
      this.upstream.setNoDelay(true);
      this.pipes.upstream.start('upstream');
      this.pipes.downstream.start('downstream');
    });
    this.upstream.once('close', () => {
      if (!connected) this.closeSocket(client);
    });
    this.upstream.connect({ host: upstreamAddress.host, port: upstreamAddress.port });
  }

  setToxics(specs: readonly ToxicSpec[]): void {
    const { added, removed } = this.toxics.replace(specs);
    const changed = new Set<ToxicStream>();
    for (const { spec } of removed) {
      changed.add(streamOf(spec));
      const idle = this.idleTimers.get(spec.name);
      if (idle) clearTimeout(idle.timer);
      this.idleTimers.delete(spec.name);
      if (spec.type === 'timeout') this.closeStream(streamOf(spec));
    }
    for (const { spec, applies } of added) {
      changed.add(streamOf(spec));
      if (applies && spec.type === 'timeout' && spec.attributes.timeout > 0) this.touchIdle(spec);
    }
    for (const stream of changed) this.pipes[stream].releaseHeld();
  }

  activeToxics(stream: ToxicStream): ToxicSpec[] {
    return this.toxics.active(stream);
  }

  /** reset_peer: the first chunk arms it; the stream closes `afterMs` later (reset_peer.go). */
  armReset(stream: ToxicStream, afterMs: number): void {
    if (this.resetTimers.has(stream)) return;
    this.resetTimers.set(stream, setTimeout(() => this.closeStream(stream), afterMs));
  }

  /** A chunk was dropped by a timeout toxic: timeout.go restarts its time.After on every chunk. */
  touchIdle(spec: ToxicSpec): void {
    if (spec.type !== 'timeout' || spec.attributes.timeout <= 0) return;
    clearTimeout(this.idleTimers.get(spec.name)?.timer);
    this.idleTimers.set(spec.name, { spec, timer: setTimeout(() => this.closeStream(streamOf(spec)), spec.attributes.timeout) });
  }

  /** A toxic's stub closed: the stream's destination closes now; the other direction follows. */
  closeStream(stream: ToxicStream): void {
    this.pipes[stream].abort();
  }

  /** Proxy deleted or the server stopping: proxy.go closes both connections. */
  closeAll(): void {
    this.pipes.upstream.abort();
    this.pipes.downstream.abort();
  }

  closeSocket(socket: net.Socket): void {
    if (socket.destroyed) return;
    if (!this.lingerZero) {
      socket.destroySoon(); // FIN once what was written is flushed, as a Go Close() would
      return;
    }
    try {
      socket.resetAndDestroy();
    } catch {
      socket.destroy(); // not connected yet: nothing to reset
    }
  }

  private onSocketClosed(): void {
    if (!this.client.destroyed || !this.upstream.destroyed) return;
    for (const { timer } of this.idleTimers.values()) clearTimeout(timer);
    for (const timer of this.resetTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    this.resetTimers.clear();
    this.onClosed(this);
  }
}

/** One direction of a link. Chunks are handled strictly in order on a promise chain. */
class StreamPipe {
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private lastReleaseAt = 0;
  private aborted = false;
  private release: (() => void) | undefined;

  constructor(
    private readonly source: net.Socket,
    private readonly sink: net.Socket,
    private readonly link: Link,
    private readonly random: () => number,
  ) {}

  start(stream: ToxicStream): void {
    this.source.on('data', (chunk: Buffer) => {
      const arrivedAt = performance.now();
      this.enqueue(() => this.deliver(stream, chunk, arrivedAt));
    });
    // EOF, an RST or a local close all end this direction after what it holds (io.Copy returns).
    const ended = (): void => this.enqueue(async () => this.link.closeSocket(this.sink));
    this.source.once('end', ended);
    this.source.once('close', ended);
    if (this.source.destroyed) ended(); // closed while the upstream was being dialled
    else this.source.resume();
  }

  /** Drops what is queued and closes the destination at once. */
  abort(): void {
    this.aborted = true;
    this.release?.();
    this.link.closeSocket(this.sink);
  }

  /** Sends a chunk held by latency now (its toxic was interrupted). */
  releaseHeld(): void {
    this.release?.();
    this.lastReleaseAt = 0;
  }

  private enqueue(step: () => Promise<void>): void {
    this.queued += 1;
    if (this.queued > HIGH_WATER_CHUNKS) this.source.pause();
    this.chain = this.chain
      .then(() => (this.aborted ? undefined : step()))
      .catch(() => this.abort())
      .finally(() => {
        this.queued -= 1;
        if (this.queued <= HIGH_WATER_CHUNKS / 2 && this.source.isPaused() && !this.aborted) this.source.resume();
      });
  }

  private async deliver(stream: ToxicStream, chunk: Buffer, arrivedAt: number): Promise<void> {
    const plan = planChunk(this.link.activeToxics(stream), this.random);
    switch (plan.kind) {
      case 'reset':
        this.link.armReset(stream, plan.afterMs);
        return;
      case 'drop':
        this.link.touchIdle(plan.by);
        return;
      case 'pass': {
        // Latency counts from when the chunk arrived (latency.go subtracts time.Since(c.Timestamp)),
        // so a burst is delayed once, not once per chunk; order is kept by never releasing earlier
        // than the chunk before.
        const releaseAt = Math.max(arrivedAt + plan.delayMs, this.lastReleaseAt);
        await this.hold(releaseAt - performance.now());
        this.lastReleaseAt = Math.min(releaseAt, performance.now());
        if (!this.aborted) await this.write(chunk);
        return;
      }
      default:
        assertNever(plan);
    }
  }

  private hold(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.release = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.release = done;
    });
  }

  private write(data: Buffer): Promise<void> {
    if (this.sink.destroyed || !this.sink.writable) return Promise.resolve();
    if (this.sink.write(data)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.sink.off('drain', done);
        this.sink.off('close', done);
        resolve();
      };
      this.sink.once('drain', done);
      this.sink.once('close', done);
    });
  }
}
