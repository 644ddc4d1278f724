/**
 * Link faults for a container: the host's own iptables/nft run inside the container's network
 * namespace through `nsenter -t <pid> -n`, so images need no firewall tools and no
 * NET_ADMIN. Same rules and one-transaction updates as NetnsLab (drop-rules.ts); they vanish
 * with the container's namespace.
 */
import { IPTABLES_CHAIN, renderIptablesRestore, renderNftScript } from './drop-rules';
import { runCommand } from './run-command';
import type { DropRule, FirewallKind, RuleAction } from './drop-rules';

export class ContainerFirewall {
  /** sender address -> what happens to its packets */
  private readonly drops = new Map<string, { probability: number; action: RuleAction }>();

  private constructor(readonly pid: number, readonly firewall: FirewallKind) {}

  /** `pid` is the container's init process on the host (`podman inspect -f '{{.State.Pid}}'`). */
  static async forPid(pid: number, firewall: FirewallKind = 'iptables'): Promise<ContainerFirewall> {
    if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`not a host pid: ${pid}`);
    const fw = new ContainerFirewall(pid, firewall);
    if (firewall === 'iptables') {
      // Idempotent: the namespace may carry our chain already (a firewall made for it before).
      const exists = await fw.nsenter(['iptables', '-w', '-S', IPTABLES_CHAIN]).then(() => true, () => false);
      if (!exists) await fw.nsenter(['iptables', '-w', '-N', IPTABLES_CHAIN]);
      const jumps = await fw.nsenter(['iptables', '-w', '-C', 'INPUT', '-j', IPTABLES_CHAIN]).then(() => true, () => false);
      if (!jumps) await fw.nsenter(['iptables', '-w', '-A', 'INPUT', '-j', IPTABLES_CHAIN]);
    }
    return fw;
  }

  /** Drops what `fromAddress` sends to this container (all of it, or a random share). */
  async drop(fromAddress: string, probability = 1): Promise<void> {
    this.drops.set(fromAddress, { probability, action: 'drop' });
    await this.apply();
  }

  /** Answers every TCP segment `fromAddress` sends to this container with an RST. */
  async reset(fromAddress: string): Promise<void> {
    this.drops.set(fromAddress, { probability: 1, action: 'reset' });
    await this.apply();
  }

  async heal(fromAddress: string): Promise<void> {
    if (this.drops.delete(fromAddress)) await this.apply();
  }

  /**
   * Takes over the rules of `previous`, the firewall of an earlier incarnation of the same
   * container: a restarted container has a fresh namespace, but a cut cable stays cut.
   */
  async adopt(previous: ContainerFirewall): Promise<void> {
    for (const [address, rule] of previous.drops) this.drops.set(address, rule);
    if (this.drops.size > 0) await this.apply();
  }

  get ruleCount(): number {
    return this.drops.size;
  }

  async healAll(): Promise<void> {
    this.drops.clear();
    await this.apply();
  }

  private nsenter(argv: readonly string[], input?: string): Promise<unknown> {
    return runCommand(['nsenter', '-t', String(this.pid), '-n', ...argv], input === undefined ? {} : { input });
  }

  private async apply(): Promise<void> {
    const rules: DropRule[] = [...this.drops].map(([fromAddress, rule]) => ({ fromAddress, ...rule }));
    if (this.firewall === 'iptables') await this.nsenter(['iptables-restore', '-w', '--noflush'], renderIptablesRestore(rules));
    else await this.nsenter(['nft', '-f', '-'], renderNftScript(rules));
  }
}
