// ESLint flat config. The architecture's layer rules (docs/ARCHITECTURE.md) are lint rules here, so a wrong
// import fails `npm run lint` (part of `npm test`) instead of waiting for review. Formatting is Prettier's job
// (.prettierrc.json); eslint-config-prettier turns off the stylistic rules that would fight it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const vscodeOnlyInHost = {
  name: 'vscode',
  message: "Only src/host/** and src/extension.ts may import 'vscode' (docs/ARCHITECTURE.md: layering).",
};
const projectLayers = (message, groups) => ({ group: groups, message });

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test/fixtures/**', '.fixpoint-test/**', '**/*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    rules: {
      // Unused arguments named _x document an interface's shape; everything else unused is dead code.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Terminal escapes and binary detection are matched on purpose: control characters are the point there.
      'no-control-regex': 'off',
      // The o200k tables (2.7 MB) are required lazily on the first count, not at activation (src/core/agent/tokens.ts).
      // jsonrepair declares ES-module types only; its CommonJS build is required (src/core/model/modelJson.ts).
      // tree-sitter's runtime is required on first use, from beside the bundle (src/node/treeSitter/runtime.ts).
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^gpt-tokenizer$', '^jsonrepair$', '^@vscode/tree-sitter-wasm$'] }],
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [vscodeOnlyInHost] }],
    },
  },
  {
    files: ['src/host/**/*.ts', 'src/extension.ts', 'test/integration/**/*.ts', 'test/e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [vscodeOnlyInHost],
          patterns: [
            projectLayers('src/core is plain TypeScript: it never imports the host, Node adapters, the CLI or the webview.', [
              '**/host',
              '**/host/**',
              '**/node/**',
              '**/cli/**',
              '**/media/**',
            ]),
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [vscodeOnlyInHost],
          patterns: [
            projectLayers(
              'src/shared is the webview protocol: it imports nothing of the project but the domain types (src/core/domain.ts).',
              [
                // Everything above src/shared but the one pure-type module (gitignore rules: a folder is re-included
                // before a file in it can be).
                '../*',
                '!../core',
                '../core/*',
                '!../core/domain',
              ],
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['media/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [vscodeOnlyInHost],
          patterns: [
            {
              group: ['../src/shared/**'],
              allowTypeImports: true,
              message: 'The webview takes only types from src/shared; values come from the host in messages.',
            },
            projectLayers('The webview imports nothing of the extension but the protocol types in src/shared.', [
              '../src/core/**',
              '../src/host/**',
              '../src/node/**',
              '../src/cli/**',
            ]),
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' },
    },
  },
);
