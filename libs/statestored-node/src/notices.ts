/**
 * "Send until acknowledged": the one mechanism behind the role broadcast (Impala
 * SendUpdateStatestoredRoleNotification) and the active-catalogd notifications (Impala
 * SendUpdateCatalogdNotification). A round has a value (the promotion's epoch, the designation's
 * version) and a set of receivers. Each receiver is sent the round's message; an attempt that
 * cannot go out, or stays unanswered past the timeout (Impala's RPC deadline:
 * statestore_update_statestore_tcp_timeout_seconds, statestore_update_catalogd_tcp_timeout_seconds),
 * has failed and is tried again a resend interval later (update_statestore_rpc_resend_interval_ms,
 * update_catalogd_rpc_resend_interval_ms), until the receiver answers the round's value.
 *
 * Each receiver's FIRST attempt of a round goes through its --debug_actions label, as Impala
 * calls DebugAction before each RPC of the first pass only (`!resend_rpc`): FAIL counts the
 * attempt failed and leaves the receiver for the resend pass; SLEEP/JITTER hold it back, and
 * a held receiver gets nothing until its attempt has run.
 */
import type { DebugActionLabel, DebugActionOutcome } from './debug-actions';
import type { NoticeTiming } from './node-config';
import type { NodeEffect, NoticeKind } from './node-effects';

/** Where one receiver stands, and when it needs looking at again. */
type PendingNotice =
  /** Sent; failed if not answered by `dueAtMs` (the deadline). */
  | { phase: 'inFlight'; dueAtMs: number }
  /** Failed, or answered skipped: try again at `dueAtMs`. */
  | { phase: 'retry'; dueAtMs: number }
  /** A first attempt held back by a debug action until `dueAtMs`; `failAfter`: then failed by it. */
  | { phase: 'held'; dueAtMs: number; failAfter: string | null };

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
  /** The earliest dueAtMs of any receiver (Infinity: nothing to do until an answer or a new round). */
  dueAtMs: number;
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
  return { kind, label, timing, skippedIsDone, value: null, startedAtMs: 0, done: false, pending: new Map(), dueAtMs: Infinity };
}

/** Starts a round for `value` (superseding any earlier one) and makes every first attempt. */
export function startRound(n: Notices, value: number, receivers: Iterable<string>, ctx: NoticeContext): void {
  n.pending.clear();
  n.value = value;
  n.startedAtMs = ctx.now;
  n.done = false;
  n.dueAtMs = Infinity;
  let failed = 0;
  const applied = { entry: '', failed: 0, delayed: 0 };
  for (const id of receivers) {
    const fate = ctx.fate(n.label);
    if (fate.injected !== undefined) applied.entry = fate.injected;
    if (fate.delayMs > 0) {
      applied.delayed++;
      set(n, id, { phase: 'held', dueAtMs: ctx.now + fate.delayMs, failAfter: fate.fail ? (fate.injected ?? n.label) : null });
    } else if (fate.fail) {
      applied.failed++;
      failed++;
      set(n, id, { phase: 'retry', dueAtMs: ctx.now + n.timing.resendIntervalMs });
    } else if (!attempt(n, id, ctx)) {
      failed++;
    }
  }
  ctx.out.push({ kind: 'noticeRoundStarted', notice: n.kind, value, receivers: n.pending.size });
  if (applied.failed > 0 || applied.delayed > 0) {
    ctx.out.push({ kind: 'debugActionApplied', label: n.label, entry: applied.entry || n.label, failed: applied.failed, delayed: applied.delayed, notice: n.kind, value });
  }
  reportFailed(n, failed, ctx);
  finishIfDone(n, ctx);
}

/** Adds one receiver to the current round (a newcomer); not a first attempt of the round. */
export function addReceiver(n: Notices, id: string, ctx: NoticeContext): void {
  if (n.value === null || n.pending.has(id)) return;
  n.done = false;
  if (!attempt(n, id, ctx)) reportFailed(n, 1, ctx);
}

/** Everything due: held attempts whose delay is over, timed-out and failed attempts. */
export function resendDue(n: Notices, ctx: NoticeContext): void {
  if (n.value === null || ctx.now < n.dueAtMs) return;
  let failed = 0;
  for (const [id, p] of [...n.pending]) {
    if (ctx.now < p.dueAtMs) continue;
    switch (p.phase) {
      case 'held':
        if (p.failAfter !== null) {
          failed++;
          ctx.out.push({ kind: 'debugActionApplied', label: n.label, entry: p.failAfter, failed: 1, delayed: 0, notice: n.kind, value: n.value });
          set(n, id, { phase: 'retry', dueAtMs: ctx.now + n.timing.resendIntervalMs });
        } else if (!attempt(n, id, ctx)) {
          failed++;
        }
        break;
      case 'inFlight':
        // Unanswered past the deadline: a failed RPC, tried again a resend interval later.
        failed++;
        set(n, id, { phase: 'retry', dueAtMs: ctx.now + n.timing.resendIntervalMs });
        break;
      case 'retry':
        if (!attempt(n, id, ctx)) failed++;
        break;
    }
  }
  n.dueAtMs = Infinity;
  for (const p of n.pending.values()) n.dueAtMs = Math.min(n.dueAtMs, p.dueAtMs);
  reportFailed(n, failed, ctx);
}

/**
 * A receiver answered with `value`. Every answer is counted; only one for the current round's
 * value settles the receiver (a late answer to an earlier round does not).
 */
export function answered(n: Notices, id: string, value: number, result: 'ok' | 'skipped' | 'stale', ctx: NoticeContext): void {
  ctx.out.push({ kind: 'notices', notice: n.kind, result, count: 1 });
  if (!n.pending.has(id) || value !== n.value) return;
  if (result === 'skipped' && !n.skippedIsDone) {
    set(n, id, { phase: 'retry', dueAtMs: ctx.now + n.timing.resendIntervalMs });
    return;
  }
  n.pending.delete(id);
  finishIfDone(n, ctx);
}

/** The receiver's stream ended: an attempt in flight to it has failed. */
export function linkLost(n: Notices, id: string, ctx: NoticeContext): void {
  if (n.pending.get(id)?.phase !== 'inFlight') return;
  set(n, id, { phase: 'retry', dueAtMs: ctx.now + n.timing.resendIntervalMs });
  reportFailed(n, 1, ctx);
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
  n.dueAtMs = Infinity;
}

function set(n: Notices, id: string, p: PendingNotice): void {
  n.pending.set(id, p);
  n.dueAtMs = Math.min(n.dueAtMs, p.dueAtMs);
}

/** Sends now; false (and a retry a resend interval later) when it cannot go out. */
function attempt(n: Notices, id: string, ctx: NoticeContext): boolean {
  if (ctx.send(id)) {
    set(n, id, { phase: 'inFlight', dueAtMs: ctx.now + n.timing.timeoutMs });
    return true;
  }
  set(n, id, { phase: 'retry', dueAtMs: ctx.now + n.timing.resendIntervalMs });
  return false;
}

function reportFailed(n: Notices, count: number, ctx: NoticeContext): void {
  if (count > 0) ctx.out.push({ kind: 'notices', notice: n.kind, result: 'failed', count });
}

function finishIfDone(n: Notices, ctx: NoticeContext): void {
  if (n.value === null || n.done || n.pending.size > 0) return;
  n.done = true;
  ctx.out.push({ kind: 'noticeRoundDone', notice: n.kind, value: n.value, durationMs: ctx.now - n.startedAtMs });
}
