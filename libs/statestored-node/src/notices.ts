/**
 * "Send until acknowledged": the one mechanism behind the role broadcast (Impala
 * SendUpdateStatestoredRoleNotification) and the active-catalogd notifications (Impala
 * SendUpdateCatalogdNotification). A round has a value (the promotion's epoch, the designation's
 * version) and a set of receivers. Each receiver is sent the round's message; an attempt that
 * cannot go out, or stays unanswered past the timeout (Impala's RPC deadline:
 * statestore_update_statestore_tcp_timeout_seconds, statestore_update_catalogd_tcp_timeout_seconds),
 * has failed, and failed receivers are sent again every resend interval
 * (update_statestore_rpc_resend_interval_ms, update_catalogd_rpc_resend_interval_ms) until they
 * answer the round's value.
 *
 * Each receiver's FIRST attempt of a round goes through its --debug_actions label, as Impala
 * calls DebugAction before each RPC of the first pass only (`!resend_rpc`): FAIL counts the
 * attempt failed and leaves the receiver for the resend pass; SLEEP/JITTER hold it back, and
 * resends leave a held receiver alone until its attempt has run.
 */
import type { DebugActionLabel, DebugActionOutcome } from './debug-actions';
import type { NodeEffect, NoticeKind, NoticeResult } from './node-effects';
import type { NoticeTiming } from './node-config';

interface PendingNotice {
  /** When the attempt in flight went out; null when none is (never sent, failed, or skipped). */
  sentAtMs: number | null;
  /** A first attempt held back by a debug action until then; `failAfter`: the action also fails it. */
  held: { readonly untilMs: number; readonly failAfter: string | null } | null;
}

export interface Notices {
  readonly kind: NoticeKind;
  readonly label: DebugActionLabel;
  readonly timing: NoticeTiming;
  /**
   * Impala drops a role-notification receiver on any OK answer, skipped or not; a skipped
   * catalogd notification stays pending and is sent again.
   */
  readonly skippedIsDone: boolean;
  /** The current round's value; null when there is none. It stays after everyone answered, for newcomers. */
  value: number | null;
  startedAtMs: number;
  /** Everyone answered the current round (reported once). */
  done: boolean;
  readonly pending: Map<string, PendingNotice>;
}

/** What a round needs from the node around it. */
export interface NoticeContext {
  readonly now: number;
  readonly out: NodeEffect[];
  /** Sends the round's current message to the receiver; false when it cannot go out now. */
  send(subscriberId: string): boolean;
  /** The --debug_actions fate of one first attempt (one draw per receiver). */
  fate(label: DebugActionLabel): DebugActionOutcome;
}

export function noNotices(kind: NoticeKind, label: DebugActionLabel, timing: NoticeTiming, skippedIsDone: boolean): Notices {
  return { kind, label, timing, skippedIsDone, value: null, startedAtMs: 0, done: false, pending: new Map() };
}

/** Starts a round for `value` (superseding any earlier one) and makes every first attempt. */
export function startRound(n: Notices, value: number, receivers: Iterable<string>, ctx: NoticeContext): void {
  n.pending.clear();
  n.value = value;
  n.startedAtMs = ctx.now;
  n.done = false;
  const tally = newTally();
  for (const id of receivers) {
    const p: PendingNotice = { sentAtMs: null, held: null };
    n.pending.set(id, p);
    const fate = ctx.fate(n.label);
    if (fate.delayMs > 0) {
      p.held = { untilMs: ctx.now + fate.delayMs, failAfter: fate.fail ? (fate.injected ?? n.label) : null };
      ctx.out.push({ kind: 'debugActionApplied', label: n.label, action: `delay ${fate.delayMs} ms${fate.fail ? ', then fail' : ''}`, target: id });
    } else if (fate.fail) {
      tally.failed++;
      ctx.out.push({ kind: 'debugActionApplied', label: n.label, action: fate.injected ?? 'FAIL', target: id });
    } else {
      attempt(n, id, p, ctx, tally);
    }
  }
  ctx.out.push({ kind: 'noticeRoundStarted', notice: n.kind, value, receivers: n.pending.size });
  report(n, tally, ctx);
  finishIfDone(n, ctx);
}

/** Adds one receiver to the current round (a newcomer); not a first attempt of the round. */
export function addReceiver(n: Notices, id: string, ctx: NoticeContext): void {
  if (n.value === null || n.pending.has(id)) return;
  n.done = false;
  const p: PendingNotice = { sentAtMs: null, held: null };
  n.pending.set(id, p);
  const tally = newTally();
  attempt(n, id, p, ctx, tally);
  report(n, tally, ctx);
}

/** The resend pass: held attempts whose delay is over, timed-out and failed attempts. */
export function resendDue(n: Notices, ctx: NoticeContext): void {
  if (n.value === null) return;
  const tally = newTally();
  for (const [id, p] of n.pending) {
    if (p.held !== null) {
      if (ctx.now < p.held.untilMs) continue;
      const failAfter = p.held.failAfter;
      p.held = null;
      if (failAfter !== null) {
        tally.failed++;
        ctx.out.push({ kind: 'debugActionApplied', label: n.label, action: failAfter, target: id });
        continue;
      }
      attempt(n, id, p, ctx, tally);
      continue;
    }
    if (p.sentAtMs !== null) {
      if (ctx.now - p.sentAtMs < n.timing.timeoutMs) continue;
      // Unanswered past the deadline: a failed RPC, sent again now.
      tally.failed++;
      p.sentAtMs = null;
    }
    attempt(n, id, p, ctx, tally);
  }
  report(n, tally, ctx);
}

/**
 * A receiver answered with `value`. Every answer is counted; only one for the current round's
 * value settles the receiver (a late answer to an earlier round does not).
 */
export function answered(n: Notices, id: string, value: number, result: 'ok' | 'skipped' | 'stale', ctx: NoticeContext): void {
  ctx.out.push({ kind: 'notices', notice: n.kind, result, count: 1 });
  const p = n.pending.get(id);
  if (p === undefined || value !== n.value) return;
  if (result === 'skipped' && !n.skippedIsDone) {
    p.sentAtMs = null;
    return;
  }
  n.pending.delete(id);
  finishIfDone(n, ctx);
}

/** The receiver's stream ended: an attempt in flight to it has failed. */
export function linkLost(n: Notices, id: string, ctx: NoticeContext): void {
  const p = n.pending.get(id);
  if (p?.sentAtMs == null) return;
  p.sentAtMs = null;
  ctx.out.push({ kind: 'notices', notice: n.kind, result: 'failed', count: 1 });
}

/** A receiver that unregistered learns the current state from its next registration reply. */
export function forget(n: Notices, id: string, ctx: NoticeContext): void {
  if (n.pending.delete(id)) finishIfDone(n, ctx);
}

/** Ends the round without waiting for the rest (superseded, or this node is no longer active). */
export function endRound(n: Notices): void {
  n.pending.clear();
  n.value = null;
  n.done = false;
}

export function isPending(n: Notices, id: string): boolean {
  return n.pending.has(id);
}

interface Tally {
  failed: number;
}

function newTally(): Tally {
  return { failed: 0 };
}

function attempt(n: Notices, id: string, p: PendingNotice, ctx: NoticeContext, tally: Tally): void {
  if (ctx.send(id)) p.sentAtMs = ctx.now;
  else tally.failed++;
}

function report(n: Notices, tally: Tally, ctx: NoticeContext): void {
  if (tally.failed > 0) ctx.out.push({ kind: 'notices', notice: n.kind, result: 'failed' satisfies NoticeResult, count: tally.failed });
}

function finishIfDone(n: Notices, ctx: NoticeContext): void {
  if (n.value === null || n.done || n.pending.size > 0) return;
  n.done = true;
  ctx.out.push({ kind: 'noticeRoundDone', notice: n.kind, value: n.value, durationMs: ctx.now - n.startedAtMs });
}
