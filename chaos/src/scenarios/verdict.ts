/**
 * Judges one run: the safety rules, the scenario's expected outcome, the time bounds and the
 * agreement with Prometheus. Every failed rule becomes one line of the report; a run passes
 * when there is none.
 */
import type { StatestoredName } from '../cluster';
import type { AgreementResult, Bounds, Measurements, RunEvent, SafetyViolation } from '../history';
import type { Expectation } from './scenario';

export interface ScenarioCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface VerdictInput {
  readonly expectation: Expectation;
  readonly active: StatestoredName;
  readonly standby: StatestoredName;
  readonly settledAtMs: number;
  readonly events: readonly RunEvent[];
  readonly measurements: Measurements;
  readonly bounds: Bounds;
  readonly safety: readonly SafetyViolation[];
  readonly agreement: AgreementResult | undefined;
  readonly checks: readonly ScenarioCheck[];
}

export function judge(v: VerdictInput): string[] {
  const m = v.measurements;
  const failures: string[] = v.safety.map((s) => `safety: ${s.rule}: ${s.detail}`);
  const takeovers = m.promotions.filter((p) => p.reason !== 'handshake');
  const tookOver = takeovers.some((p) => p.daemon === v.standby);
  const e = v.expectation;
  if (e.takeover === 'takeover' && !tookOver) failures.push(`expected a takeover by ${v.standby}, none happened`);
  if (e.takeover === 'no-takeover' && takeovers.length > 0) {
    failures.push(`expected no takeover, got ${takeovers.map((p) => `${p.daemon} (${p.reason}) +${p.t - m.faultAtMs} ms`).join(', ')}`);
  }
  // Flip-flop: the active role changing hands more often than the scenario allows. A statestored
  // re-taking a role it already held (recovery -> active after renegotiating) is no hand-over; a
  // restarted or recovering old active taking the role back is (Impala: no preemption).
  const handOvers: string[] = [];
  let holder: string = v.active;
  for (const p of m.promotions) {
    if (p.daemon === holder) continue;
    handOvers.push(`${holder} -> ${p.daemon} (${p.from}->active, ${p.reason}, epoch ${p.epoch}) +${p.t - m.faultAtMs} ms`);
    holder = p.daemon;
  }
  if (e.maxPromotions !== undefined && handOvers.length > e.maxPromotions) {
    failures.push(`flip-flop: the active role changed hands ${handOvers.length} times, at most ${e.maxPromotions} allowed: ${handOvers.join('; ')}`);
  }
  if (e.zeroRoleChanges) {
    const changes = v.events.filter((x) => x.kind === 'roleChange' && x.t > v.settledAtMs);
    if (changes.length > 0) failures.push(`expected zero role changes, got ${changes.length}`);
  }
  if (m.settledActive === undefined) {
    failures.push(`never converged after the heal (bound ${v.bounds.convergenceMs} ms)`);
  } else {
    const want = e.finalActive === 'old-active' ? v.active : e.finalActive === 'old-standby' ? v.standby : undefined;
    if (want && m.settledActive !== want) failures.push(`expected ${want} active at the end, got ${m.settledActive}`);
    if (m.convergenceAfterHealMs !== undefined && m.convergenceAfterHealMs > v.bounds.convergenceMs) {
      failures.push(`converged ${m.convergenceAfterHealMs} ms after the heal, bound ${v.bounds.convergenceMs} ms`);
    }
  }
  // A stretch shorter than the bound owed nothing: the next fault came first.
  for (const h of m.earlierHeals) {
    if (h.quietMs < v.bounds.convergenceMs) continue;
    const at = `after the heal at +${h.healAtMs - m.faultAtMs} ms (quiet for ${h.quietMs} ms)`;
    if (h.convergedAfterMs === undefined) failures.push(`never converged ${at}, bound ${v.bounds.convergenceMs} ms`);
    else if (h.convergedAfterMs > v.bounds.convergenceMs) failures.push(`converged ${h.convergedAfterMs} ms ${at}, bound ${v.bounds.convergenceMs} ms`);
  }
  if (tookOver && e.takeover === 'takeover') {
    if (m.detectionMs !== undefined && m.detectionMs > v.bounds.detectionMs) failures.push(`detection took ${m.detectionMs} ms, bound ${v.bounds.detectionMs} ms`);
    if (m.failoverMs === undefined) failures.push('no majority of subscribers followed the new active');
    else if (m.failoverMs > v.bounds.failoverMs) failures.push(`failover took ${m.failoverMs} ms, bound ${v.bounds.failoverMs} ms`);
  }
  if (v.agreement) {
    for (const d of v.agreement.disagreements) failures.push(`prometheus: ${d}`);
    if (v.agreement.activeSumAtEnd !== 1) failures.push(`prometheus: sum(statestore_is_active) = ${String(v.agreement.activeSumAtEnd)} once settled, want 1`);
  }
  for (const c of v.checks) if (!c.ok) failures.push(`${c.name}: ${c.detail}`);
  return failures;
}
