/**
 * The one-way layers of the GUIDE are a lint rule; this proves the rule bites, so a config change
 * cannot quietly switch it off.
 */
import { ESLint } from 'eslint';
import ts from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// The snippets are not files on disk, so type information is switched off; the layer rule needs none.
const eslint = new ESLint({
	cwd: process.cwd(),
	overrideConfig: [
		ts.configs.disableTypeChecked,
		{ languageOptions: { parserOptions: { projectService: false, project: null } } },
	],
});

async function restricted(file: string, code: string): Promise<boolean> {
	const [result] = await eslint.lintText(code, { filePath: file });
	const messages = result?.messages ?? [];
	const fatal = messages.find((m) => m.fatal);
	if (fatal) throw new Error(fatal.message);
	return messages.some((m) => m.ruleId === 'no-restricted-imports');
}

describe('layer rule', () => {
	it.each([
		['src/ui/pages/X.ts', "import initSqlJs from 'sql.js';\nvoid initSqlJs;"],
		['src/ui/pages/X.ts', "import { Engine } from '../../worker/core/engine';\nvoid Engine;"],
		['src/state/x.svelte.ts', "import { Engine } from '../worker/core/engine';\nvoid Engine;"],
		['src/client/x.ts', "import { notices } from '../state/notices.svelte';\nvoid notices;"],
		['src/shared/x.ts', "import { getDb } from '../client/db-client';\nvoid getDb;"],
		['src/worker/x.ts', "import { mount } from 'svelte';\nvoid mount;"],
		['src/worker/x.ts', "import { notices } from '../state/notices.svelte';\nvoid notices;"],
		['src/worker/x.ts', "import { main } from '../cli/main';\nvoid main;"],
		['src/cli/x.ts', "import { getDb } from '../client/db-client';\nvoid getDb;"],
		['src/sw/x.ts', "import { getDb } from '../client/db-client';\nvoid getDb;"],
		// Inside the worker: runtime -> domain -> stores -> core, and only core touches sql.js.
		[
			'src/worker/core/x.ts',
			"import { monitorRecords } from '../stores/monitors';\nvoid monitorRecords;",
		],
		[
			'src/worker/core/x/y.ts',
			"import { Account } from '../../domain/account/account';\nvoid Account;",
		],
		['src/worker/core/x.ts', "import { Tab } from '../runtime/tabs/tab';\nvoid Tab;"],
		['src/worker/stores/x.ts', "import { vault } from '../domain/account/vault';\nvoid vault;"],
		['src/worker/stores/x.ts', "import { handlers } from '../runtime/handlers';\nvoid handlers;"],
		[
			'src/worker/domain/x/y.ts',
			"import { handlers } from '../../runtime/handlers';\nvoid handlers;",
		],
		['src/worker/domain/x.ts', "import initSqlJs from 'sql.js';\nvoid initSqlJs;"],
		[
			'src/worker/stores/x.ts',
			"import type { Database } from 'sql.js';\nlet d: Database;\nvoid d;",
		],
		['src/worker/runtime/x.ts', "import initSqlJs from 'sql.js';\nvoid initSqlJs;"],
		['src/cli/x.ts', "import { Tab } from '../worker/runtime/tabs/tab';\nvoid Tab;"],
	])('%s may not: %s', async (file, code) => {
		expect(await restricted(file, code)).toBe(true);
	});

	it.each([
		['src/worker/core/x.ts', "import initSqlJs from 'sql.js';\nvoid initSqlJs;"],
		[
			'src/worker/runtime/x.ts',
			"import { Account } from '../domain/account/account';\nvoid Account;",
		],
		[
			'src/worker/domain/x.ts',
			"import { monitorRecords } from '../stores/monitors';\nvoid monitorRecords;",
		],
		['src/worker/domain/x/y.ts', "import { vault } from '../account/vault';\nvoid vault;"],
		['src/worker/stores/x.ts', "import { Engine } from '../core/engine';\nvoid Engine;"],
		['src/state/x.svelte.ts', "import { getDb } from '../client/db-client';\nvoid getDb;"],
		['src/ui/pages/X.ts', "import { formatBytes } from '../../shared/format';\nvoid formatBytes;"],
		['src/cli/x.ts', "import { migrate } from '../worker/core/migrations/runner';\nvoid migrate;"],
		[
			'src/cli/x.ts',
			"import { monitorRecords } from '../worker/stores/monitors';\nvoid monitorRecords;",
		],
		['src/cli/x.ts', "import initSqlJs from 'sql.js';\nvoid initSqlJs;"],
	])('%s may: %s', async (file, code) => {
		expect(await restricted(file, code)).toBe(false);
	});
});
