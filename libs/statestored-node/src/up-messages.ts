/** What a subscriber says on its stream, and what the node does with each message. */
import { assertNever } from '@statestore-ha/ha';
import { catalogdAnswered } from './catalogd';
import { connStateReported, heartbeatAnswered } from './heartbeats';
import { sendTo } from './links';
import type { LinkId, UpMessage } from './messages';
import type { NodeEffect } from './node-effects';
import type { NodeState } from './node-state';
import { answered } from './notices';
import { roleContext, subscriberSawEpoch } from './role';
import { entryOn, register, unregister } from './subscriber-table';
import { acknowledgeUpdate, dropUpdate } from './update-loop';
import { applyWrites } from './writes';

export function onUpMessage(s: NodeState, link: LinkId, msg: UpMessage, registrationId: string | undefined, now: number, out: NodeEffect[]): void {
  if (msg.kind === 'register') {
    // The edge names every registration; a missing id is a broken edge, not subscriber input.
    if (registrationId === undefined) throw new Error('a register message needs the registrationId the edge made for it');
    register(s, link, msg.request, registrationId, now, out);
    return;
  }
  // DISABLE_STATESTORE_NETWORK: Impala's RPCs fail, so nothing a subscriber says arrives.
  if (s.networkDisabled) return;
  const e = entryOn(s, link);
  if (e === undefined) {
    out.push({ kind: 'closeLink', link, reason: 'protocolViolation', message: `the first message of a Subscribe stream must be register, got ${msg.kind}` });
    return;
  }
  switch (msg.kind) {
    case 'heartbeat':
      return heartbeatAnswered(s, e, msg.seq, msg.connState, msg.highestEpochSeen, now, out);
    case 'updateState': {
      if (msg.staleEpoch) {
        // The subscriber has seen a newer epoch: this node is a stale active. Nothing is acknowledged.
        dropUpdate(e, msg.seq);
        subscriberSawEpoch(s, e.subscriberId, msg.highestEpochSeen, now, out);
        return;
      }
      const cls = acknowledgeUpdate(s, e, msg.seq, msg.skipped, now, out);
      // An answer to an unknown or expired update (resent meanwhile) changes nothing.
      if (cls === null || msg.skipped) return;
      const rejection = applyWrites(s, e, msg.writes, out);
      if (rejection !== undefined) sendTo(s, e, { kind: 'writeRejected', updateSeq: msg.seq, rejection }, out);
      return;
    }
    case 'publish': {
      const rejection = applyWrites(s, e, msg.writes, out);
      sendTo(s, e, { kind: 'publishResult', seq: msg.seq, rejection }, out);
      return;
    }
    case 'role': {
      const result = msg.staleEpoch ? 'stale' : msg.skipped ? 'skipped' : 'ok';
      answered(s.roleNotices, e.subscriberId, msg.activeEpoch, result, roleContext(s, now, out));
      if (msg.staleEpoch) subscriberSawEpoch(s, e.subscriberId, msg.highestEpochSeen, now, out);
      return;
    }
    case 'catalogd':
      return catalogdAnswered(s, e, msg.catalogdVersion, msg.skipped, now, out);
    case 'connState':
      return connStateReported(s, e, msg.connState, msg.highestEpochSeen, now, out);
    case 'unregister':
      return unregister(s, e, 'unregistered', now, out);
    default:
      return assertNever(msg, 'UpMessage');
  }
}
