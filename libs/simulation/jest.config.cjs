module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'simulation',
  rootDir: __dirname,
  // The 10,000-seed sweep is split over two spec files; Jest's default (cores - 1) would run
  // them one after the other on a 2-core machine.
  maxWorkers: 2,
};
