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
 * Labels statestored accepts with a command. Names from Impala's statestore.cc; add a label
 * here only together with the code that honours it.
 */
export const STATESTORED_DEBUG_ACTION_LABELS = [
  'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT',
  'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT',
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
  readonly actions: readonly DebugAction[];
}

export type ParsedDebugActions = { readonly ok: true; readonly value: DebugActions } | { readonly ok: false; readonly problems: readonly string[] };

const KNOWN_LABELS: ReadonlySet<string> = new Set(STATESTORED_DEBUG_ACTION_LABELS);

/** Parses a `--debug_actions` value; every problem is listed, each naming the entry. */
export function parseDebugActions(text: string): ParsedDebugActions {
  const problems: string[] = [];
  const actions: DebugAction[] = [];
  let disableStatestoreNetwork = false;
  if (text.trim() === '') return { ok: true, value: { disableStatestoreNetwork, actions } };
  for (const entry of text.split('|').map((e) => e.trim())) {
    if (entry.toUpperCase() === DISABLE_STATESTORE_NETWORK) {
      disableStatestoreNetwork = true;
      continue;
    }
    const parts = entry.split(':');
    const [label, commandText] = parts;
    if (parts.length !== 2 || label === undefined || commandText === undefined || label === '' || commandText === '') {
      problems.push(`"${entry}" is not ${DISABLE_STATESTORE_NETWORK} or LABEL:COMMAND[@param]`);
      continue;
    }
    // Impala matches labels and commands case-insensitively (iequals).
    const upperLabel = label.toUpperCase();
    if (!KNOWN_LABELS.has(upperLabel)) {
      problems.push(`unknown label "${label}" (known: ${[DISABLE_STATESTORE_NETWORK, ...STATESTORED_DEBUG_ACTION_LABELS].join(', ')})`);
      continue;
    }
    const command = parseCommand(commandText);
    if (typeof command === 'string') {
      problems.push(`${label}: ${command}`);
      continue;
    }
    actions.push({ label: upperLabel as DebugActionLabel, command });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { disableStatestoreNetwork, actions } };
}

/** The action for a label, if the operator set one. */
export function debugActionFor(actions: DebugActions, label: DebugActionLabel): DebugCommand | undefined {
  return actions.actions.find((a) => a.label === label)?.command;
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
