/**
 * Link faults as data and their rendering into one atomic firewall update per namespace.
 * A rule lives in the RECEIVER's namespace and drops packets from the sender's address, as
 * Jepsen's net.clj does (`iptables -A INPUT -s <src> -j DROP`): a cut is DROP, not REJECT, so it
 * looks like a pulled cable (timeouts), not a refused port (instant errors). A `reset` rule is the
 * kernel's twin of toxiproxy's reset_peer: every TCP segment from the sender is answered with an RST,
 * so live connections die on their next data and new ones are refused.
 */

export type RuleAction = 'drop' | 'reset';

export interface DropRule {
  /** Sender address whose packets the receiving namespace drops. */
  readonly fromAddress: string;
  /** Share of packets dropped: 1 = all (a cut), 0 < p < 1 = random loss. */
  readonly probability: number;
  /** 'drop' (default): silence. 'reset': answer with a TCP RST (TCP only, always all packets). */
  readonly action?: RuleAction;
}

export type FirewallKind = 'iptables' | 'nft';

/** Our own chain, jumped to from INPUT, so a heal never touches rules we did not write. */
export const IPTABLES_CHAIN = 'CHAOS-IN';
export const NFT_TABLE = 'chaos';

function checkRule(rule: DropRule): void {
  if (!(rule.probability > 0 && rule.probability <= 1)) {
    throw new RangeError(`drop probability must be in (0, 1], got ${rule.probability}`);
  }
  if (rule.action === 'reset' && rule.probability !== 1) throw new RangeError(`a reset rule applies to every packet, got probability ${rule.probability}`);
}

/**
 * Input for `iptables-restore --noflush`: declaring the chain flushes it, and the whole table
 * commits at once, so replacing one rule never opens a window where the link is healed.
 * Partial loss uses `-m statistic --mode random` (Jepsen `flaky!` uses netem, absent here).
 */
export function renderIptablesRestore(rules: readonly DropRule[]): string {
  const lines = ['*filter', `:${IPTABLES_CHAIN} - [0:0]`];
  for (const rule of rules) {
    checkRule(rule);
    if (rule.action === 'reset') {
      // RSTs themselves pass: with reset rules on both ends, each side's RST must reach the other.
      lines.push(`-A ${IPTABLES_CHAIN} -s ${rule.fromAddress}/32 -p tcp -m tcp ! --tcp-flags RST RST -j REJECT --reject-with tcp-reset`);
      continue;
    }
    const loss = rule.probability < 1 ? ` -m statistic --mode random --probability ${rule.probability.toFixed(4)}` : '';
    lines.push(`-A ${IPTABLES_CHAIN} -s ${rule.fromAddress}/32${loss} -j DROP`);
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/**
 * An `nft -f` script that recreates our table in one transaction. `numgen random mod 10000`
 * gives loss in steps of 0.01 %.
 */
export function renderNftScript(rules: readonly DropRule[]): string {
  const lines = [
    `table inet ${NFT_TABLE}`,
    `delete table inet ${NFT_TABLE}`,
    `table inet ${NFT_TABLE} {`,
    '  chain input {',
    '    type filter hook input priority filter; policy accept;',
  ];
  for (const rule of rules) {
    checkRule(rule);
    if (rule.action === 'reset') {
      lines.push(`    ip saddr ${rule.fromAddress} tcp flags & rst == 0 reject with tcp reset`);
      continue;
    }
    const loss = rule.probability < 1 ? ` numgen random mod 10000 < ${Math.round(rule.probability * 10000)}` : '';
    lines.push(`    ip saddr ${rule.fromAddress}${loss} drop`);
  }
  lines.push('  }', '}', '');
  return lines.join('\n');
}
