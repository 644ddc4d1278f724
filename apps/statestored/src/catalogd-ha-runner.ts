import {
  activeCatalogd,
  initialCatalogdElection,
  standbyCatalogd,
  stepCatalogd,
  type CatalogdCandidate,
  type CatalogdEffect,
  type CatalogdElectionConfig,
  type CatalogdElectionState,
  type CatalogdEvent,
} from '@statestore-ha/ha';
import type { StatestoredMetrics } from '@statestore-ha/metrics';
import { SubscriberType, type CatalogRegistration, type RegisterResponse, type StatestoreMessage } from '@statestore-ha/proto';
import type { Logger } from '@statestore-ha/daemon';
import { FirstAttempts, NO_DEBUG_ACTIONS, type DebugActionHook, type LateAttempt } from './first-attempt';
import type { RoleView } from './role-view';
import type { NotificationListener } from './statestore';
import type { SubscriberSession } from './subscriber-session';

/**
 * What the statestore core asks and tells the catalogd election. The core calls these; it makes
 * no catalogd decision itself.
 */
export interface CatalogdHaHooks {
  /** RegisterResponse fields 5 and 6: set only when this statestored is active and an active catalogd exists (Impala). */
  registerReplyFields(): Pick<RegisterResponse, 'catalogdRegistration' | 'catalogdVersion'>;
  /** Called after the registration reply went out, so a notification never overtakes it on the stream. */
  subscriberRegistered(session: SubscriberSession): void;
  /** `superseded`: the same id is registering again right now (the re-registration follows). */
  subscriberUnregistered(session: SubscriberSession, superseded: boolean): void;
  /** Impala (statestore.cc DoSubscriberUpdate): an inactive catalogd gets no topic updates. */
  receivesTopicUpdates(session: SubscriberSession): boolean;
}

/** The parts of the Statestore core the runner uses (the core satisfies it; specs fake it). */
export interface CatalogdHaCore {
  subscribers(): Iterable<SubscriberSession>;
  sendTo(subscriberId: string, msg: StatestoreMessage): boolean;
  readonly topics: { setExcludedFromMinVersion(subscriberId: string, excluded: boolean): void };
  onNotificationAnswer(fn: NotificationListener): void;
  setCatalogdHa(hooks: CatalogdHaHooks): void;
}

export interface CatalogdHaRunnerOptions {
  /** --enable_catalogd_ha, --use_subscriber_id_as_catalogd_priority, --catalogd_ha_preemption_wait_period_ms. */
  election: CatalogdElectionConfig;
  /** --active_catalogd_designation_monitoring_interval_ms: CheckActiveCatalog() period. */
  monitoringIntervalMs: number;
  /** --update_catalogd_rpc_resend_interval_ms: unanswered or skipped notifications are resent this often. */
  resendIntervalMs: number;
  /** Only the active statestored sends designations (Impala SendUpdateCatalogdNotification). */
  role: Pick<RoleView, 'isActive' | 'activeEpoch'>;
  metrics: Pick<StatestoredMetrics, 'activeCatalogdVersion' | 'catalogdNotifications'>;
  log: Logger;
  now?: () => number;
  /** --debug_actions: SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT, on each receiver's first notification of a designation. */
  debugAction?: DebugActionHook;
}

const CATALOGD_RPC_LABEL = 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT';

/** A subscriber that acknowledged a designation (Impala's notified_subscribers on /catalog_ha_info). */
interface Notified {
  catalogdVersion: number;
  atMs: number;
}

/**
 * Drives libs/ha's catalogd election in a statestored (Impala: StatestoreCatalogdMgr): feeds it
 * catalogd registrations, unregistrations and a tick every
 * active_catalogd_designation_monitoring_interval_ms, and carries out its effects: the designation
 * goes to every subscriber with subscribe_catalogd_change (resent until answered), the inactive
 * catalogd is kept out of topic updates and of min_subscriber_topic_version, and the metrics and
 * /catalog_ha_info follow. Without --enable_catalogd_ha every registering catalogd is the active
 * one and nobody is excluded, so nothing changes for a cluster with one catalogd.
 */
export class CatalogdHaRunner implements CatalogdHaHooks {
  private state: CatalogdElectionState;
  private core: CatalogdHaCore | undefined;
  private readonly now: () => number;
  /**
   * The designation's version as subscribers see it. Impala counts +1 per designation
   * (active_catalogd_version_), and receivers reset their check on every registration reply and
   * on the catalogd fields of UpdateStatestoredRole. Our receivers reset on neither (they apply
   * a registration reply under the same check as a notification, and role notifications carry no
   * catalogd fields), so a receiver would ignore a restarted or newly active statestored whose
   * own count is lower. The
   * version on the wire is therefore stamped from the clock, max(previous + 1, now ms), as Impala
   * stamps active_statestored_version with UnixMicros(): still +1 or more per designation, and
   * newer than anything an earlier statestored sent, as long as clocks are roughly in step.
   */
  private wireVersion = 0;
  /** Stamped registrations by subscriber id (Impala stamps registration_time on registration). */
  private readonly registrations = new Map<string, CatalogRegistration>();
  /** Subscribers still to be told the current designation. */
  private readonly pending = new Set<string>();
  private readonly notified = new Map<string, Notified>();
  /** The epoch this statestored was active under at the last tick; null while not active. */
  private activeUnder: number | null = null;
  private timers: NodeJS.Timeout[] = [];
  /** The current round's first attempts; a receiver whose attempt is delayed is not resent to. */
  private readonly firstAttempts: FirstAttempts;

  constructor(private readonly o: CatalogdHaRunnerOptions) {
    this.now = o.now ?? Date.now;
    this.state = initialCatalogdElection(o.election);
    this.firstAttempts = new FirstAttempts(CATALOGD_RPC_LABEL, o.debugAction ?? NO_DEBUG_ACTIONS);
  }

  attach(core: CatalogdHaCore): void {
    this.core = core;
    core.setCatalogdHa(this);
    core.onNotificationAnswer((id, answer) => {
      if (answer.$case === 'catalogd') this.answered(id, answer.value.catalogdVersion, answer.value.skipped);
    });
  }

  /** Starts the two loops; call once the statestored's role is settled. */
  start(): void {
    this.activeUnder = this.activeEpochNow();
    this.timers = [setInterval(() => this.tick(), this.o.monitoringIntervalMs), setInterval(() => this.resend(), this.o.resendIntervalMs)];
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.firstAttempts.cancel();
  }

  /** CheckActiveCatalog(): promotes a lone catalogd after the wait; also notices a role change of this statestored. */
  tick(): void {
    this.feed({ kind: 'tick' });
    const epoch = this.activeEpochNow();
    // A new epoch counts as a promotion too: the statestored may have stepped down and come back
    // between two ticks, and its subscribers may have followed the other one meanwhile.
    if (epoch === this.activeUnder) return;
    this.activeUnder = epoch;
    if (epoch === null) {
      this.pending.clear();
      this.firstAttempts.cancel();
      return;
    }
    // A statestored that becomes active tells everyone its designation again (Impala carries it
    // in UpdateStatestoredRole): the subscribers last heard the other statestored's choice.
    if (activeCatalogd(this.state) === null) return;
    this.stamp();
    this.o.log.info({ catalogdVersion: this.wireVersion, active: this.state.activeId }, 'statestored became active: resending the active catalogd designation');
    this.startRound();
  }

  /** Every update_catalogd_rpc_resend_interval_ms: send the designation again to whoever has not acknowledged it. */
  resend(): void {
    if (this.pending.size === 0 || !this.o.role.isActive()) return;
    this.sendTo([...this.pending].filter((id) => !this.firstAttempts.isHeld(id)));
  }

  /** Impala's /catalog_ha_info; undefined without --enable_catalogd_ha (the page is then 404). */
  page(): Record<string, unknown> | undefined {
    if (!this.o.election.enabled) return undefined;
    if (!this.o.role.isActive()) return { is_active_statestored: false, message: 'The current statestored is inactive.' };
    const active = activeCatalogd(this.state);
    const standby = standbyCatalogd(this.state);
    const sessions = new Map([...(this.core?.subscribers() ?? [])].map((s) => [s.subscriberId, s]));
    return {
      is_active_statestored: true,
      has_active_catalogd: active !== null,
      active_catalogd_version: this.wireVersion,
      num_designations: this.state.version,
      ...this.registrationFields('active', active),
      ...this.registrationFields('standby', standby),
      pending_notifications: this.pending.size,
      notified_subscribers: [...this.notified].map(([id, n]) => {
        const s = sessions.get(id);
        return {
          id,
          address: s?.location ? `${s.location.hostname}:${s.location.port}` : '',
          registration_id: s?.registrationId ?? '',
          subscriber_type: s ? (SubscriberType[s.type] ?? String(s.type)) : '',
          catalogd_version: n.catalogdVersion,
          last_update_catalogd_time: new Date(n.atMs).toISOString(),
        };
      }),
    };
  }

  // ---- hooks the core calls -----------------------------------------------------------------

  registerReplyFields(): Pick<RegisterResponse, 'catalogdRegistration' | 'catalogdVersion'> {
    const active = activeCatalogd(this.state);
    const reg = active === null ? undefined : this.registrations.get(active.subscriberId);
    if (!this.o.role.isActive() || reg === undefined) return {};
    return { catalogdRegistration: reg, catalogdVersion: this.wireVersion };
  }

  subscriberRegistered(session: SubscriberSession): void {
    const id = session.subscriberId;
    const reg = session.catalogdRegistration;
    if (session.type === SubscriberType.SUBSCRIBER_TYPE_CATALOGD && reg !== undefined) {
      this.registrations.set(id, { ...reg, registrationTime: session.registeredAtMs });
      this.feed({ kind: 'catalogdRegistered', candidate: candidateOf(session, reg) });
    } else {
      // The id was a catalogd and registers again as something else: it is no candidate any more.
      const was = this.state.candidates.get(id);
      if (was !== undefined) this.feed({ kind: 'catalogdUnregistered', subscriberId: id, registrationId: was.registrationId });
    }
    // Impala hands the designation out in the registration reply only. A subscriber takes it from
    // the reply when it already follows this statestored; one that does not yet (its tracker still
    // on the other one) would otherwise wait for the next designation, so a newcomer is also sent a
    // notification: where the reply was taken, the version check logs it as a duplicate at debug.
    if (session.subscribeCatalogdChange && activeCatalogd(this.state) !== null && this.o.role.isActive() && !this.pending.has(id)) {
      this.pending.add(id);
      this.sendTo([id]);
    }
  }

  subscriberUnregistered(session: SubscriberSession, superseded: boolean): void {
    const id = session.subscriberId;
    this.pending.delete(id);
    this.firstAttempts.forget(id);
    this.notified.delete(id);
    // A re-registration of the same id is not a loss: Impala keeps the active catalogd active
    // when it registers again (election: "otherwise nothing changes").
    if (superseded) return;
    const c = this.state.candidates.get(id);
    if (c === undefined || c.registrationId !== session.registrationId) return;
    this.registrations.delete(id);
    this.feed({ kind: 'catalogdUnregistered', subscriberId: id, registrationId: session.registrationId });
  }

  receivesTopicUpdates(session: SubscriberSession): boolean {
    return !this.isExcluded(session.subscriberId);
  }

  // ---- driving the election -----------------------------------------------------------------

  private feed(ev: CatalogdEvent): void {
    const out = stepCatalogd(this.state, ev, this.now());
    this.state = out.state;
    for (const fx of out.effects) this.carryOut(fx);
    this.updateExclusions();
  }

  private carryOut(fx: CatalogdEffect): void {
    const { log } = this.o;
    switch (fx.kind) {
      case 'catalogdDesignated':
        this.stamp();
        log.info(
          { active: fx.active.subscriberId, activeAddress: fx.active.address, standby: fx.standby?.subscriberId ?? null, reason: fx.reason, catalogdVersion: this.wireVersion },
          'active catalogd designated',
        );
        this.startRound();
        return;
      case 'catalogdCleared':
        this.stamp();
        this.pending.clear();
        this.firstAttempts.cancel();
        log.warn({ catalogdVersion: this.wireVersion }, 'no active catalogd: the active one left and no standby is registered');
        return;
    }
  }

  private activeEpochNow(): number | null {
    return this.o.role.isActive() ? this.o.role.activeEpoch() : null;
  }

  private stamp(): void {
    this.wireVersion = Math.max(this.wireVersion + 1, this.now());
    this.o.metrics.activeCatalogdVersion.set(this.wireVersion);
  }

  /** Only the designated catalogd gets topic updates and counts for min_subscriber_topic_version. */
  private isExcluded(subscriberId: string): boolean {
    return this.o.election.enabled && this.state.candidates.has(subscriberId) && this.state.activeId !== subscriberId;
  }

  private updateExclusions(): void {
    if (!this.o.election.enabled || !this.core) return;
    for (const id of this.state.candidates.keys()) this.core.topics.setExcludedFromMinVersion(id, this.isExcluded(id));
  }

  /**
   * A new designation: every subscriber with subscribe_catalogd_change is to be told. This is
   * Impala's first pass (`!resend_rpc`), so each receiver's attempt goes through
   * SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT; resends and the notification a newcomer gets at
   * registration (Impala: its registration reply) do not.
   */
  private startRound(): void {
    this.pending.clear();
    this.firstAttempts.cancel();
    if (!this.core || !this.o.role.isActive()) return;
    for (const s of this.core.subscribers()) if (s.subscribeCatalogdChange) this.pending.add(s.subscriberId);
    const core = this.core;
    const message = this.message();
    if (message === undefined) return;
    const version = this.wireVersion;
    const { log, metrics } = this.o;
    const late = (id: string, result: LateAttempt): void => {
      if (result === 'sent') return;
      metrics.catalogdNotifications.inc({ result: 'failed' });
      if (result === 'injected') log.warn({ label: CATALOGD_RPC_LABEL, catalogdVersion: version, subscriber: id }, 'debug action failed a delayed first catalogd notification');
    };
    // A delayed attempt sends the designation current when its delay ends, if this statestored is
    // still active; a newer round, a cleared designation or the receiver leaving cancels it first.
    const r = this.firstAttempts.run([...this.pending], (id) => this.o.role.isActive() && core.sendTo(id, this.message() ?? message), late);
    if (r.failed > 0) metrics.catalogdNotifications.inc({ result: 'failed' }, r.failed);
    if (r.injected > 0 || r.delayed > 0) {
      log.warn({ label: CATALOGD_RPC_LABEL, action: r.injectedBy, failed: r.injected, delayed: r.delayed, catalogdVersion: version }, 'debug action applied to first catalogd notifications');
    }
  }

  /** The current designation as a notification; undefined while there is no active catalogd. */
  private message(): StatestoreMessage | undefined {
    const active = activeCatalogd(this.state);
    const reg = active === null ? undefined : this.registrations.get(active.subscriberId);
    if (reg === undefined) return undefined;
    return { kind: { $case: 'catalogd', value: { catalogdVersion: this.wireVersion, catalogdRegistration: reg, activeEpoch: this.o.role.activeEpoch() } } };
  }

  private sendTo(ids: readonly string[]): void {
    const core = this.core;
    const msg = this.message();
    if (!core || msg === undefined) return;
    let failed = 0;
    for (const id of ids) if (!core.sendTo(id, msg)) failed++;
    if (failed > 0) this.o.metrics.catalogdNotifications.inc({ result: 'failed' }, failed);
  }

  private answered(subscriberId: string, catalogdVersion: number, skipped: boolean): void {
    this.o.metrics.catalogdNotifications.inc({ result: skipped ? 'skipped' : 'ok' });
    // Skipped (Impala: the receiver could not take it now) stays pending and is sent again.
    if (skipped || catalogdVersion !== this.wireVersion) return;
    this.pending.delete(subscriberId);
    this.notified.set(subscriberId, { catalogdVersion, atMs: this.now() });
  }

  private registrationFields(prefix: 'active' | 'standby', c: CatalogdCandidate | null): Record<string, unknown> {
    const reg = c === null ? undefined : this.registrations.get(c.subscriberId);
    if (c === null || reg === undefined) return { [`${prefix}_catalogd_address`]: null };
    return {
      [`${prefix}_catalogd_subscriber_id`]: c.subscriberId,
      [`${prefix}_catalogd_address`]: c.address,
      [`${prefix}_catalogd_protocol`]: reg.protocol,
      [`${prefix}_catalogd_enable_catalogd_ha`]: reg.enableCatalogdHa,
      [`${prefix}_catalogd_force_catalogd_active`]: reg.forceCatalogdActive,
      [`${prefix}_catalogd_registration_time`]: new Date(reg.registrationTime).toISOString(),
    };
  }
}

function candidateOf(session: SubscriberSession, reg: CatalogRegistration): CatalogdCandidate {
  return {
    subscriberId: session.subscriberId,
    registrationId: session.registrationId,
    forceActive: reg.forceCatalogdActive,
    address: reg.address ? `${reg.address.hostname}:${reg.address.port}` : '',
  };
}
