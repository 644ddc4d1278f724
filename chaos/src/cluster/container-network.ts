/**
 * One private Podman network per chaos run (`podman network create --internal`): containers
 * reach each other by name (netavark + aardvark-dns) and nothing outside, as Impala's
 * minicluster hosts would on their own subnet. The host still routes to the bridge, so the
 * harness and the host's Prometheus reach every daemon's web port on its container address
 * without publishing ports (Podman 4.3 does not forward published ports into an internal
 * network: measured here, a published port timed out while the container address answered).
 *
 * Addresses are fixed per daemon name before anything starts, because run-scenario.ts hands
 * Prometheus its targets before the cluster starts (file_sd takes ~5 s to apply).
 *
 * Every container and the network carry the label CHAOS_LABEL=<pid>, so a run's leftovers can
 * be removed synchronously on exit and an earlier killed run's swept on the next start.
 */
import { execFile, execFileSync } from 'node:child_process';
import { CommandError } from '../netfault';

export const CHAOS_LABEL = 'statestore-ha-chaos';
/** The engine CLI the runtime drives: Podman (a few flags, such as `rm -t 0`, are Podman-only). */
export const ENGINE_CLI = 'podman';
/** .1 is the gateway (the host); daemons start at .10, so a few low addresses stay free. */
const FIRST_HOST_OFFSET = 10;

export class SubnetExhaustedError extends Error {
  override readonly name = 'SubnetExhaustedError';
  constructor(readonly subnet: string, readonly wanted: number) {
    super(`network ${subnet} has no address for container #${wanted}`);
  }
}

/**
 * Runs the engine CLI with this process' environment passed explicitly: ensureContainerEngine
 * puts CONTAINERS_CONF there, and without it Podman falls back to the CNI backend, which can
 * neither see nor tear down netavark's networks (docker/README.md). Jest gives each spec file
 * its own copy of process.env, which child_process would not see by default.
 */
export function runEngine(args: readonly string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(ENGINE_CLI, args, { env: process.env, timeout: timeoutMs, maxBuffer: 16 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new CommandError([ENGINE_CLI, ...args], (error as NodeJS.ErrnoException).code ?? null, stderr || error.message, { cause: error }));
      else resolve(stdout);
    });
  });
}

/** For exit hooks and the synchronous pause/resume of ClusterRuntime; never throws. */
export function engineSyncQuietly(args: readonly string[]): boolean {
  try {
    execFileSync(ENGINE_CLI, args, { env: process.env, stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

function ipv4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`not an IPv4 address: ${ip}`);
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/**
 * Hands out one stable address per name inside `subnet` (CIDR), in the order names are first
 * asked for; the same name always gets the same address, so a restarted daemon keeps it.
 */
export class AddressPlan {
  private readonly byName = new Map<string, string>();
  private readonly base: number;
  private readonly size: number;

  constructor(readonly subnet: string) {
    const [ip, bits] = subnet.split('/');
    const prefix = Number(bits);
    if (ip === undefined || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new RangeError(`not an IPv4 CIDR this plan can use: ${subnet}`);
    this.size = 2 ** (32 - prefix);
    this.base = ipv4ToInt(ip) - (ipv4ToInt(ip) % this.size);
  }

  addressOf(name: string): string {
    const known = this.byName.get(name);
    if (known) return known;
    const offset = FIRST_HOST_OFFSET + this.byName.size;
    // The last address is the broadcast address.
    if (offset >= this.size - 1) throw new SubnetExhaustedError(this.subnet, this.byName.size + 1);
    const ip = intToIpv4(this.base + offset);
    this.byName.set(name, ip);
    return ip;
  }
}

export class ContainerNetwork {
  private constructor(
    readonly name: string,
    readonly addresses: AddressPlan,
  ) {}

  /** Creates an internal network named `name`, labelled with this process' pid. */
  static async create(name: string): Promise<ContainerNetwork> {
    await runEngine(['network', 'create', '--internal', '--label', `${CHAOS_LABEL}=${process.pid}`, name]);
    const subnet = (await runEngine(['network', 'inspect', '-f', '{{range .Subnets}}{{.Subnet}} {{end}}', name])).trim().split(/\s+/)[0];
    if (!subnet) {
      await runEngine(['network', 'rm', '-f', name]).catch(() => undefined);
      throw new Error(`network ${name} has no subnet`);
    }
    return new ContainerNetwork(name, new AddressPlan(subnet));
  }

  /** The container running `alias` on this network: unique per run, found again after a restart. */
  containerName(alias: string): string {
    return `${this.name}-${alias}`;
  }

  /** Removes every container of this process and the network; safe to call twice. */
  async remove(): Promise<void> {
    const ids = (await runEngine(['ps', '-aq', '--filter', `label=${CHAOS_LABEL}=${process.pid}`]).catch(() => '')).split(/\s+/).filter(Boolean);
    if (ids.length > 0) await runEngine(['rm', '-f', '-t', '0', ...ids]).catch(() => undefined);
    await runEngine(['network', 'rm', '-f', this.name]).catch(() => undefined);
  }

  /** The same, synchronously, for process-exit hooks. */
  removeSync(): void {
    const ids = engineSyncListQuietly(['ps', '-aq', '--filter', `label=${CHAOS_LABEL}=${process.pid}`]);
    if (ids.length > 0) engineSyncQuietly(['rm', '-f', '-t', '0', ...ids]);
    engineSyncQuietly(['network', 'rm', '-f', this.name]);
  }
}

function engineSyncListQuietly(args: readonly string[]): string[] {
  try {
    return execFileSync(ENGINE_CLI, args, { env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 }).split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

/** Containers and networks left by earlier runs whose process is gone (a SIGKILLed CLI). */
export async function sweepStaleContainers(): Promise<number> {
  const alive = (pid: string): boolean => {
    try {
      process.kill(Number(pid), 0);
      return true;
    } catch {
      return false;
    }
  };
  // Podman 4.3 renders container labels as a map (map[k:v]) and network labels as k=v text,
  // and `index` fails on the latter: read the pid out of either rendering.
  const pidLabel = new RegExp(`${CHAOS_LABEL}[=:](\\d+)`);
  const labelled = async (kind: 'ps' | 'network'): Promise<Array<{ id: string; pid: string }>> => {
    const args = kind === 'ps' ? ['ps', '-a', '--filter', `label=${CHAOS_LABEL}`, '--format', '{{.ID}} {{.Labels}}'] : ['network', 'ls', '--filter', `label=${CHAOS_LABEL}`, '--format', '{{.Name}} {{.Labels}}'];
    const out = await runEngine(args).catch(() => '');
    return out.split('\n').flatMap((line) => {
      const id = line.trim().split(/\s+/)[0];
      const pid = pidLabel.exec(line)?.[1];
      return id && pid ? [{ id, pid }] : [];
    });
  };
  const staleContainers = (await labelled('ps')).filter((c) => !alive(c.pid));
  if (staleContainers.length > 0) await runEngine(['rm', '-f', '-t', '0', ...staleContainers.map((c) => c.id)]).catch(() => undefined);
  const staleNetworks = (await labelled('network')).filter((n) => !alive(n.pid));
  for (const n of staleNetworks) await runEngine(['network', 'rm', '-f', n.id]).catch(() => undefined);
  return staleContainers.length + staleNetworks.length;
}
