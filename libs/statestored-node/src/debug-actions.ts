/**
 * `--debug_actions`: test-only fault hooks, in Impala's grammar (be/src/util/debug-util.cc):
 * entries separated by `|`, each `LABEL:COMMAND[@param...]`, e.g.
 * `SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:FAIL@1.0`. Impala also reads the whole value
 * `DISABLE_STATESTORE_NETWORK` (statestore.cc SetStatestoreDebugAction compares with ==); we take
 * it as a bare entry. Labels are a closed list: a typo in a test's fault hook must fail loudly,
 * not make the test pass because nothing was injected.
 */

/** The bare label that lets SetStatestoreDebugAction cut the statestored off the network. */
export const DISABLE_STATESTORE_NETWORK = 'DISABLE_STATESTORE_NETWORK';

/**
 * Ours, not Impala's: a bare entry that makes the standby take over on its peer detector alone,
 * without the subscriber-majority check the whole design rests on. It exists so the chaos
 * harness can prove it catches the split brain that follows (chaos catches-bug spec); the daemon
 * warns loudly at start and exports statestore_debug_action_enabled{action=...} while it is set.
 */
export const UNSAFE_SKIP_MAJORITY_CHECK = 'STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK';

const BARE_ENTRIES = [DISABLE_STATESTORE_NETWORK, UNSAFE_SKIP_MAJORITY_CHECK] as const;

/**
 * Labels statestored accepts with a command. Names from Impala's statestore.cc; add a label
 * here only together with the code that honours it.
 */
export const STATESTORED_DEBUG_ACTION_LABELS = [
  /** Each subscriber's first role notification after a promotion (notices.ts). */
  'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT',
  /** Each receiver's first active-catalogd notification of a designation (notices.ts). */
  'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT',
  /** The first HA handshake try at startup and on entering recovery mode (role.ts). */
  'STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT',
] as const;

export type DebugActionLabel = (typeof STATESTORED_DEBUG_ACTION_LABELS)[number];

/** FAIL[@p]: fail with probability p (default 1). SLEEP@ms. JITTER@ms[@p]: sleep up to ms with probability p. */
export type DebugCommand =
  | { readonly kind: 'FAIL'; readonly probability: number }
  | { readonly kind: 'SLEEP'; readonly millis: number }
  | { readonly kind: 'JITTER'; readonly maxMillis: number; readonly probability: number };

export interface DebugAction {
  readonly label: DebugActionLabel;
  readonly command: DebugCommand;
}

export interface DebugActions {
  readonly disableStatestoreNetwork: boolean;
  /** STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK was given. */
  readonly unsafeSkipMajorityCheck: boolean;
  readonly actions: readonly DebugAction[];
}

/** No debug action at all: what an empty --debug_actions parses to. */
export const NO_DEBUG_ACTIONS: DebugActions = { disableStatestoreNetwork: false, unsafeSkipMajorityCheck: false, actions: [] };

export type ParsedDebugActions = { readonly ok: true; readonly value: DebugActions } | { readonly ok: false; readonly problems: readonly string[] };

const KNOWN_LABELS: ReadonlySet<string> = new Set(STATESTORED_DEBUG_ACTION_LABELS);

/** Parses a `--debug_actions` value; every problem is listed, each naming the entry. */
export function parseDebugActions(text: string): ParsedDebugActions {
  const problems: string[] = [];
  const actions: DebugAction[] = [];
  let disableStatestoreNetwork = false;
  let unsafeSkipMajorityCheck = false;
  if (text.trim() === '') return { ok: true, value: NO_DEBUG_ACTIONS };
  for (const entry of text.split('|').map((e) => e.trim())) {
    if (entry.toUpperCase() === DISABLE_STATESTORE_NETWORK) {
      disableStatestoreNetwork = true;
      continue;
    }
    if (entry.toUpperCase() === UNSAFE_SKIP_MAJORITY_CHECK) {
      unsafeSkipMajorityCheck = true;
      continue;
    }
    const parts = entry.split(':');
    const [label, commandText] = parts;
    if (parts.length !== 2 || label === undefined || commandText === undefined || label === '' || commandText === '') {
      problems.push(`"${entry}" is not ${BARE_ENTRIES.join(', ')} or LABEL:COMMAND[@param]`);
      continue;
    }
    // Impala matches labels and commands case-insensitively (iequals).
    const upperLabel = label.toUpperCase();
    if (!KNOWN_LABELS.has(upperLabel)) {
      problems.push(`unknown label "${label}" (known: ${[...BARE_ENTRIES, ...STATESTORED_DEBUG_ACTION_LABELS].join(', ')})`);
      continue;
    }
    const command = parseCommand(commandText);
    if (typeof command === 'string') {
      problems.push(`${label}: ${command}`);
      continue;
    }
    actions.push({ label: upperLabel as DebugActionLabel, command });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { disableStatestoreNetwork, unsafeSkipMajorityCheck, actions } };
}

/** The action for a label, if the operator set one. */
export function debugActionFor(actions: DebugActions, label: DebugActionLabel): DebugCommand | undefined {
  return actions.actions.find((a) => a.label === label)?.command;
}

/**
 * What the hooks do to one attempt: wait `delayMs` first, then fail it or let it go ahead.
 * `injected` names the entry that failed it, for the log line (Impala's "Debug Action: LABEL:CMD").
 */
export interface DebugActionOutcome {
  readonly delayMs: number;
  readonly fail: boolean;
  readonly injected?: string;
}

/** The outcome when no entry has the label, or none fired. */
export const NO_DEBUG_ACTION: DebugActionOutcome = { delayMs: 0, fail: false };

/**
 * The fate of one attempt under the entries for `label`, as Impala's DebugActionImpl
 * (be/src/util/debug-util.cc) decides it: every entry for the label runs in order; SLEEP@ms adds
 * ms; JITTER@ms[@p] adds a uniform 0..ms with probability p; FAIL[@p] fails the attempt with
 * probability p and stops there (sleeps before it still happen). Pure: `random` returns a number
 * in [0, 1), drawn once per probability below 1 and once per jitter, so a seeded source replays.
 */
export function decideDebugAction(actions: DebugActions, label: DebugActionLabel, random: () => number): DebugActionOutcome {
  let delayMs = 0;
  for (const a of actions.actions) {
    if (a.label !== label) continue;
    const c = a.command;
    switch (c.kind) {
      case 'SLEEP':
        delayMs += c.millis;
        break;
      case 'JITTER':
        // Impala: the probability is drawn only when given; rand() % (max + 1).
        if (c.probability < 1 && !fires(c.probability, random)) break;
        delayMs += Math.min(c.maxMillis, Math.floor(random() * (c.maxMillis + 1)));
        break;
      case 'FAIL':
        if (c.probability < 1 && !fires(c.probability, random)) break;
        return { delayMs, fail: true, injected: `${label}:${commandText(c)}` };
    }
  }
  return delayMs === 0 ? NO_DEBUG_ACTION : { delayMs, fail: false };
}

/** Impala: rand() < p * (RAND_MAX + 1), so p=0 never fires and p=1 always does. */
function fires(probability: number, random: () => number): boolean {
  return random() < probability;
}

function commandText(c: DebugCommand): string {
  switch (c.kind) {
    case 'FAIL':
      return `FAIL@${c.probability}`;
    case 'SLEEP':
      return `SLEEP@${c.millis}`;
    case 'JITTER':
      return `JITTER@${c.maxMillis}@${c.probability}`;
  }
}

function parseCommand(text: string): DebugCommand | string {
  const [name = '', ...params] = text.split('@');
  const numbers = params.map(Number);
  if (params.some((p) => p.trim() === '') || numbers.some((n) => !Number.isFinite(n))) {
    return `"${text}": parameters after @ must be numbers`;
  }
  const [first, second] = numbers;
  switch (name.toUpperCase()) {
    case 'FAIL':
      if (numbers.length > 1 || !isProbability(first ?? 1)) return `"${text}": expected FAIL or FAIL@<probability in [0, 1]>`;
      return { kind: 'FAIL', probability: first ?? 1 };
    case 'SLEEP':
      if (numbers.length !== 1 || first === undefined || !isMillis(first)) return `"${text}": expected SLEEP@<ms >= 0>`;
      return { kind: 'SLEEP', millis: first };
    case 'JITTER':
      if (numbers.length < 1 || numbers.length > 2 || first === undefined || !isMillis(first) || !isProbability(second ?? 1)) {
        return `"${text}": expected JITTER@<ms >= 0>[@<probability in [0, 1]>]`;
      }
      return { kind: 'JITTER', maxMillis: first, probability: second ?? 1 };
    default:
      return `unknown command "${name}" (known: FAIL, SLEEP, JITTER)`;
  }
}

function isProbability(p: number): boolean {
  return p >= 0 && p <= 1;
}

function isMillis(ms: number): boolean {
  return Number.isInteger(ms) && ms >= 0;
}
