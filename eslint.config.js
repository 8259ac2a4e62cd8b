import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/**
 * The GUIDE's one-way layers, enforced: ui -> state -> client -> shared <- worker.
 * Only the worker imports sql.js; the UI never imports worker code; the worker never imports Svelte;
 * shared imports nothing of ours.
 */
/** @typedef {{ group: string[], message: string }} Forbidden */
/** @type {(patterns: Forbidden[]) => import('eslint').Linter.RulesRecord} */
const layer = (patterns) => ({
	'no-restricted-imports': ['error', { patterns }],
});
/** @type {(group: string[], message: string) => Forbidden} */
const forbid = (group, message) => ({ group, message });

const noSqlJs = forbid(['sql.js', 'sql.js/*'], 'Only the worker imports sql.js.');
const noWorker = forbid(
	['**/worker', '**/worker/**'],
	'Talk to the database through src/client, never import worker code.',
);
const noUi = forbid(['**/ui', '**/ui/**'], 'Nothing below the UI imports components.');
const noState = forbid(['**/state', '**/state/**'], 'This layer sits below state.');
const noClient = forbid(
	['**/client', '**/client/**'],
	'This layer does not talk to the worker client.',
);
const noSvelte = forbid(['svelte', 'svelte/*'], 'The worker and shared code never import Svelte.');
const noRuntime = forbid(
	['**/runtime', '**/runtime/**'],
	'Worker layers import downward only: runtime -> domain -> stores -> core.',
);
const noDomain = forbid(
	['**/domain', '**/domain/**'],
	'Worker layers import downward only: runtime -> domain -> stores -> core.',
);
const noStores = forbid(
	['**/stores', '**/stores/**'],
	'Worker layers import downward only: runtime -> domain -> stores -> core.',
);
const noSqlJsAboveCore = forbid(
	['sql.js', 'sql.js/*'],
	'Only src/worker/core (and the CLI) import sql.js; use core/engine.',
);
const noBrowserRuntime = forbid(
	['**/worker/runtime', '**/worker/runtime/**'],
	'The command line imports core, stores and domain, never the browser-only runtime.',
);
const noCli = forbid(
	['**/cli/**', 'node:*'],
	'Browser code never imports the command line or Node built-ins.',
);

/** What no worker file imports, whatever its layer. */
const worker = [noUi, noState, noClient, noSvelte, noCli];

export default ts.config(
	{
		ignores: [
			'dist/',
			'dist-*/',
			'node_modules/',
			'test-results/',
			'playwright-report/',
			'coverage/',
			'tests/fixtures/',
		],
	},
	js.configs.recommended,
	...ts.configs.recommendedTypeChecked,
	...svelte.configs['flat/recommended'],
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				tsconfigRootDir: import.meta.dirname,
			},
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/consistent-type-imports': 'error',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
			],
			'no-console': ['error', { allow: ['error', 'warn'] }],
		},
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: { parser: ts.parser, svelteConfig },
		},
	},
	{ files: ['src/ui/**'], rules: layer([noSqlJs, noWorker, noCli]) },
	{ files: ['src/state/**'], rules: layer([noSqlJs, noWorker, noUi, noCli]) },
	{ files: ['src/client/**'], rules: layer([noSqlJs, noUi, noState, noCli, noSvelte]) },
	{
		files: ['src/shared/**'],
		rules: layer([noSqlJs, noWorker, noUi, noState, noClient, noSvelte, noCli]),
	},
	{ files: ['src/worker/**'], rules: layer([...worker]) },
	// Inside the worker: runtime -> domain -> stores -> core, and only core touches sql.js.
	{ files: ['src/worker/runtime/**'], rules: layer([...worker, noSqlJsAboveCore]) },
	{ files: ['src/worker/domain/**'], rules: layer([...worker, noSqlJsAboveCore, noRuntime]) },
	{
		files: ['src/worker/stores/**'],
		rules: layer([...worker, noSqlJsAboveCore, noRuntime, noDomain]),
	},
	{ files: ['src/worker/core/**'], rules: layer([...worker, noRuntime, noDomain, noStores]) },
	// The command line shares the worker's core (and stores, domain), and nothing of the browser app.
	{ files: ['src/cli/**'], rules: layer([noUi, noState, noClient, noSvelte, noBrowserRuntime]) },
	{ files: ['src/main.ts'], rules: layer([noSqlJs, noWorker, noCli]) },
	// Build-time configuration of the service worker: it describes the app, it does not run it.
	{ files: ['src/sw/**'], rules: layer([noSqlJs, noWorker, noUi, noState, noClient, noSvelte]) },
	{ files: ['**/*.js'], ...ts.configs.disableTypeChecked },
	{
		files: ['src/cli/**', 'tests/**', '*.config.{js,ts}'],
		rules: { 'no-console': 'off' },
	},
	{
		// Asymmetric matchers (expect.any) are typed `any` by design.
		files: ['tests/**'],
		rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
	},
);
