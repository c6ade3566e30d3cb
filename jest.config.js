/** Unit and end-to-end tests in one run; `npm test` is the README's test command. */
// CommonJS output, so a test's `await import()` (after the local cloud sets endpoints) becomes a require jest can load.
const tsJest = ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', moduleResolution: 'node10' } }];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  testMatch: ['<rootDir>/**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.serverless/', '/.esbuild/', '/.local/'],
  modulePathIgnorePatterns: [
    '<rootDir>/.serverless/',
    '<rootDir>/services/.*/.serverless/',
    '<rootDir>/services/.*/.esbuild/',
  ],
  testTimeout: 60_000,
};
