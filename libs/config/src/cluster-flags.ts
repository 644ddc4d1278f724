import { boolFlag, portFlag } from './flag-spec';

// Flags Impala defines once in global-flags.cc and reads on both sides of a link. Each row is
// defined here only, and the statestored, subscriber and catalogd groups pick the rows they use.

/** statestored: listen for subscribers here. Subscribers: the first statestored's port. */
export const statePortSpec = {
  state_store_port: portFlag(
    24000,
    'StatestoreService port: where statestored listens for subscribers, and where subscribers reach the first statestored (Impala --state_store_port).',
  ),
};

export const statestoredHaSpec = {
  enable_statestored_ha: boolFlag(
    false,
    'StateStore HA (IMPALA-12156): statestored runs as one of a primary/standby pair; subscribers register with both statestoreds.',
  ),
};

export const catalogdHaSpec = {
  enable_catalogd_ha: boolFlag(
    false,
    'Catalogd HA (IMPALA-12155): statestored elects one active catalogd of two. Statestored and catalogds must agree, or registration is refused.',
  ),
};
