module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'statestored',
  rootDir: __dirname,
};
