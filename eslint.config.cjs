// Module boundaries (STYLE.md §5): tags alone enforce nothing, so every tag has a real
// constraint, and the pure libs also ban Node built-ins, timers and the wall clock.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');
const importX = require('eslint-plugin-import-x');
const { createTypeScriptImportResolver } = require('eslint-import-resolver-typescript');

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
          // The simulator reads its flags through libs/config's table, as the daemons do.
          { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:pure', 'type:testing', 'scope:config'] },
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
    // Specs (and their helpers) may use the generic test kit (fake clock, in-memory network, history checker).
    files: ['**/*.spec.ts', '**/*.spec-helper.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', {
        allow: [],
        depConstraints: [
          { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure', 'type:testing'] },
          { sourceTag: 'type:proto', onlyDependOnLibsWithTags: [] },
          { sourceTag: 'type:edge', onlyDependOnLibsWithTags: ['type:pure', 'type:proto', 'type:edge', 'type:testing'] },
          { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:pure', 'type:testing', 'scope:config'] },
          { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:pure', 'type:proto', 'type:edge', 'type:testing'] },
          { sourceTag: 'type:chaos', onlyDependOnLibsWithTags: ['type:pure', 'type:proto', 'type:edge', 'type:testing'] },
          { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:pure', 'type:edge'] },
        ],
      }],
    },
  },
  { files: ['libs/ha/src/**/*.ts', 'libs/topics/src/**/*.ts', 'libs/statestored-node/src/**/*.ts'], ignores: ['**/*.spec.ts'], rules: pureRestrictions },
  {
    // No import cycles anywhere, inside a project too (Nx checks only cycles between projects).
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { ...importX.flatConfigs.typescript.settings, 'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.base.json' })] },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Every switch over a union (events, effects, reasons) handles every member; assertNever
    // catches it at run time, this at lint time. Type-aware, so only where such switches live.
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'chaos/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.spec-helper.ts', '**/src/gen/**', '**/bench/**'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: { '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false }] },
  },
];
