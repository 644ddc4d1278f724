// Module boundaries (STYLE.md §5): tags alone enforce nothing, so every tag has a real
// constraint, and the pure libs also ban Node built-ins, timers and the wall clock.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

const pureRestrictions = {
  'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'net', 'http', 'http2', 'dgram', 'child_process', 'os', 'timers'], message: 'pure libs do no I/O' }] }],
  'no-restricted-globals': ['error',
    { name: 'setTimeout', message: 'pure libs take time as a parameter' },
    { name: 'setInterval', message: 'pure libs take time as a parameter' },
    { name: 'setImmediate', message: 'pure libs take time as a parameter' },
    { name: 'process', message: 'pure libs do no I/O' },
    { name: 'performance', message: 'pure libs take time as a parameter' }],
  'no-restricted-properties': ['error',
    { object: 'Date', property: 'now', message: 'pure libs take time as a parameter' },
    { object: 'Math', property: 'random', message: 'pure libs take randomness as a parameter' }],
  'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'pure libs take time as a parameter' }],
};

module.exports = [
  { ignores: ['**/dist', '**/node_modules', '**/src/gen/**', '**/*.cjs', 'tmp/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', {
        enforceBuildableLibDependency: true,
        allow: [],
        depConstraints: [
          { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure'], allowedExternalImports: [] },
          { sourceTag: 'type:proto', onlyDependOnLibsWithTags: [], allowedExternalImports: ['@bufbuild/protobuf', '@bufbuild/protobuf/*', '@grpc/grpc-js'] },
          { sourceTag: 'type:edge', onlyDependOnLibsWithTags: ['type:pure', 'type:proto', 'type:edge'] },
          { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:pure', 'type:testing'] },
          { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:pure', 'type:proto', 'type:edge'] },
          { sourceTag: 'type:chaos', onlyDependOnLibsWithTags: ['type:pure', 'type:proto', 'type:edge', 'type:testing'] },
          // deploy/: manifests and dashboards, checked against the flag and metric tables.
          { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:pure', 'type:edge'] },
        ],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Specs may use the generic test kit (fake clock, in-memory network, history checker).
    files: ['**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', {
        allow: [],
        depConstraints: [
          { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure', 'type:testing'] },
          { sourceTag: 'type:proto', onlyDependOnLibsWithTags: [] },
          { sourceTag: 'type:edge', onlyDependOnLibsWithTags: ['type:pure', 'type:proto', 'type:edge', 'type:testing'] },
          { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:pure', 'type:testing'] },
          { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:pure', 'type:proto', 'type:edge', 'type:testing'] },
          { sourceTag: 'type:chaos', onlyDependOnLibsWithTags: ['type:pure', 'type:proto', 'type:edge', 'type:testing'] },
          { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:pure', 'type:edge'] },
        ],
      }],
    },
  },
  { files: ['libs/ha/src/**/*.ts', 'libs/topics/src/**/*.ts'], ignores: ['**/*.spec.ts'], rules: pureRestrictions },
];
