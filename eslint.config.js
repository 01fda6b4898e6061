import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import { importX, createNodeResolver } from 'eslint-plugin-import-x'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

// The layers, each allowed to import only those below it:
//   src/shared    the contract (zod schemas, names, pure helpers); imports no other layer
//   src/services  the stack's processes (scraper, API, job board, RPC); shared only
//   src/main      the panel's main process, CLI and web shell; shared and services
//   src/preload   the Electron bridge; shared only, so it stays small enough to audit
//   src/renderer  the React UI; shared only: it reaches the panel through the contract
// Zones are matched on resolved file paths, so a relative import cannot slip past them.
const layer = (dir) => `./src/${dir}`
const layerZones = [
  {
    target: layer('shared'),
    from: ['services', 'main', 'renderer', 'preload'].map(layer),
    message: 'src/shared is the contract every layer reads; it imports no other layer.'
  },
  {
    target: layer('services'),
    from: ['main', 'renderer', 'preload'].map(layer),
    message: 'The stack services run without the panel; move what both need into src/shared.'
  },
  {
    target: layer('main'),
    from: ['renderer', 'preload'].map(layer),
    message: 'The main process talks to the renderer and preload through the contract in src/shared.'
  },
  {
    target: layer('preload'),
    from: ['services', 'main', 'renderer'].map(layer),
    message: 'The preload bridge imports only the contract in src/shared.'
  },
  {
    target: layer('renderer'),
    from: ['services', 'main', 'preload'].map(layer),
    message: 'The renderer reaches the panel only through the contract in src/shared.'
  }
]

// Code that runs in the renderer (the contract included) cannot load Node built-ins or Electron.
const browserOnlyImports = {
  patterns: [
    { group: ['node:*'], message: 'This code runs in the browser renderer too; Node built-ins are not there.' },
    { group: ['electron', 'electron/*'], message: 'Only src/main and src/preload may import electron.' }
  ]
}

const testFiles = ['**/*.test.ts', '**/*.test.tsx', '**/*.spec.ts']

// Shipped code (src/ outside its tests) never reaches into test/, and the RPC layer stays
// generic: the crawler plugs into it through the server's hooks, never the other way round.
const shippedCodeZones = [
  {
    target: './src',
    from: './test',
    message: 'Shipped code cannot import test fixtures or support; only *.test.ts files may.'
  },
  {
    target: './src/services/rpc',
    from: './src/services/crawler',
    message: 'The RPC layer knows nothing of crawls; the crawler plugs in through the server hooks.'
  }
]

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      '.cache/**',
      'test-results/**',
      'playwright-report/**',
      '.venv*/**'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.json'] })]
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: layerZones }]
    }
  },
  {
    // Plain JavaScript files are in no tsconfig: lint them without type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: testFiles,
    rules: { 'import-x/no-restricted-paths': ['error', { zones: [...layerZones, ...shippedCodeZones] }] }
  },
  {
    files: ['src/shared/**/*.ts', 'src/renderer/**/*.{ts,tsx}'],
    ignores: testFiles,
    rules: { 'no-restricted-imports': ['error', browserOnlyImports] }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules
  },
  // Formatting belongs to prettier (npm run format); turn off the stylistic rules it would fight.
  prettier
)
