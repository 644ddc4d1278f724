import { checkCatalogdUpdate, initialCatalogdVersionCheck, type CatalogdVersionCheck } from '@statestore-ha/ha';
import type { CatalogdSource } from '@statestore-ha/subscriber';

export type ActiveCatalogdOutcome =
  | { kind: 'applied'; address: string; changed: boolean }
  /** Not newer than the last applied designation: Impala logs and keeps the current address. */
  | { kind: 'ignored'; lastVersion: number | null };

/**
 * Which catalogd this coordinator sends catalog requests to (Impala's
 * ActiveCatalogdVersionChecker plus catalog.active-catalogd-address): the address from the newest
 * designation, whether an UpdateCatalogd notification or the active statestored's registration
 * reply brought it; older or repeated ones are ignored. The statestored stamps versions from its
 * clock (catalogd-ha-runner.ts), so a restarted or newly active statestored's designation is newer
 * and one check serves both sources (Impala instead resets its check on every registration reply).
 */
export class ActiveCatalogd {
  private check: CatalogdVersionCheck = initialCatalogdVersionCheck;
  private current: string | undefined;
  private source: CatalogdSource | undefined;

  notified(catalogdVersion: number, address: string, source: CatalogdSource = 'notification'): ActiveCatalogdOutcome {
    const verdict = checkCatalogdUpdate(this.check, catalogdVersion);
    if (!verdict.apply) return { kind: 'ignored', lastVersion: this.check.lastVersion };
    this.check = verdict.state;
    const changed = address !== this.current;
    this.current = address;
    this.source = source;
    return { kind: 'applied', address, changed };
  }

  get address(): string | undefined {
    return this.current;
  }

  /** The version of the designation in use; 0 before any (the metric's value then). */
  get version(): number {
    return this.check.lastVersion ?? 0;
  }

  /** `active_catalogd_source`: how the designation in use arrived (a registration reply or a notification). */
  snapshot(): { active_catalogd_address: string | null; active_catalogd_version: number | null; active_catalogd_source: CatalogdSource | null } {
    return { active_catalogd_address: this.current ?? null, active_catalogd_version: this.check.lastVersion, active_catalogd_source: this.source ?? null };
  }
}
