import type { NodeState } from './node-state';

/**
 * Only the designated catalogd gets topic updates and counts for min_subscriber_topic_version
 * (Impala: an inactive catalogd does not apply the active one's catalog). Without catalogd HA
 * nobody is excluded.
 */
export function isExcludedCatalogd(s: NodeState, subscriberId: string): boolean {
  const e = s.catalogd.election;
  return s.config.catalogd.election.enabled && e.candidates.has(subscriberId) && e.activeId !== subscriberId;
}
