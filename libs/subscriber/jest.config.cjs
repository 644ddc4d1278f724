module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'subscriber',
  rootDir: __dirname,
};
