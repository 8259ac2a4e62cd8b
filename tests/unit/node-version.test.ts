/**
 * The Node.js check that runs before install, start and test (tests/support/node-version.cjs): its
 * range logic, that package.json's "engines" is no looser than what the build tools declare, and the
 * one line it prints on a Node that is too old.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'tests/support/node-version.cjs');
const { satisfies } = createRequire(import.meta.url)(SCRIPT) as {
	satisfies: (version: string, range: string) => boolean | undefined;
};

const readJson = (path: string) =>
	JSON.parse(readFileSync(path, 'utf8')) as { engines?: { node?: string } };
const ENGINES = readJson(join(ROOT, 'package.json')).engines?.node ?? '';

/** What `npm install`, `npm start` and `npm test` run on, and so must accept our Node. */
const TOOLS = [
	'vite',
	'@sveltejs/vite-plugin-svelte',
	'vite-plugin-pwa',
	'svelte',
	'vitest',
	'eslint',
	'@playwright/test',
	'tsx',
	'typescript',
];
const VERSIONS = [
	'v18.20.8',
	'v20.18.3',
	'v20.19.0',
	'v21.7.3',
	'v22.12.0',
	'v22.13.0',
	'v23.11.0',
	'v24.0.0',
	'v26.10.0',
];

describe('the Node.js version check', () => {
	it('reads the forms of range package.json uses', () => {
		expect(satisfies('v20.19.0', '^20.19.0 || >=24')).toBe(true);
		expect(satisfies('v20.18.9', '^20.19.0 || >=24')).toBe(false);
		expect(satisfies('v21.0.0', '^20.19.0 || >=24')).toBe(false);
		expect(satisfies('v26.1.0', '^20.19.0 || >=24')).toBe(true);
		expect(satisfies('v22.13.0', '>=22.13')).toBe(true);
		expect(satisfies('v22.9.0', '>=22.13')).toBe(false);
		// A form it does not know never turns anyone away.
		expect(satisfies('v12.0.0', '20.x')).toBeUndefined();
		expect(satisfies('v12.0.0', ENGINES)).toBe(false);
	});

	it.each(TOOLS)("package.json's engines accepts no Node that %s refuses", (tool) => {
		const range = readJson(join(ROOT, 'node_modules', tool, 'package.json')).engines?.node;
		if (!range) return;
		for (const version of VERSIONS) {
			if (satisfies(version, ENGINES) !== true) continue;
			expect(satisfies(version, range), `${tool} (${range}) on ${version}`).not.toBe(false);
		}
	});

	it('recommends in .nvmrc a version that engines accepts', () => {
		const nvmrc = readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim();
		expect(satisfies(`v${nvmrc}.0.0`, ENGINES)).toBe(true);
	});

	it('is ES5, so that the oldest Node gets as far as printing the message', () => {
		const messages = new Linter().verify(readFileSync(SCRIPT, 'utf8'), {
			languageOptions: { ecmaVersion: 5, sourceType: 'script' },
		});
		expect(messages.filter((m) => m.fatal)).toEqual([]);
	});

	it('is silent on this Node, and says in one line which version to install on an older one', () => {
		expect(spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' })).toMatchObject({
			status: 0,
			stdout: '',
			stderr: '',
		});
		const dir = mkdtempSync(join(tmpdir(), 'monitor-node-version-'));
		mkdirSync(join(dir, 'tests/support'), { recursive: true });
		copyFileSync(SCRIPT, join(dir, 'tests/support/node-version.cjs'));
		writeFileSync(join(dir, 'package.json'), JSON.stringify({ engines: { node: '>=99.1' } }));
		writeFileSync(join(dir, '.nvmrc'), '100\n');
		const result = spawnSync(process.execPath, [join(dir, 'tests/support/node-version.cjs')], {
			encoding: 'utf8',
		});
		expect(result.status).toBe(1);
		expect(result.stderr).toBe(
			`Monitor needs Node.js >=99.1 and this is ${process.version}: install Node.js 100 (the version in .nvmrc; with nvm: nvm install) and run the command again.\n`,
		);
	});
});
