import { NO_DEBUG_ACTION, type DebugActionLabel, type DebugActionOutcome } from '@statestore-ha/config';

/**
 * What --debug_actions does to one attempt with this label. main.ts builds it from the parsed
 * flag and Math.random (libs/config's decideDebugAction is pure); specs pass a fixed outcome.
 */
export type DebugActionHook = (label: DebugActionLabel) => DebugActionOutcome;

export const NO_DEBUG_ACTIONS: DebugActionHook = () => NO_DEBUG_ACTION;

/** How the first attempts of one round went; `injected` of the `failed` were failed by the hook. */
export interface FirstRound {
  sent: number;
  failed: number;
  injected: number;
  delayed: number;
  /** The entry that failed an attempt, e.g. "SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT:FAIL@1". */
  injectedBy?: string;
}

/** A delayed first attempt ran: sent, could not be sent, or failed by the hook after its delay. */
export type LateAttempt = 'sent' | 'failed' | 'injected';

/**
 * The first attempt to each receiver of one notification round, with --debug_actions applied.
 * Impala (statestore.cc SendUpdateStatestoredRoleNotification, SendUpdateCatalogdNotification)
 * calls DebugAction(label) before each RPC of a round's first pass only (`!resend_rpc`): a FAIL
 * is counted as a failed RPC and leaves the receiver for the resend pass; a SLEEP holds the RPC
 * back. Here a delayed receiver is left out of resends until its own attempt has run, so the
 * delay is really seen; receivers wait side by side, where Impala's one sender thread sleeps
 * for each in turn.
 */
export class FirstAttempts {
  private readonly held = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly label: DebugActionLabel,
    private readonly hook: DebugActionHook,
  ) {}

  /**
   * Attempts every id once. `send` returns false when the message could not go out now; a
   * delayed attempt calls `send` when its delay is over and reports to `late`.
   */
  run(ids: Iterable<string>, send: (id: string) => boolean, late: (id: string, result: LateAttempt) => void): FirstRound {
    const round: FirstRound = { sent: 0, failed: 0, injected: 0, delayed: 0 };
    for (const id of ids) {
      const fate = this.hook(this.label);
      if (fate.fail) round.injectedBy = fate.injected;
      if (fate.delayMs > 0) {
        round.delayed++;
        this.hold(id, fate.delayMs, () => late(id, fate.fail ? 'injected' : send(id) ? 'sent' : 'failed'));
      } else if (fate.fail) {
        round.failed++;
        round.injected++;
      } else if (send(id)) {
        round.sent++;
      } else {
        round.failed++;
      }
    }
    return round;
  }

  /** A receiver whose first attempt is still waiting out its delay: resends leave it alone. */
  isHeld(id: string): boolean {
    return this.held.has(id);
  }

  /** Drops a receiver's delayed attempt (it left, or its round was superseded). */
  forget(id: string): void {
    clearTimeout(this.held.get(id));
    this.held.delete(id);
  }

  /** Drops every delayed attempt: the round ended or the daemon stops. */
  cancel(): void {
    for (const t of this.held.values()) clearTimeout(t);
    this.held.clear();
  }

  private hold(id: string, delayMs: number, attempt: () => void): void {
    this.forget(id);
    this.held.set(
      id,
      setTimeout(() => {
        this.held.delete(id);
        attempt();
      }, delayMs),
    );
  }
}
