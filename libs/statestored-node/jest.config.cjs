module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'statestored-node',
  rootDir: __dirname,
};
