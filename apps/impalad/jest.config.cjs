module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'impalad',
  rootDir: __dirname,
};
