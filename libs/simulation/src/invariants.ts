/**
 * The safety properties checked after every simulated step, and the record they are checked
 * against. Each check is incremental; the first violation stops the run.
 *
 * 1. Epochs only grow at each subscriber: no subscriber (incarnation) accepts an epoch lower
 *    than one it accepted before (topic updates, role notifications, follows).
 * 2. One statestored per epoch: no two statestored incarnations have updates accepted under
 *    the same epoch.
 * 3. Justified takeover (the design doc's rule, checked from what the simulator itself saw
 *    delivered, not from the machine's state): when a standby takes over, its peer has been
 *    silent to it for more than statestore_peer_timeout, and more than half of the subscribers
 *    registered with it last reported their link to the active FAILED. This is the property
 *    the skipMajorityCheck mutation breaks.
 */
import { compareEpochs } from '@statestore-ha/ha';
import { History, MonotonicPerObserver, UniqueOwner, formatViolation, type HistoryEvent, type Violation } from '@statestore-ha/testing';

/** A takeover as the simulator saw it happen (sim-statestored.ts). */
export interface TakeoverSeen {
  readonly t: number;
  readonly node: string;
  readonly reason: 'takeover' | 'crashEvidence';
  readonly peerSilentMs: number | null;
  readonly peerTimeoutMs: number;
  readonly failed: number;
  readonly refused: number;
  readonly total: number;
  /** The node's own link to the peer, as the network last reported it. */
  readonly peerLink: string;
  readonly mutated: boolean;
}

export interface AcceptData {
  readonly epoch: number;
  /** statestore_id of the sender (an incarnation of ss1 or ss2). */
  readonly statestoreId: string;
  readonly what: 'update' | 'role' | 'follow';
}

export type SimEventData = AcceptData | { readonly text: string };

export class InvariantChecker {
  readonly history = new History<SimEventData>(20000);
  // compareEpochs: the one fence of libs/ha, so the checker and the code agree on "newer".
  private readonly monotonic = new MonotonicPerObserver<SimEventData>(
    'a subscriber accepted a lower epoch after a higher one',
    (d) => ('epoch' in d ? d.epoch : 0),
    compareEpochs,
  );
  private readonly oneOwner = new UniqueOwner<SimEventData>(
    'two statestoreds had updates accepted under the same epoch',
    (d) => ('epoch' in d ? String(d.epoch) : ''),
    (d) => ('statestoreId' in d ? d.statestoreId : ''),
  );
  private violation: string | null = null;

  get failed(): string | null {
    return this.violation;
  }

  accepted(t: number, subscriber: string, data: AcceptData): void {
    const ev = this.history.record(t, subscriber, `accept-${data.what}`, data);
    this.fail(this.monotonic.check(ev));
    if (data.what === 'update') this.fail(this.oneOwner.check(ev));
  }

  note(t: number, observer: string, kind: string, text: string): void {
    this.history.record(t, observer, kind, { text });
  }

  /**
   * A takeover, judged from what the network delivered. By Impala's rule: the peer silent longer
   * than the timeout and a majority of FAILED (or REFUSED) reports. By crash evidence: the node's
   * own link to the peer refused and a majority of REFUSED reports; the network refuses a connect
   * only to a node that is down, so the evidence cannot be faked by a partition or a reset.
   */
  takeover(e: TakeoverSeen): void {
    const ev = this.history.record(e.t, e.node, 'takeover', {
      text: `${e.reason}: peer silent ${e.peerSilentMs ?? 'never heard'} ms, peer link ${e.peerLink}, lost-active ${e.failed}/${e.total} (refused ${e.refused})`,
    });
    const majority = (n: number): boolean => n > 0 && n > Math.floor(e.total / 2);
    const mutation = e.mutated ? ' (a node mutation)' : '';
    if (e.reason === 'crashEvidence') {
      if (e.peerLink !== 'refused') this.failWith(ev, `takeover on crash evidence while the link to the peer was ${e.peerLink}, not refused${mutation}`);
      if (!majority(e.refused)) this.failWith(ev, `takeover on crash evidence without a majority of subscribers refused: ${e.refused}/${e.total}${mutation}`);
      return;
    }
    if (e.peerSilentMs !== null && e.peerSilentMs <= e.peerTimeoutMs) {
      this.failWith(ev, `takeover while the peer was heard ${e.peerSilentMs} ms ago (timeout ${e.peerTimeoutMs} ms)`);
    }
    if (!majority(e.failed)) this.failWith(ev, `takeover without a majority of subscribers losing the active: ${e.failed}/${e.total}${mutation}`);
  }

  /** For convergence failures, found by the cluster. */
  failWithText(text: string): void {
    if (this.violation === null) this.violation = text;
  }

  private fail(v: Violation<SimEventData> | null): void {
    if (v && this.violation === null) this.violation = formatViolation(v, show);
  }

  private failWith(ev: HistoryEvent<SimEventData>, detail: string): void {
    if (this.violation === null) this.violation = `${detail}\n  at t=${ev.t} ${ev.observer}`;
  }
}

export function show(d: SimEventData): string {
  return 'text' in d ? d.text : `epoch=${d.epoch} from=${d.statestoreId}`;
}
