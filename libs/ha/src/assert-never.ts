/**
 * Exhaustiveness guard for switches over `kind` unions (STYLE.md §1). Reaching it is a broken
 * invariant (a new event or effect kind without a handler), so it throws, as raft.go panics.
 */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(x)}`);
}
