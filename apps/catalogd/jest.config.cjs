module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'catalogd',
  rootDir: __dirname,
};
