module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'simulation',
  rootDir: __dirname,
};
