/**
 * Tiny TCP peers for checking what a fault does to a connection: an echo server and a client
 * that records bytes, timings and how the connection ended (FIN, RST, refused). Used by the
 * toxiproxy specs and by suites that probe a proxy before pointing daemons at it.
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface EchoServer {
  readonly port: number;
  /** Bytes the server received, all connections together. */
  received(): number;
  /** Sockets currently open on the server side. */
  readonly sockets: Set<net.Socket>;
  close(): Promise<void>;
}

/** Echoes every byte back; with `echo: false` only counts them. Listens on 127.0.0.1. */
export async function startEchoServer(options: { echo?: boolean } = {}): Promise<EchoServer> {
  const sockets = new Set<net.Socket>();
  let received = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (options.echo !== false) socket.write(chunk);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => received,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type ConnectionEnd = { kind: 'open' } | { kind: 'fin' } | { kind: 'error'; code: string };

export interface ProbeClient {
  readonly socket: net.Socket;
  /** Bytes received so far. */
  received(): number;
  /** Resolves when at least `bytes` in total have arrived, or rejects after `timeoutMs`. */
  waitForBytes(bytes: number, timeoutMs: number): Promise<void>;
  /** How the connection has ended so far. */
  end(): ConnectionEnd;
  /** Resolves with how the connection ended, or { kind: 'open' } after `timeoutMs`. */
  waitForEnd(timeoutMs: number): Promise<ConnectionEnd>;
  close(): void;
}

export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  constructor(readonly code: string, options?: { cause?: unknown }) {
    super(`connect failed: ${code}`, options);
  }
}

export async function connectProbe(port: number, host = '127.0.0.1'): Promise<ProbeClient> {
  const socket = net.connect({ host, port });
  let received = 0;
  let ended: ConnectionEnd = { kind: 'open' };
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const waiter of waiters) waiter();
  };
  socket.on('data', (chunk) => {
    received += chunk.length;
    notify();
  });
  socket.on('end', () => {
    if (ended.kind === 'open') ended = { kind: 'fin' };
    notify();
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    ended = { kind: 'error', code: error.code ?? error.message };
    notify();
  });
  socket.on('close', notify);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', (error: NodeJS.ErrnoException) => reject(new ConnectError(error.code ?? error.message, { cause: error })));
  });
  const waitFor = <T>(ready: () => T | undefined, timeoutMs: number, onTimeout: () => T | Error): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const value = ready();
        if (value === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        const value = onTimeout();
        if (value instanceof Error) reject(value);
        else resolve(value);
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    socket,
    received: () => received,
    waitForBytes: (bytes, timeoutMs) =>
      waitFor(() => (received >= bytes ? true : undefined), timeoutMs, () => new Error(`got ${received} of ${bytes} bytes within ${timeoutMs} ms`)).then(() => undefined),
    end: () => ended,
    waitForEnd: (timeoutMs) => waitFor<ConnectionEnd>(() => (ended.kind !== 'open' ? ended : undefined), timeoutMs, () => ({ kind: 'open' })),
    close: () => socket.destroy(),
  };
}
