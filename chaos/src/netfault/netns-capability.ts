/**
 * Whether this process can build network-namespace labs: root, `ip`, a firewall tool, and a
 * kernel that lets us make a namespace (a container without CAP_SYS_ADMIN has the tools but
 * cannot). Suites skip with `reason` printed when it cannot.
 */
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { runCommandSyncQuietly } from './run-command';
import { execFileSync } from 'node:child_process';
import type { FirewallKind } from './drop-rules';

export type NetnsCapability =
  | { readonly ok: true; readonly firewall: FirewallKind; readonly firewallVersion: string; readonly netem: boolean }
  | { readonly ok: false; readonly reason: string };

const SEARCH_PATH = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

export function findTool(name: string): string | undefined {
  for (const dir of SEARCH_PATH) {
    const candidate = `${dir}/${name}`;
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function firstLine(argv: string[]): string {
  return (runCommandSyncQuietly(argv) ?? '').split('\n')[0]?.trim() ?? '';
}

/**
 * Makes and deletes a probe namespace to prove the kernel allows it, and probes for sch_netem
 * there (this project's kernel has none: delay/jitter must come from toxiproxy). Synchronous
 * (~50 ms) so a spec can choose `describe` or `describe.skip` when it is loaded.
 */
export function canUseNetns(): NetnsCapability {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces need Linux, this is ${process.platform}` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not root: ip netns and iptables need root (run as root or skip kernel-level faults)' };
  const ip = findTool('ip');
  if (!ip) return { ok: false, reason: 'no `ip` (apt-get install iproute2, or chaos/scripts/install-deps.sh)' };
  const iptables = findTool('iptables');
  const nft = findTool('nft');
  if (!iptables && !nft) return { ok: false, reason: 'neither iptables nor nft present (chaos/scripts/install-deps.sh)' };
  const probe = `chaos-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    execFileSync(ip, ['netns', 'add', probe], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    return { ok: false, reason: `cannot create a network namespace: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const firewall: FirewallKind = iptables ? 'iptables' : 'nft';
    const firewallVersion = firstLine(firewall === 'iptables' ? [iptables ?? 'iptables', '-V'] : [nft ?? 'nft', '--version']);
    const netem = runCommandSyncQuietly([ip, 'netns', 'exec', probe, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms']) !== undefined;
    return { ok: true, firewall, firewallVersion, netem };
  } finally {
    runCommandSyncQuietly([ip, 'netns', 'del', probe]);
  }
}
