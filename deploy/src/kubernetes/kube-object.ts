/** The little of a Kubernetes object every check needs; the rest is read field by field. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec?: unknown;
  readonly data?: Readonly<Record<string, string>>;
}

/** "StatefulSet/statestored-1", for messages. */
export function objectName(o: KubeObject): string {
  return `${o.kind}/${o.metadata?.name ?? '?'}`;
}
