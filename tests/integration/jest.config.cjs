// Real daemons from dist/ over real gRPC on loopback: slower than unit tests, run one file at a time.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'integration',
  rootDir: __dirname,
  testTimeout: 120_000,
};
