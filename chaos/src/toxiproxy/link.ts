/**
 * One proxied TCP connection: the accepted client socket, the socket to the upstream, and a
 * pipe per direction that runs every chunk through the connection's toxics. Toxics added or
 * removed while the connection is open apply to it at once, as in toxiproxy (toxic_collection.go
 * re-chains every live link), which the chaos suites rely on to cut long-lived gRPC streams.
 */
import * as net from 'node:net';
import { LinkToxics } from './link-toxics';
import { closeDelayMs, planChunk } from './toxic-effects';
import type { HostPort } from './host-port';
import type { ToxicSpec, ToxicStream } from './toxic';

/** Pause the source above this many queued chunks, so a slow toxic holds memory bounded. */
const HIGH_WATER_CHUNKS = 64;
/** A bandwidth toxic sends at most this much time's worth of bytes in one write. */
const BANDWIDTH_SLICE_MS = 20;

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Sends an RST where the socket allows it (Node >= 18.3), else closes it. */
function resetSocket(socket: net.Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

export class Link {
  private readonly toxics: LinkToxics;
  private readonly upstream: net.Socket;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private resetTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly client: net.Socket,
    upstreamAddress: HostPort,
    toxics: readonly ToxicSpec[],
    private readonly onClosed: (link: Link) => void,
    random: () => number = Math.random,
  ) {
    this.toxics = new LinkToxics(random);
    client.pause();
    client.setNoDelay(true);
    this.upstream = net.connect({ host: upstreamAddress.host, port: upstreamAddress.port, allowHalfOpen: true });
    this.upstream.setNoDelay(true);
    this.upstream.once('connect', () => {
      if (this.closed) return;
      new StreamPipe(client, this.upstream, 'upstream', this, random).start();
      new StreamPipe(this.upstream, client, 'downstream', this, random).start();
      client.resume();
    });
    for (const socket of [client, this.upstream]) {
      // Errors end the link; an RST from one side is passed on as an RST to the other, so
      // a reset upstream looks like a reset to the client (toxiproxy closes both halves).
      socket.on('error', () => this.finish('reset'));
      socket.on('close', () => this.onSocketClosed());
    }
    this.setToxics(toxics);
  }

  setToxics(specs: readonly ToxicSpec[]): void {
    if (this.closed) return;
    const { added, removed } = this.toxics.replace(specs);
    for (const toxic of removed) {
      clearTimeout(this.timers.get(toxic.spec.name));
      this.timers.delete(toxic.spec.name);
    }
    for (const { spec, applies } of added) {
      // timeout > 0 closes the connection that long after the toxic reached it, whether or
      // not data flowed (timeout.go: `case <-time.After(timeout): stub.Close()`).
      if (applies && spec.type === 'timeout' && spec.attributes.timeout > 0) {
        this.timers.set(spec.name, setTimeout(() => this.finish('close'), spec.attributes.timeout));
      }
    }
  }

  activeToxics(stream: ToxicStream): ToxicSpec[] {
    return this.toxics.active(stream);
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** reset_peer: the first chunk arms it; the RST follows `afterMs` later (reset_peer.go). */
  armReset(afterMs: number): void {
    if (this.resetTimer !== undefined || this.closed) return;
    this.resetTimer = setTimeout(() => this.finish('reset'), afterMs);
  }

  /** Ends both sockets: 'close' with FIN (timeout, limit_data), 'reset' with RST (disable, reset_peer). */
  finish(how: 'close' | 'reset'): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    clearTimeout(this.resetTimer);
    for (const socket of [this.client, this.upstream]) {
      if (how === 'reset') resetSocket(socket);
      else socket.destroy();
    }
  }

  private onSocketClosed(): void {
    if (this.client.destroyed && this.upstream.destroyed) {
      this.closed = true;
      for (const timer of this.timers.values()) clearTimeout(timer);
      clearTimeout(this.resetTimer);
      this.onClosed(this);
    } else if (!this.closed && (this.client.destroyed || this.upstream.destroyed)) {
      // One side went away without a half-close handshake: there is nobody left to talk to.
      this.finish('close');
    }
  }
}

/** One direction of a link. Chunks are handled strictly in order on a promise chain. */
class StreamPipe {
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private bytesPassed = 0;
  private lastReleaseAt = 0;

  constructor(
    private readonly source: net.Socket,
    private readonly sink: net.Socket,
    private readonly stream: ToxicStream,
    private readonly link: Link,
    private readonly random: () => number,
  ) {}

  start(): void {
    this.source.on('data', (chunk: Buffer) => {
      const arrivedAt = performance.now();
      this.enqueue(() => this.deliver(chunk, arrivedAt));
    });
    this.source.on('end', () => {
      this.enqueue(async () => {
        await sleep(closeDelayMs(this.link.activeToxics(this.stream)));
        if (!this.sink.destroyed) this.sink.end();
      });
    });
  }

  private enqueue(step: () => Promise<void>): void {
    this.queued += 1;
    if (this.queued > HIGH_WATER_CHUNKS) this.source.pause();
    this.chain = this.chain
      .then(step)
      .catch(() => this.link.finish('reset'))
      .finally(() => {
        this.queued -= 1;
        if (this.queued <= HIGH_WATER_CHUNKS / 2 && this.source.isPaused() && !this.link.isClosed()) this.source.resume();
      });
  }

  private async deliver(chunk: Buffer, arrivedAt: number): Promise<void> {
    if (this.link.isClosed()) return;
    const plan = planChunk(this.link.activeToxics(this.stream), this.bytesPassed, this.random);
    if (plan.kind === 'reset') {
      this.link.armReset(plan.afterMs);
      return;
    }
    if (plan.kind === 'drop') return;
    // Latency counts from when the chunk arrived (latency.go subtracts time.Since(c.Timestamp)),
    // so a burst is delayed once, not once per chunk; order is kept by never releasing earlier
    // than the chunk before.
    const releaseAt = Math.max(arrivedAt + plan.delayMs, this.lastReleaseAt);
    this.lastReleaseAt = releaseAt;
    await sleep(releaseAt - performance.now());
    let data = chunk;
    const overLimit = plan.bytesLeft !== undefined && data.length >= plan.bytesLeft;
    if (plan.bytesLeft !== undefined) data = data.subarray(0, plan.bytesLeft);
    if (plan.bytesPerMs === undefined) {
      await this.write(data);
    } else {
      const slice = Math.max(1, Math.floor(plan.bytesPerMs * BANDWIDTH_SLICE_MS));
      for (let offset = 0; offset < data.length && !this.link.isClosed(); offset += slice) {
        const piece = data.subarray(offset, offset + slice);
        const started = performance.now();
        await this.write(piece);
        await sleep(piece.length / plan.bytesPerMs - (performance.now() - started));
      }
    }
    if (overLimit) this.link.finish('close');
  }

  private write(data: Buffer): Promise<void> {
    if (data.length === 0 || this.sink.destroyed || this.link.isClosed()) return Promise.resolve();
    this.bytesPassed += data.length;
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
