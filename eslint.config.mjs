// Lint: typescript-eslint's type-aware recommended rules, Prettier for layout (eslint-config-prettier turns off the
// rules that would fight it), and a 120-column limit for what Prettier does not wrap (strings, comments).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      '**/.serverless/',
      '**/.esbuild/',
      '.local/',
      '.scratch/',
      'coverage/',
      'test-results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    // Our plain JavaScript files are CommonJS (Lambda fixtures, the worker, Serverless's ${file()} sources): require is
    // their import.
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // A static site's script (the ops console, services/ops/site) runs in the browser, not in Node: ES2019, no module.
    files: ['services/*/site/**/*.js'],
    languageOptions: { sourceType: 'script', ecmaVersion: 2019, globals: { ...globals.browser } },
  },
  prettier,
  {
    // Schemas take zod/mini through @charter/events/zod, which sets the English messages; full `zod` (or Powertools'
    // parser schemas, built on it) would cost every bundle 410 KB and ~25 ms of cold start (test/bundles.test.ts).
    files: ['**/*.ts'],
    ignores: ['events/src/zod.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['zod', 'zod/mini', '@aws-lambda-powertools/parser'].map((name) => ({
            name,
            message: "import * as z from '@charter/events/zod' (zod/mini with English messages)",
          })),
          patterns: [{ group: ['zod/*', '@aws-lambda-powertools/parser/*'], message: 'see @charter/events/zod' }],
        },
      ],
    },
  },
  {
    rules: {
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
);
