/**
 * A Jepsen-style lab of network namespaces: one namespace per node, each with `lo` up and an
 * `eth0` veth whose other end sits on a bridge, addresses from a private /24 chosen per lab,
 * and link faults applied with the firewall inside the namespaces (never on the host's own
 * chains). The bridge lives in a hub namespace by default, so nothing of the lab is visible
 * on the host; `bridge: 'host'` puts it on the host with address .1 so host processes (a
 * Prometheus, the test runner) can reach the nodes. Addresses are never routed off the machine.
 *
 * Everything created is tracked and removed by `cleanup()`, which also runs on process exit,
 * SIGINT and SIGTERM (exit-cleanup.ts).
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { IPTABLES_CHAIN, renderIptablesRestore, renderNftScript } from './drop-rules';
import { registerExitCleanup } from './exit-cleanup';
import { runCommand, runCommandSyncQuietly } from './run-command';
import type { DropRule, FirewallKind, RuleAction } from './drop-rules';
import type { CommandOutput } from './run-command';

/** Namespaces are named `chaos-<pid>-<lab>-<node>` so a sweep can tell whose they are. */
export const LAB_NAMESPACE_PREFIX = 'chaos-';
/** The private range the labs take /24s from (10.213.0.0/16). */
const SUBNET_PREFIX = '10.213';
const FIRST_NODE_HOST = 10;
const MAX_NODES = 200;

export interface NetnsLabOptions {
  /**
   * Where the bridge lives: 'namespace' (default, invisible to the host) or 'host'. On the
   * host, bridged node-to-node traffic also passes the host's FORWARD chain when br_netfilter
   * is loaded (bridge-nf-call-iptables=1, as here); a host whose FORWARD policy is DROP (what
   * Docker sets) would then cut every link. Here the policy is ACCEPT.
   */
  bridge?: 'namespace' | 'host';
  /** Firewall tool for the cuts; default iptables when present, else nft. */
  firewall?: FirewallKind;
  /** Third octet of 10.213.X.0/24; default a random one not routed on the host. */
  subnetOctet?: number;
}

export interface LabNode {
  readonly name: string;
  readonly namespace: string;
  /** The node's address on the lab bridge. */
  readonly address: string;
}

export type CutDirection = 'both' | 'one-way';

export class NetemUnavailableError extends Error {
  override readonly name = 'NetemUnavailableError';
  constructor(options?: { cause?: unknown }) {
    super('tc netem is not available in this kernel (no sch_netem): kernel-level delay/jitter cannot be injected; use a toxiproxy latency toxic instead', options);
  }
}

export class UnknownLabNodeError extends Error {
  override readonly name = 'UnknownLabNodeError';
  constructor(readonly node: string) {
    super(`no node named ${JSON.stringify(node)} in this lab`);
  }
}

interface NodeState extends LabNode {
  readonly index: number;
  readonly hostVeth: string;
}

function subnetsInUse(): Set<number> {
  const used = new Set<number>();
  const routes = runCommandSyncQuietly(['ip', '-4', 'route', 'show', 'table', 'all']) ?? '';
  for (const match of routes.matchAll(/\b10\.213\.(\d+)\./g)) used.add(Number(match[1]));
  return used;
}

export class NetnsLab {
  readonly id: string;
  readonly subnet: string;
  /** The host's address on the bridge when `bridge: 'host'`, else undefined. */
  readonly hostAddress: string | undefined;
  private readonly nodes = new Map<string, NodeState>();
  private readonly children = new Set<ChildProcess>();
  /** receiver node -> sender node -> what happens to its packets */
  private readonly drops = new Map<string, Map<string, { probability: number; action: RuleAction }>>();
  private readonly bridgeName: string;
  private readonly hubNamespace: string | undefined;
  private readonly octet: number;
  private readonly unregisterExit: () => void;
  private cleaned = false;

  private constructor(readonly firewall: FirewallKind, private readonly bridgeIn: 'namespace' | 'host', octet: number) {
    this.id = randomBytes(3).toString('hex').slice(0, 5);
    this.octet = octet;
    this.subnet = `${SUBNET_PREFIX}.${octet}.0/24`;
    this.bridgeName = `chb${this.id}`;
    this.hubNamespace = bridgeIn === 'namespace' ? `${LAB_NAMESPACE_PREFIX}${process.pid}-${this.id}-hub` : undefined;
    this.hostAddress = bridgeIn === 'host' ? `${SUBNET_PREFIX}.${octet}.1` : undefined;
    this.unregisterExit = registerExitCleanup(() => this.cleanupSync());
  }

  static async create(options: NetnsLabOptions = {}): Promise<NetnsLab> {
    const firewall = options.firewall ?? ((await runCommand(['iptables', '-V']).then(() => true, () => false)) ? 'iptables' : 'nft');
    const bridgeIn = options.bridge ?? 'namespace';
    let octet = options.subnetOctet;
    if (octet === undefined) {
      const used = bridgeIn === 'host' ? subnetsInUse() : new Set<number>();
      do octet = randomInt(0, 256);
      while (used.has(octet));
    }
    const lab = new NetnsLab(firewall, bridgeIn, octet);
    try {
      await lab.createBridge();
    } catch (error) {
      await lab.cleanup();
      throw error;
    }
    return lab;
  }

  /** ip args that target the bridge's namespace (the hub, or the host). */
  private hubIp(...args: string[]): string[] {
    return this.hubNamespace ? ['ip', '-n', this.hubNamespace, ...args] : ['ip', ...args];
  }

  private async createBridge(): Promise<void> {
    if (this.hubNamespace) {
      await runCommand(['ip', 'netns', 'add', this.hubNamespace]);
      await runCommand(this.hubIp('link', 'set', 'lo', 'up'));
    }
    await runCommand(this.hubIp('link', 'add', this.bridgeName, 'type', 'bridge'));
    if (this.hostAddress) await runCommand(this.hubIp('addr', 'add', `${this.hostAddress}/24`, 'dev', this.bridgeName));
    await runCommand(this.hubIp('link', 'set', this.bridgeName, 'up'));
  }

  async addNode(name: string): Promise<LabNode> {
    if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(name)) throw new RangeError(`node name must be [a-z0-9-], up to 31 chars: ${name}`);
    if (this.nodes.has(name)) throw new RangeError(`node ${name} already exists`);
    const index = this.nodes.size;
    if (index >= MAX_NODES) throw new RangeError(`a lab holds at most ${MAX_NODES} nodes`);
    const node: NodeState = {
      name,
      index,
      namespace: `${LAB_NAMESPACE_PREFIX}${process.pid}-${this.id}-${name}`,
      address: `${SUBNET_PREFIX}.${this.octet}.${FIRST_NODE_HOST + index}`,
      hostVeth: `chv${this.id}${index}`,
    };
    // Tracked before it exists, so a failure half way is still cleaned up.
    this.nodes.set(name, node);
    const ns = node.namespace;
    await runCommand(['ip', 'netns', 'add', ns]);
    // A fresh namespace has loopback down: local gRPC/HTTP on 127.0.0.1 would fail.
    await runCommand(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    const hubSide = this.hubNamespace ? ['netns', this.hubNamespace] : [];
    await runCommand(['ip', 'link', 'add', node.hostVeth, ...hubSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await runCommand(this.hubIp('link', 'set', node.hostVeth, 'master', this.bridgeName, 'up'));
    await runCommand(['ip', '-n', ns, 'addr', 'add', `${node.address}/24`, 'dev', 'eth0']);
    await runCommand(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
    if (this.firewall === 'iptables') {
      await this.inNamespace(node, ['iptables', '-w', '-N', IPTABLES_CHAIN]);
      await this.inNamespace(node, ['iptables', '-w', '-A', 'INPUT', '-j', IPTABLES_CHAIN]);
    }
    return this.publicNode(node);
  }

  node(name: string): LabNode {
    return this.publicNode(this.state(name));
  }

  list(): LabNode[] {
    return [...this.nodes.values()].map((node) => this.publicNode(node));
  }

  /** Runs a command inside the node's namespace and waits for it. */
  exec(node: string, argv: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CommandOutput> {
    return this.inNamespace(this.state(node), argv, options);
  }

  /** Starts a long-running process inside the node's namespace; cleanup() kills it. */
  spawn(node: string, argv: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.state(node).namespace, ...argv], options);
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /**
   * Drops packets between two nodes. 'both' cuts the link; 'one-way' drops only what `from`
   * sends to `to`. Over TCP a one-way cut soon stalls both directions: `to` still reaches
   * `from`, but `from`'s acks are lost, so `to` falls to cwnd 1 and sends only on its
   * retransmission timer (measured here: RTO 1.6 s after three backoffs).
   */
  async cut(from: string, to: string, direction: CutDirection = 'both'): Promise<void> {
    await this.setDrop(from, to, { probability: 1, action: 'drop' }, direction);
  }

  /** Drops a random share (0 < probability < 1) of the packets between two nodes. */
  async loss(from: string, to: string, probability: number, direction: CutDirection = 'both'): Promise<void> {
    await this.setDrop(from, to, { probability, action: 'drop' }, direction);
  }

  /**
   * Answers every TCP segment between two nodes with an RST (toxiproxy's reset_peer, in the
   * kernel): established connections die on their next data, new ones are refused at once.
   */
  async reset(from: string, to: string, direction: CutDirection = 'both'): Promise<void> {
    await this.setDrop(from, to, { probability: 1, action: 'reset' }, direction);
  }

  /** Cuts `node` off from every other node, both ways. */
  async isolate(node: string): Promise<void> {
    for (const other of this.nodes.keys()) if (other !== node) await this.cut(node, other, 'both');
  }

  /** Removes every drop between two nodes, both directions. */
  async heal(a: string, b: string): Promise<void> {
    this.state(a);
    this.state(b);
    const touched = [a, b].filter((receiver) => this.drops.get(receiver)?.delete(receiver === a ? b : a));
    for (const receiver of touched) await this.applyDrops(receiver);
  }

  async healAll(): Promise<void> {
    const receivers = [...this.drops.keys()];
    this.drops.clear();
    for (const receiver of receivers) await this.applyDrops(receiver);
  }

  /** Shapes what the node sends to `rateKbit` with a tbf qdisc on its eth0 (tc-tbf(8)). */
  async limitBandwidth(node: string, rateKbit: number, options: { burstBytes?: number; latencyMs?: number } = {}): Promise<void> {
    if (!(rateKbit > 0)) throw new RangeError(`rateKbit must be > 0, got ${rateKbit}`);
    // tbf needs a bucket of at least one MTU plus headroom, or it stalls.
    const burst = Math.max(options.burstBytes ?? Math.ceil((rateKbit * 1000) / 8 / 10), 3200);
    await this.exec(node, ['tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'tbf', 'rate', `${rateKbit}kbit`, 'burst', `${burst}`, 'latency', `${options.latencyMs ?? 400}ms`]);
  }

  async clearBandwidth(node: string): Promise<void> {
    await this.exec(node, ['tc', 'qdisc', 'del', 'dev', 'eth0', 'root']).catch(() => undefined);
  }

  /**
   * Kernel delay needs sch_netem, which this project's kernel lacks: tried, and on failure
   * reported as NetemUnavailableError rather than silently skipped.
   */
  async delay(node: string, delayMs: number, jitterMs = 0): Promise<void> {
    const jitter = jitterMs > 0 ? [`${jitterMs}ms`] : [];
    try {
      await this.exec(node, ['tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', 'delay', `${delayMs}ms`, ...jitter]);
    } catch (cause) {
      throw new NetemUnavailableError({ cause });
    }
  }

  /** Kills the lab's processes and deletes its namespaces (their rules and veths go with them). */
  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    this.unregisterExit();
    for (const child of this.children) child.kill('SIGKILL');
    this.children.clear();
    for (const ns of this.namespaces()) {
      // Anything still running in it keeps the namespace alive after `ip netns del`.
      const pids = await runCommand(['ip', 'netns', 'pids', ns]).then((out) => out.stdout, () => '');
      for (const pid of pids.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await runCommand(['ip', 'netns', 'del', ns]).catch(() => undefined);
    }
    if (!this.hubNamespace) await runCommand(['ip', 'link', 'del', this.bridgeName]).catch(() => undefined);
  }

  /** The same as cleanup(), synchronously, for exit and signal handlers. */
  cleanupSync(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    this.unregisterExit();
    for (const child of this.children) child.kill('SIGKILL');
    for (const ns of this.namespaces()) {
      const pids = runCommandSyncQuietly(['ip', 'netns', 'pids', ns]) ?? '';
      for (const pid of pids.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      runCommandSyncQuietly(['ip', 'netns', 'del', ns]);
    }
    if (!this.hubNamespace) runCommandSyncQuietly(['ip', 'link', 'del', this.bridgeName]);
  }

  private namespaces(): string[] {
    const all = [...this.nodes.values()].map((node) => node.namespace);
    return this.hubNamespace ? [...all, this.hubNamespace] : all;
  }

  private state(name: string): NodeState {
    const node = this.nodes.get(name);
    if (!node) throw new UnknownLabNodeError(name);
    return node;
  }

  private publicNode({ name, namespace, address }: NodeState): LabNode {
    return { name, namespace, address };
  }

  private inNamespace(node: NodeState, argv: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CommandOutput> {
    return runCommand(['ip', 'netns', 'exec', node.namespace, ...argv], options);
  }

  private async setDrop(from: string, to: string, rule: { probability: number; action: RuleAction }, direction: CutDirection): Promise<void> {
    this.state(from);
    this.state(to);
    if (from === to) throw new RangeError('cannot cut a node from itself');
    const pairs: [receiver: string, sender: string][] = direction === 'both' ? [[to, from], [from, to]] : [[to, from]];
    for (const [receiver, sender] of pairs) {
      let bySender = this.drops.get(receiver);
      if (!bySender) this.drops.set(receiver, (bySender = new Map()));
      bySender.set(sender, rule);
      await this.applyDrops(receiver);
    }
  }

  /** Rewrites the receiver's whole rule set in one firewall transaction. */
  private async applyDrops(receiver: string): Promise<void> {
    const node = this.state(receiver);
    const rules: DropRule[] = [...(this.drops.get(receiver) ?? new Map())].map(([sender, rule]) => ({
      fromAddress: this.state(sender).address,
      ...rule,
    }));
    if (this.firewall === 'iptables') {
      await this.inNamespace(node, ['iptables-restore', '-w', '--noflush'], { input: renderIptablesRestore(rules) });
    } else {
      await this.inNamespace(node, ['nft', '-f', '-'], { input: renderNftScript(rules) });
    }
  }
}

/** Runs `fn` with a fresh lab and always cleans it up, also when `fn` throws. */
export async function withNetnsLab<T>(fn: (lab: NetnsLab) => Promise<T>, options: NetnsLabOptions = {}): Promise<T> {
  const lab = await NetnsLab.create(options);
  try {
    return await fn(lab);
  } finally {
    await lab.cleanup();
  }
}

/** Deletes lab namespaces (and host bridges) left by processes that no longer exist (SIGKILL). */
export async function sweepStaleLabs(): Promise<string[]> {
  const listing = await runCommand(['ip', 'netns', 'list']).then((out) => out.stdout, () => '');
  const removed: string[] = [];
  for (const line of listing.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const match = new RegExp(`^${LAB_NAMESPACE_PREFIX}(?:probe-)?(\\d+)-`).exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (alive) continue;
    await runCommand(['ip', 'netns', 'del', name]).catch(() => undefined);
    removed.push(name);
  }
  // A host-mode bridge whose veths all died with their namespaces has no ports left.
  const bridges = await runCommand(['ip', '-o', 'link', 'show', 'type', 'bridge']).then((out) => out.stdout, () => '');
  for (const match of bridges.matchAll(/^\d+: (chb[0-9a-f]{5})[:@]/gm)) {
    const bridge = match[1] ?? '';
    const ports = await runCommand(['ip', '-o', 'link', 'show', 'master', bridge]).then((out) => out.stdout.trim(), () => 'unknown');
    if (ports !== '') continue;
    await runCommand(['ip', 'link', 'del', bridge]).catch(() => undefined);
    removed.push(bridge);
  }
  return removed;
}
