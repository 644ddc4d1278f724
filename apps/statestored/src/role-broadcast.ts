import type { StatestoreMessage } from '@statestore-ha/proto';

/**
 * The pending RoleNotifications of one promotion (Impala: SendUpdateStatestoredRoleNotification):
 * every subscriber registered at promotion gets one, and is sent it again every
 * update_statestore_rpc_resend_interval_ms until it answers. Impala drops a receiver on any OK
 * answer, skipped or not; so do we.
 */
export class RoleBroadcast {
  private readonly pending: Set<string>;
  readonly startedAtMs: number;

  constructor(readonly epoch: number, subscriberIds: Iterable<string>, nowMs: number) {
    this.pending = new Set(subscriberIds);
    this.startedAtMs = nowMs;
  }

  get message(): StatestoreMessage {
    return { kind: { $case: 'role', value: { activeEpoch: this.epoch, isActive: true } } };
  }

  /** Subscribers still to be told, in registration order. */
  receivers(): string[] {
    return [...this.pending];
  }

  /**
   * Sends again to the subscribers still to be told, except those `held` (a first attempt still
   * waiting out its debug-action delay); `send` returns false when it could not send now.
   */
  resend(send: (subscriberId: string) => boolean, held: (subscriberId: string) => boolean = () => false): { sent: number; failed: number } {
    let sent = 0;
    let failed = 0;
    for (const id of this.pending) {
      if (held(id)) continue;
      if (send(id)) sent++;
      else failed++;
    }
    return { sent, failed };
  }

  answered(subscriberId: string, epoch: number): boolean {
    return epoch === this.epoch && this.pending.delete(subscriberId);
  }

  /** A subscriber that unregistered will learn the role from its next registration reply. */
  forget(subscriberId: string): void {
    this.pending.delete(subscriberId);
  }

  get done(): boolean {
    return this.pending.size === 0;
  }

  get remaining(): number {
    return this.pending.size;
  }
}
