module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'ha',
  rootDir: __dirname,
};
