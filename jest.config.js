/**
 * `npm test`: every test. `npm run test:unit` (CHARTER_UNIT_TESTS=1): only the tests that need no local cloud, no
 * packaging and no browser; a test that starts the local cloud is named `*.cloud.test.ts`.
 */
// CommonJS output, so a test's `await import()` (after the local cloud sets endpoints) becomes a require jest can load.
const tsJest = ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', moduleResolution: 'node10' } }];
const unitOnly = process.env.CHARTER_UNIT_TESTS === '1';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  testMatch: ['<rootDir>/**/test/**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    '/.serverless/',
    '/.esbuild/',
    '/.local/',
    ...(unitOnly ? ['\\.cloud\\.test\\.ts$', '<rootDir>/test/'] : []),
  ],
  modulePathIgnorePatterns: [
    '<rootDir>/.serverless/',
    '<rootDir>/services/.*/.serverless/',
    '<rootDir>/services/.*/.esbuild/',
  ],
  testTimeout: 60_000,
};
