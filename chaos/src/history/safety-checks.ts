/**
 * The safety rules every chaos run must keep, checked over the whole recorded history (as
 * hashicorp/raft fuzzy/verifier.go checks "two leaders in one term" after the fact):
 *  - one active per epoch: an epoch is claimed by one statestored only, whether the claim comes
 *    from its own role change or from a subscriber that followed it under that epoch;
 *  - monotonic epochs per subscriber: a subscriber never follows an older epoch than one it
 *    followed, and never switches statestored without a newer epoch (ARCHITECTURE.md: epoch fencing);
 *  - promotions take new, larger epochs: every promotion's epoch exceeds all earlier ones.
 */
import { History, MonotonicPerObserver, UniqueOwner, firstViolation, formatViolation } from '@statestore-ha/testing';
import { statestoredByIndex } from '../cluster';
import type { RunEvent } from './run-events';

export interface SafetyViolation {
  readonly rule: string;
  readonly detail: string;
}

interface EpochClaim {
  readonly epoch: bigint;
  readonly statestored: string;
}

const showClaim = (d: EpochClaim): string => `epoch ${d.epoch} by ${d.statestored}`;

export function checkSafety(events: readonly RunEvent[]): SafetyViolation[] {
  const sorted = [...events].sort((a, b) => a.t - b.t);
  const claims = new History<EpochClaim>();
  for (const ev of sorted) {
    if (ev.kind === 'roleChange' && ev.to === 'active') claims.record(ev.t, ev.daemon, 'claim', { epoch: ev.epoch, statestored: ev.daemon });
    // Following nobody claims no epoch.
    if (ev.kind === 'follow' && ev.to !== null) {
      const followed = { epoch: ev.epoch, statestored: statestoredByIndex(ev.to) ?? `statestore ${ev.to}` };
      claims.record(ev.t, ev.daemon, 'claim', followed);
      claims.record(ev.t, ev.daemon, 'follow', followed);
    }
    if (ev.kind === 'roleChange' && ev.to === 'active') claims.record(ev.t, ev.daemon, 'promotion', { epoch: ev.epoch, statestored: ev.daemon });
  }
  const out: SafetyViolation[] = [];
  const owner = firstViolation(claims.events(), 'claim', new UniqueOwner<EpochClaim>('one active per epoch', (d) => String(d.epoch), (d) => d.statestored));
  if (owner) out.push({ rule: owner.rule, detail: formatViolation(owner, showClaim) });
  // Epochs are Impala-style microsecond timestamps (~1.8e15), exact as doubles until 9e15.
  const monotonic = firstViolation(claims.events(), 'follow', new MonotonicPerObserver<EpochClaim>('monotonic epochs per subscriber', (d) => Number(d.epoch)));
  if (monotonic) out.push({ rule: monotonic.rule, detail: formatViolation(monotonic, showClaim) });
  out.push(...switchesWithoutNewerEpoch(claims.ofKind('follow').map((e) => ({ t: e.t, observer: e.observer, ...e.data }))));
  let highest = -1n;
  for (const p of claims.ofKind('promotion')) {
    if (p.data.epoch <= highest) out.push({ rule: 'promotions take larger epochs', detail: `${p.observer} promoted at t=${p.t} with epoch ${p.data.epoch} <= earlier ${highest}` });
    if (p.data.epoch > highest) highest = p.data.epoch;
  }
  return out;
}

function switchesWithoutNewerEpoch(follows: readonly (EpochClaim & { t: number; observer: string })[]): SafetyViolation[] {
  const last = new Map<string, EpochClaim>();
  const out: SafetyViolation[] = [];
  for (const f of follows) {
    const prev = last.get(f.observer);
    if (prev && prev.statestored !== f.statestored && f.epoch <= prev.epoch) {
      out.push({ rule: 'a switch needs a newer epoch', detail: `${f.observer} at t=${f.t}: ${prev.statestored}@${prev.epoch} -> ${f.statestored}@${f.epoch}` });
    }
    last.set(f.observer, f);
  }
  return out;
}
