/** Kernel-level link faults (Jepsen style): namespaces per node, firewall cuts, loss, tbf. */
export { NetnsLab, withNetnsLab, sweepStaleLabs, NetemUnavailableError, UnknownLabNodeError, LAB_NAMESPACE_PREFIX } from './netns-lab';
export type { NetnsLabOptions, LabNode, CutDirection } from './netns-lab';
export { ContainerFirewall } from './container-firewall';
export { canUseNetns, findTool } from './netns-capability';
export type { NetnsCapability } from './netns-capability';
export { renderIptablesRestore, renderNftScript, IPTABLES_CHAIN, NFT_TABLE } from './drop-rules';
export type { DropRule, FirewallKind, RuleAction } from './drop-rules';
export { runCommand, CommandError } from './run-command';
export { registerExitCleanup } from './exit-cleanup';
export type { CommandOutput } from './run-command';
