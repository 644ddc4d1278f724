// The Kubernetes manifests, the Grafana dashboard and the files generated from them: rendered
// with kubectl's kustomize, validated against the API schemas, checked for the invariants the
// pair depends on. No daemon runs here (chaos/src/monitoring checks the dashboard against them).
module.exports = {
  ...require('../jest.preset.cjs'),
  displayName: 'deploy',
  rootDir: __dirname,
  testTimeout: 60_000,
};
