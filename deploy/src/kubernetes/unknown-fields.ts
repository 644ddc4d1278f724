/**
 * Field names the API does not know. kubernetes-models' JSON schemas let unknown properties
 * through, but an API server with strict field validation (kubectl's default since 1.27)
 * refuses them, and a lenient one drops them silently: a misspelt `podManagmentPolicy` would
 * just not apply. The same package ships TypeScript interfaces of every object, so each
 * object is type-checked as an object literal against its interface: TypeScript's
 * excess-property check names every field the interface lacks, with its path.
 */
import * as path from 'node:path';
import * as ts from 'typescript';
import type { KubeObject } from './kube-object';
import { objectName } from './kube-object';

/** apiVersion/kind -> the module and interface of its type. */
const TYPES: Readonly<Record<string, readonly [string, string]>> = {
  'v1/ConfigMap': ['kubernetes-models/v1/ConfigMap', 'IConfigMap'],
  'v1/Service': ['kubernetes-models/v1/Service', 'IService'],
  'apps/v1/StatefulSet': ['kubernetes-models/apps/v1/StatefulSet', 'IStatefulSet'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'],
  'monitoring.coreos.com/v1/ServiceMonitor': ['@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor', 'IServiceMonitor'],
  'monitoring.coreos.com/v1/PrometheusRule': ['@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule', 'IPrometheusRule'],
};

// A file name inside the repo, so module resolution finds node_modules; it is never written.
const VIRTUAL_FILE = path.resolve(__dirname, '__unknown-fields-check__.ts');

/** One message per unknown (or mistyped) field, "Kind/name: message"; empty when none. */
export function unknownFieldErrors(objects: readonly KubeObject[]): string[] {
  const typed = objects.map((o) => ({ o, type: TYPES[`${o.apiVersion}/${o.kind}`] }));
  const lines = typed.map(({ o, type }, i) => (type ? `const o${i}: import('${type[0]}').${type[1]} = ${JSON.stringify(o)};` : `// ${objectName(o)}: no type`));
  const source = `${lines.join('\n')}\nexport {};\n`;
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError) => (name === VIRTUAL_FILE ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, onError));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === VIRTUAL_FILE || fileExists(name);
  const program = ts.createProgram([VIRTUAL_FILE], options, host);
  const file = program.getSourceFile(VIRTUAL_FILE);
  if (!file) throw new Error('the check file did not load');
  const errors = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  return errors.map((d) => {
    const line = d.start === undefined ? -1 : file.getLineAndCharacterOfPosition(d.start).line;
    const entry = typed[line];
    const where = entry ? objectName(entry.o) : 'check file';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
