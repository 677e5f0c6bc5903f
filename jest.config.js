/**
 * Unit specs sit beside the code (src/**\/*.spec.ts); integration tests live under test/ and
 * subgraphs/*\/test/ and run against a real PostgreSQL started by the global setup (embedded
 * unless DATABASE_URL is set). `npm test` builds first, so the global setup runs compiled.
 */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
};
const moduleNameMapper = {
  '^@tenantry/subgraph-(.*)$': '<rootDir>/subgraphs/$1/src',
  '^@tenantry/gateway$': '<rootDir>/gateway/src',
  '^@tenantry/(.*)$': '<rootDir>/packages/$1/src',
};

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/{packages,subgraphs,gateway,bench}/**/src/**/*.spec.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/subgraphs/*/test/**/*.test.ts'],
      globalSetup: '<rootDir>/packages/testing/dist/global-setup.js',
      globalTeardown: '<rootDir>/packages/testing/dist/global-teardown.js',
    },
  ],
};
