import { checkCatalogdUpdate, initialCatalogdVersionCheck, type CatalogdVersionCheck } from '@statestore-ha/ha';

export type ActiveCatalogdOutcome =
  | { kind: 'applied'; address: string; changed: boolean }
  /** Not newer than the last applied designation: Impala logs and keeps the current address. */
  | { kind: 'ignored'; lastVersion: number | null };

/**
 * Which catalogd this coordinator sends catalog requests to (Impala's
 * ActiveCatalogdVersionChecker plus catalog.active-catalogd-address): the address from the newest
 * statestore notification; older or repeated ones are ignored.
 */
export class ActiveCatalogd {
  private check: CatalogdVersionCheck = initialCatalogdVersionCheck;
  private current: string | undefined;

  notified(catalogdVersion: number, address: string): ActiveCatalogdOutcome {
    const verdict = checkCatalogdUpdate(this.check, catalogdVersion);
    if (!verdict.apply) return { kind: 'ignored', lastVersion: this.check.lastVersion };
    this.check = verdict.state;
    const changed = address !== this.current;
    this.current = address;
    return { kind: 'applied', address, changed };
  }

  get address(): string | undefined {
    return this.current;
  }

  /** The version of the designation in use; 0 before any (the metric's value then). */
  get version(): number {
    return this.check.lastVersion ?? 0;
  }

  snapshot(): { active_catalogd_address: string | null; active_catalogd_version: number | null } {
    return { active_catalogd_address: this.current ?? null, active_catalogd_version: this.check.lastVersion };
  }
}
