// The closed sets of label values. Factories create every series of these up front at 0, so a
// query like increase(statestore_role_changes_total{to="active"}[5m]) has a series to read
// before the first event instead of returning nothing.

export const STATESTORE_ROLES = ['active', 'standby'] as const;
export type StatestoreRole = (typeof STATESTORE_ROLES)[number];

/** Outcomes of a role notification (UpdateStatestoredRole). */
export const ROLE_NOTIFICATION_RESULTS = ['ok', 'failed', 'skipped', 'stale'] as const;
export type RoleNotificationResult = (typeof ROLE_NOTIFICATION_RESULTS)[number];

/** Outcomes of an active-catalogd notification (UpdateCatalogd): Impala has no stale here. */
export const CATALOGD_NOTIFICATION_RESULTS = ['ok', 'failed', 'skipped'] as const;
export type CatalogdNotificationResult = (typeof CATALOGD_NOTIFICATION_RESULTS)[number];

/** Which of a subscriber's two links: state_store_host (1) or state_store_2_host (2). */
export const STATESTORE_SLOTS = ['1', '2'] as const;
export type StatestoreSlot = (typeof STATESTORE_SLOTS)[number];

export const PRIORITY_VALUES = ['true', 'false'] as const;
