/**
 * Impala's ActiveCatalogdVersionChecker (statestore-subscriber-catalog.cc): a receiver ignores an
 * active-catalogd update whose version is not newer than the last one it applied ("Ignore the
 * update of active catalogd since more recent update has been processed"). Each statestored
 * counts versions on its own, so a registration reply, or the catalogd fields of a role
 * notification after a statestore failover, reset the check.
 */
export interface CatalogdVersionCheck {
  /** Last applied version; null before any (Impala: -1). */
  readonly lastVersion: number | null;
}

export const initialCatalogdVersionCheck: CatalogdVersionCheck = { lastVersion: null };

export interface CatalogdVersionVerdict {
  readonly state: CatalogdVersionCheck;
  readonly apply: boolean;
}

/** An UpdateCatalogd notification: applied only if its version is newer. */
export function checkCatalogdUpdate(s: CatalogdVersionCheck, version: number): CatalogdVersionVerdict {
  if (s.lastVersion !== null && version <= s.lastVersion) return { state: s, apply: false };
  return { state: { lastVersion: version }, apply: true };
}

/**
 * A registration reply or a role notification from a newly followed statestored: always applied,
 * and the check restarts from its version (null when it names no active catalogd).
 */
export function resetCatalogdVersion(version: number | null): CatalogdVersionVerdict {
  return { state: { lastVersion: version }, apply: true };
}
