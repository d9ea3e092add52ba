// One lint setup for the whole tree. Besides typescript-eslint's strict rules it enforces the
// layering of ../shared/ARCHITECTURE.md: who may import electron, and what src-workers and
// src-shared may depend on.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const electronOnlyInAppAndPreload = {
  paths: [{ name: 'electron', message: 'Only src-main/app and src-main/preload may import electron (ARCHITECTURE.md).' }],
};

const noReachIntoMainOrRenderer = [
  { group: ['**/src-main/**', '**/src-renderer/**'], message: 'src-workers and src-shared depend on src-shared only (ARCHITECTURE.md).' },
];

const nodeModules = ['node:*', 'fs', 'path', 'os', 'worker_threads', 'child_process', 'better-sqlite3', 'electron', 'ws'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'playwright-report/**', '.electron-native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', electronOnlyInAppAndPreload],
    },
  },
  {
    files: ['src-main/app/**', 'src-main/preload/**', 'tests/e2e/**', 'scripts/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src-workers/**'],
    rules: {
      'no-restricted-imports': ['error', { ...electronOnlyInAppAndPreload, patterns: noReachIntoMainOrRenderer }],
    },
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeModules.filter((m) => !m.includes('*')).map((name) => ({ name, message: 'src-shared runs in the renderer too: no Node APIs.' })),
          patterns: [
            ...noReachIntoMainOrRenderer,
            { group: ['node:*'], message: 'src-shared runs in the renderer too: no Node APIs.' },
            { group: ['**/src-workers/**'], message: 'src-shared is the contract: it imports nothing from the other layers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronOnlyInAppAndPreload,
          patterns: [
            { group: ['**/src-main/**', '**/src-workers/**'], message: 'The renderer talks to the host only through FloorApi in src-shared.' },
            { group: ['node:*'], message: 'The renderer has no Node APIs.' },
          ],
        },
      ],
    },
  },
);
