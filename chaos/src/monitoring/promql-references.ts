/**
 * What a PromQL expression reads: the metric names of its selectors and every label name it
 * mentions (matchers, by/without, on/ignoring, group_left/right). Parsed with
 * @prometheus-io/lezer-promql, the grammar Prometheus' own query editor uses, rather than by
 * pattern matching, so `sum by (instance)` and `{to="active"}` are told apart from names.
 */
import type * as LezerPromql from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };

// The package is "type": "module" with one .d.ts for both entries, so TypeScript (node16)
// refuses a static import from CommonJS; its require entry (dist/index.cjs) is real.
const { parser } = require('@prometheus-io/lezer-promql') as typeof LezerPromql;

export interface PromqlReferences {
  readonly metrics: readonly string[];
  readonly labels: readonly string[];
  /** The text of every vector selector, matchers included, e.g. `statestore_is_active{daemon="statestored"}`. */
  readonly selectors: readonly string[];
  /** Syntax errors, each with the text around it; empty when the expression parses. */
  readonly errors: readonly string[];
}

export function promqlReferences(expr: string): PromqlReferences {
  const metrics = new Set<string>();
  const labels = new Set<string>();
  const selectors = new Set<string>();
  const errors: string[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    const text = expr.slice(cursor.from, cursor.to);
    if (cursor.type.isError) errors.push(`syntax error at ${cursor.from}: "${expr.slice(Math.max(0, cursor.from - 10), cursor.from + 10)}"`);
    else if (cursor.name === 'Identifier' && cursor.node.parent?.name === 'VectorSelector') metrics.add(text);
    else if (cursor.name === 'LabelName') labels.add(text);
    if (cursor.name === 'VectorSelector') selectors.add(text);
  } while (cursor.next());
  return { metrics: [...metrics].sort(), labels: [...labels].sort(), selectors: [...selectors], errors };
}
