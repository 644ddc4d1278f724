/** Sending to a subscriber's stream, and the context notice rounds send through. */
import { decideDebugAction } from './debug-actions';
import type { DownMessage } from './messages';
import type { NodeEffect } from './node-effects';
import type { NodeState, SubscriberEntry } from './node-state';
import type { NoticeContext } from './notices';
import { drawRandom } from './random';

/**
 * Sends on the entry's stream; false when it has none open, or DISABLE_STATESTORE_NETWORK is on
 * (Impala's RPCs then fail). A congested stream still takes it: grpc-js queues the write.
 */
export function sendTo(s: NodeState, entry: SubscriberEntry, msg: DownMessage, out: NodeEffect[]): boolean {
  if (entry.link === null || s.networkDisabled) return false;
  out.push({ kind: 'send', link: entry.link, msg });
  return true;
}

/** A notice round's context: `message` builds what the receiver is sent now (null: nothing to send). */
export function noticeContext(s: NodeState, now: number, out: NodeEffect[], message: (entry: SubscriberEntry) => DownMessage | null): NoticeContext {
  return {
    now,
    out,
    send: (id) => {
      const entry = s.subscribers.get(id);
      const msg = entry === undefined ? null : message(entry);
      return entry !== undefined && msg !== null && sendTo(s, entry, msg, out);
    },
    fate: (label) => decideDebugAction(s.config.debugActions, label, () => drawRandom(s)),
  };
}
