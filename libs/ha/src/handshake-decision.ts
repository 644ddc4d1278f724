/**
 * The receiver's side of Impala's HA handshake (Statestore::ReceiveHaHandshakeRequest), decided
 * under ha_lock_ there and as one pure function here.
 */

export interface HandshakeParty {
  readonly statestoreId: string;
  /** "host:ha_port" */
  readonly address: string;
  readonly forceActive: boolean;
  readonly isActive: boolean;
}

/**
 * Lower wins. Impala compares statestore ids as signed (hi, lo) pairs of a UUID; our ids are
 * strings compared as strings. With use_network_address_as_statestore_priority the addresses are
 * compared instead, which makes the winner predictable (the minicluster relies on it).
 */
export function hasPriorityOver(self: HandshakeParty, peer: HandshakeParty, useNetworkAddress: boolean): boolean {
  return useNetworkAddress ? self.address < peer.address : self.statestoreId < peer.statestoreId;
}

/**
 * Whether the receiver is active after answering `peer`'s handshake. The sender then takes the
 * opposite role (`is_active = !dst_statestore_active`). In order:
 * 1. the peer is force-active and self is not: self becomes standby, even if it was active
 *    (manual failover: restarting the old active with --statestore_force_active);
 * 2. self already active: stays active, which is why a restarted old active comes back standby;
 * 3. the peer is already active (beyond Impala, whose senders are never active): self is standby;
 * 4. self force-active and the peer not: self active;
 * 5. otherwise priority (also when both are force-active).
 */
export function receiverIsActive(self: HandshakeParty, peer: HandshakeParty, useNetworkAddress: boolean): boolean {
  if (peer.forceActive && !self.forceActive) return false;
  if (self.isActive) return true;
  if (peer.isActive) return false;
  if (self.forceActive && !peer.forceActive) return true;
  return hasPriorityOver(self, peer, useNetworkAddress);
}
