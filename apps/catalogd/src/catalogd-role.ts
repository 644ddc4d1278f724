import { checkCatalogdUpdate, initialCatalogdVersionCheck, type CatalogdVersionCheck } from '@statestore-ha/ha';

export type CatalogdRoleName = 'active' | 'standby';

export interface CatalogdRoleOptions {
  /** --enable_catalogd_ha. Off: the lone catalogd is always active (Impala). */
  haEnabled: boolean;
  /** "hostname:catalog_service_port": the address the statestore names when it designates us. */
  selfAddress: string;
}

export type NotificationOutcome =
  /** Not newer than the last applied designation (Impala ActiveCatalogdVersionChecker). */
  | { kind: 'ignored'; lastVersion: number | null }
  /** Applied; `changed` when this catalogd switched between active and standby. */
  | { kind: 'applied'; role: CatalogdRoleName; changed: boolean; activeAddress: string };

/**
 * This catalogd's role in catalogd HA (Impala catalog-server.cc UpdateActiveCatalogd): with
 * --enable_catalogd_ha it is standby until a statestore notification names its own
 * hostname:catalog_service_port as the active catalogd, and standby again when one names another.
 * Notifications not newer than the last applied one are ignored.
 */
export class CatalogdRole {
  private current: CatalogdRoleName;
  private check: CatalogdVersionCheck = initialCatalogdVersionCheck;
  private activeAddress: string | undefined;
  private changes = 0;

  constructor(private readonly o: CatalogdRoleOptions) {
    this.current = o.haEnabled ? 'standby' : 'active';
    if (!o.haEnabled) this.activeAddress = o.selfAddress;
  }

  get role(): CatalogdRoleName {
    return this.current;
  }

  get isActive(): boolean {
    return this.current === 'active';
  }

  notified(catalogdVersion: number, activeAddress: string): NotificationOutcome {
    // Without HA nothing can make the lone catalogd standby, whatever a statestore says.
    if (!this.o.haEnabled) return { kind: 'applied', role: 'active', changed: false, activeAddress: this.o.selfAddress };
    const verdict = checkCatalogdUpdate(this.check, catalogdVersion);
    if (!verdict.apply) return { kind: 'ignored', lastVersion: this.check.lastVersion };
    this.check = verdict.state;
    this.activeAddress = activeAddress;
    const next: CatalogdRoleName = activeAddress === this.o.selfAddress ? 'active' : 'standby';
    const changed = next !== this.current;
    this.current = next;
    if (changed) this.changes++;
    return { kind: 'applied', role: next, changed, activeAddress };
  }

  status(): { role: CatalogdRoleName; ha_enabled: boolean; active_catalogd_address: string | null; catalogd_version: number | null; role_changes: number } {
    return {
      role: this.current,
      ha_enabled: this.o.haEnabled,
      active_catalogd_address: this.activeAddress ?? null,
      catalogd_version: this.check.lastVersion,
      role_changes: this.changes,
    };
  }
}
