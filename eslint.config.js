// @ts-check
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.data/**', 'coverage/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // process.env is read in exactly one place per process: its main.ts (or a test harness).
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment in the process config module only.' },
      ],
    },
  },
  {
    files: ['**/src/main.ts', 'packages/testing/src/**', 'test/**', '**/*.spec.ts', 'bench/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
