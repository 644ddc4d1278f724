/**
 * Epochs: the fencing token of a statestored's term as active.
 *
 * Impala stamps each promotion with `active_version_ = UnixMicros()` (statestore.cc) so a version
 * survives restarts, but two statestoreds promoting in the same microsecond, or one whose clock is
 * behind, can end up with equal or lower versions. Here every promotion takes the smallest
 * number that is
 *   - strictly larger than every epoch this node has seen (its own, its peer's, its subscribers'),
 *   - strictly larger than `nowMs * 1000` (Impala's UnixMicros, so a restarted node that lost its
 *     memory still starts above what it used before, as long as its clock moves forward), and
 *   - congruent to the node's `slot` (0 or 1) modulo 2.
 * The two statestoreds of a pair take different slots (see `epochSlot`), so two promotions at the
 * same instant with the same knowledge still give different epochs. Followers add a second guard:
 * an epoch is owned by the statestore_id that first claimed it (follower.ts), so even a
 * misconfigured pair with equal slots cannot have two statestoreds followed under one epoch.
 *
 * An epoch is a plain number (int64 on the wire, `active_epoch` / `highest_epoch_seen` in
 * libs/proto). UnixMicros is ~1.8e15 today, below Number.MAX_SAFE_INTEGER (9.0e15) until ~2255.
 * Epoch 0 means "none": HA disabled, or nothing seen yet.
 */
export type Epoch = number;

/** The epoch of a statestored that has never been active, and of a cluster without HA. */
export const NO_EPOCH: Epoch = 0;

/** Which residue class modulo 2 a node's epochs live in. */
export type EpochSlot = 0 | 1;

/**
 * THE fence: every epoch comparison in the project goes through this one function, so the rule
 * cannot drift between the statestored, the subscribers and the simulator. Negative when `a` is
 * older than `b`, zero when equal, positive when `a` is newer.
 */
export function compareEpochs(a: Epoch, b: Epoch): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `a` is strictly newer than `b` (see compareEpochs). */
export function isNewerEpoch(a: Epoch, b: Epoch): boolean {
  return compareEpochs(a, b) > 0;
}

/** The larger of two epochs (see compareEpochs). */
export function maxEpoch(a: Epoch, b: Epoch): Epoch {
  return compareEpochs(a, b) >= 0 ? a : b;
}

/**
 * The slot of a node from the two HA addresses of the pair ("host:ha_port", as in Impala's
 * handshake `src_statestore_address`). Both nodes compute it from configuration alone, before any
 * handshake, and get different answers as long as each node's own address is spelled the way
 * its peer has it configured (state_store_peer_host:state_store_peer_ha_port).
 */
export function epochSlot(selfAddress: string, peerAddress: string): EpochSlot {
  if (selfAddress === peerAddress) {
    throw new Error(`epochSlot: self and peer HA addresses are equal (${selfAddress})`);
  }
  return selfAddress < peerAddress ? 0 : 1;
}

/**
 * The epoch of a promotion happening at `nowMs` on a node in `slot` that has seen `highestSeen`.
 * Strictly larger than both `highestSeen` and `nowMs * 1000`, and congruent to `slot` mod 2.
 */
export function nextEpoch(highestSeen: Epoch, nowMs: number, slot: EpochSlot): Epoch {
  const floor = Math.max(highestSeen, Math.floor(nowMs) * 1000);
  const candidate = floor + 1;
  return candidate % 2 === slot ? candidate : candidate + 1;
}
