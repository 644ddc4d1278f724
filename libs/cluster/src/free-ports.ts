import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports for daemons that are told a fixed `--port`, picked BELOW the kernel's ephemeral range.
 *
 * A port the kernel hands out for `listen(0)` lies inside the ephemeral range, and between picking it
 * and the daemon binding it, any outgoing connection may take it as its source port. Worse: a client
 * retrying connect() to a not-yet-listening loopback port of that range can get the same port as its
 * source and connect to itself (TCP simultaneous open), holding the port for good. Chaos runs do
 * exactly that (proxies and subscribers reconnect while a statestored is still starting), and a
 * statestored died with EADDRINUSE. Outside the range neither can happen.
 *
 * Each process walks the range from its own pid-derived offset, so parallel test workers rarely probe
 * the same ports, and every port is bound once on all interfaces to prove it free.
 */
const FALLBACK_EPHEMERAL_LOW = 32768;
const LOWEST_PORT = 10000;
/** Impala's default ports (21000..28000) stay free for a local cluster a user runs beside the tests. */
const RESERVED: readonly [number, number] = [21000, 28999];

let cursor: number | undefined;

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && Number.isInteger(low) && low > LOWEST_PORT + 1000) return low;
  } catch {
    // Not Linux: the IANA ephemeral range starts at 49152, Linux's default at 32768; use the lower.
  }
  return FALLBACK_EPHEMERAL_LOW;
}

/** The candidate ports, in the order this process probes them. */
export function candidatePorts(high = ephemeralLow()): number[] {
  const all: number[] = [];
  for (let p = LOWEST_PORT; p < high; p++) if (p < RESERVED[0] || p > RESERVED[1]) all.push(p);
  return all;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    // Daemons listen on 0.0.0.0 (gRPC) or 127.0.0.1 (web); a free wildcard bind covers both.
    s.listen({ port, host: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** `count` distinct ports free right now, none in the ephemeral range nor among Impala's defaults. */
export async function freePorts(count: number): Promise<number[]> {
  const candidates = candidatePorts();
  cursor ??= (process.pid * 7919) % candidates.length;
  const out: number[] = [];
  for (let tried = 0; out.length < count; tried++) {
    if (tried >= candidates.length) throw new Error(`freePorts: only ${out.length} of ${count} ports free below the ephemeral range`);
    const port = candidates[cursor] as number;
    cursor = (cursor + 1) % candidates.length;
    if (await bindable(port)) out.push(port);
  }
  return out;
}
