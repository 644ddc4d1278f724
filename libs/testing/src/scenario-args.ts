/**
 * The argument grammar every text scenario shares (`cmd pos1 pos2 key=value ...`, `500ms`,
 * `2s`), so the statestored node's, libs/ha's and the runner's interpreters read one language.
 */

export interface ScenarioArgs {
  readonly pos: string[];
  readonly kv: Record<string, string>;
}

/** Splits tokens into positionals and `key=value` pairs; a bare token listed in `switches` reads as `key=true`. */
export function parseScenarioArgs(tokens: readonly string[], switches: readonly string[] = []): ScenarioArgs {
  const pos: string[] = [];
  const kv: Record<string, string> = {};
  for (const t of tokens) {
    const i = t.indexOf('=');
    if (i > 0) kv[t.slice(0, i)] = t.slice(i + 1);
    else if (switches.includes(t)) kv[t] = 'true';
    else pos.push(t);
  }
  return { pos, kv };
}

/** `250ms` or `3s` in milliseconds. */
export function scenarioDurationMs(s: string): number {
  const m = /^(\d+)(ms|s)$/.exec(s);
  if (!m) throw new Error(`bad duration ${s} (want e.g. 250ms or 3s)`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

export function scenarioNumber(s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${s}`);
  return n;
}

export function required<T>(x: T | undefined, what: string): T {
  if (x === undefined) throw new Error(`missing ${what}`);
  return x;
}
